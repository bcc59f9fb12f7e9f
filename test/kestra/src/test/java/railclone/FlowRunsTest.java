package railclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kestra.core.models.Label;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.LogEntry;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.models.flows.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The flows of flows/ run on Kestra's own engine against the Railway emulator (real MariaDB behind it):
 * the webhook path the clone API uses, the UI form, the query flows, a failing copy with retry, rollback and
 * finally, the concurrency limit, and no secret in anything Kestra stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowRunsTest {
    static final String NS = "railclone";
    /** The failing-copy variant lives beside the real flows so its executions never mix with theirs. */
    static final String FAULT_NS = "railclone.fault";
    static final Duration CLONE_TIMEOUT = Duration.ofMinutes(9);
    static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);

    /** The eight outputs both engines give (src/flows/table.ts), with the Java type Kestra stores. */
    static final Map<String, Class<?>> CLONE_OUTPUTS = Map.of(
        "staging_url", String.class,
        "environment_name", String.class,
        "environment_id", String.class,
        "database_size", Integer.class,
        "duration", Double.class,
        "expires_at", String.class,
        "basic_auth_user", String.class,
        "basic_auth_password_encrypted", String.class);

    final List<String> executions = new ArrayList<>();
    String projectId;

    @BeforeAll
    void deploy() throws Exception {
        projectId = Fixtures.env("ENV_RAILWAY_PROJECT_ID");
        List<String> sources = new ArrayList<>();
        for (Path file : Fixtures.flowFiles()) sources.add(Files.readString(file));
        Kestra.deploy(NS, sources);
        // The same clone flow, except that sync-database calls Railway with a token Railway refuses.
        String clone = Files.readString(Fixtures.repo().resolve("flows/clone-staging-api.yml"));
        String marker = "      - node railclone.mjs task sync-database";
        int at = clone.indexOf(marker);
        String before = clone.substring(0, at);
        int tokenAt = before.lastIndexOf("RAILWAY_API_TOKEN: \"{{ secret('RAILWAY_API_TOKEN') }}\"");
        assertTrue(tokenAt > before.lastIndexOf("- id: sync-database"), "sync-database has its token line");
        String variant = before.substring(0, tokenAt) + "RAILWAY_API_TOKEN: rcemu_acct_refused"
            + before.substring(tokenAt + "RAILWAY_API_TOKEN: \"{{ secret('RAILWAY_API_TOKEN') }}\"".length())
            + clone.substring(at);
        Kestra.deploy(FAULT_NS, List.of(variant.replace("namespace: railclone\n", "namespace: " + FAULT_NS + "\n")));
    }

    static Map<String, Object> request(String client, String env) {
        Map<String, Object> body = new HashMap<>();
        body.put("client_name", client);
        body.put("environment_name", env);
        body.put("requested_by", "kestra-engine-test");
        return body;
    }

    /** Every run of the first test, by role. */
    Execution webhook1;
    Execution webhook2;
    Execution fault;
    List<Execution> refused = new ArrayList<>();
    Map<String, Object> initial;

    @Test
    @Order(1)
    void clonesByWebhookAndFormRunThreeAtATime() throws Exception {
        initial = Control.get("/inventory");
        // The UI form without client_name: Kestra refuses it before any task runs.
        Map<String, Object> noClient = new HashMap<>();
        noClient.put("environment_name", "staging-no-client");
        noClient.put("railway_project_id", projectId);
        Exception error = assertThrows(Exception.class,
            () -> Kestra.runForm(NS, "clone-staging-api", noClient, Duration.ofSeconds(60)));
        assertTrue(String.valueOf(error.getMessage()).contains("client_name"), error.toString());

        // Five clones at once. Four in `railclone` by webhook (two refused by validate-inputs: a ttl that is
        // no duration); the failing-copy variant, in its own namespace, from the UI form.
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("client_name", "form");
        inputs.put("environment_name", "staging-kestra-fault");
        inputs.put("railway_project_id", projectId);
        inputs.put("enable_basic_auth", false);
        CompletableFuture<Execution> formRun = CompletableFuture.supplyAsync(() -> {
            try {
                return Kestra.runForm(FAULT_NS, "clone-staging-api", inputs, CLONE_TIMEOUT);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        List<String> ids = new ArrayList<>();
        ids.add(Kestra.webhook(NS, "clone-staging-api", request("acme1", "staging-kestra-1")));
        ids.add(Kestra.webhook(NS, "clone-staging-api", request("acme2", "staging-kestra-2")));
        for (int i = 1; i <= 2; i++) {
            Map<String, Object> bad = request("bad" + i, "staging-kestra-bad-" + i);
            bad.put("ttl", "forever");
            ids.add(Kestra.webhook(NS, "clone-staging-api", bad));
        }

        List<Execution> done = new ArrayList<>();
        for (String id : ids) done.add(Kestra.awaitEnd(id, CLONE_TIMEOUT));
        fault = formRun.get();
        webhook1 = done.get(0);
        webhook2 = done.get(1);
        refused = done.subList(2, 4);
        List<Execution> all = new ArrayList<>(done);
        for (Execution e : all) executions.add(e.getId());
        executions.add(fault.getId());

        for (Execution e : List.of(webhook1, webhook2))
            assertEquals(State.Type.SUCCESS, e.getState().getCurrent(), describe(e));
        for (Execution e : refused) {
            assertEquals(State.Type.FAILED, e.getState().getCurrent(), describe(e));
            assertEquals(State.Type.FAILED, e.findTaskRunsByTaskId("validate-inputs").get(0).getState().getCurrent());
            assertEquals(State.Type.SUCCESS, e.findTaskRunsByTaskId("rollback").get(0).getState().getCurrent(), describe(e));
        }
        // The concurrency limit: never more than three RUNNING at once, and the others waited in QUEUED.
        assertTrue(all.stream().anyMatch(e -> histories(e).contains(State.Type.QUEUED)),
            "a clone was queued: " + all.stream().map(FlowRunsTest::histories).toList());
        assertTrue(maxOverlap(all) <= 3, "at most three clones ran at once: " + maxOverlap(all));
    }

    @Test
    @Order(2)
    void theWebhookCloneHasLabelsOutputsAndRewrittenData() throws Exception {
        Map<String, String> labels = webhook1.getLabels().stream()
            .collect(Collectors.toMap(Label::key, Label::value, (a, b) -> b));
        assertEquals("acme1", labels.get("client"));
        assertEquals("staging-kestra-1", labels.get("environment"));
        assertEquals("kestra-engine-test", labels.get("started_by"));

        Map<String, Object> outputs = Compat.flowOutputs(webhook1);
        assertEquals(CLONE_OUTPUTS.keySet(), outputs.keySet(), "flow outputs " + outputs);
        for (var o : CLONE_OUTPUTS.entrySet()) {
            Object v = outputs.get(o.getKey());
            assertNotNull(v, o.getKey());
            assertInstanceOf(o.getValue(), v, o.getKey() + " = " + v);
        }
        assertEquals("staging-kestra-1", outputs.get("environment_name"));
        assertTrue(((Integer) outputs.get("database_size")) > 0);

        // The data arrived rewritten: the clone's WordPress answers on its own host.
        Map<String, Object> data = Control.get("/clone-data?environment=staging-kestra-1");
        String staging = String.valueOf(outputs.get("staging_url"));
        assertEquals(staging.replaceAll("/$", ""), String.valueOf(data.get("siteurl")).replaceAll("/$", ""));

        // The UI form's run (the failing-copy variant) got its request from the inputs: labels, then the clone.
        assertTrue(fault.getLabels().contains(new Label("client", "form")), fault.getLabels().toString());
        assertEquals(State.Type.SUCCESS, fault.findTaskRunsByTaskId("create-environment").get(0).getState().getCurrent());
    }

    @Test
    @Order(3)
    void aFailingCopyIsRetriedThenRolledBackAndDatabaseAccessClosed() throws Exception {
        Execution e = fault;
        assertEquals(State.Type.FAILED, e.getState().getCurrent(), describe(e));
        TaskRun sync = e.findTaskRunsByTaskId("sync-database").get(0);
        assertEquals(4, sync.getAttempts().size(), "Kestra's retry made maxAttempts attempts: " + describe(e));
        for (var a : sync.getAttempts()) assertEquals(State.Type.FAILED, a.getState().getCurrent());
        assertEquals(State.Type.FAILED, sync.getState().getCurrent());
        assertEquals(State.Type.SUCCESS, e.findTaskRunsByTaskId("rollback").get(0).getState().getCurrent(), describe(e));
        assertEquals(State.Type.SUCCESS,
            e.findTaskRunsByTaskId("close-database-access").get(0).getState().getCurrent(), describe(e));
        assertTrue(e.findTaskRunsByTaskId("wordpress-search-replace").isEmpty(), "nothing ran after the failed copy");
        assertTrue(String.valueOf(Compat.taskOutputs(e.findTaskRunsByTaskId("rollback").get(0)))
            .contains("environment staging-kestra-fault"), "rollback deleted the environment it created");
        // Nothing left: no environment, and every TCP proxy opened on the source closed again.
        Map<String, Object> after = Control.get("/inventory");
        assertFalse(((List<?>) after.get("environments")).contains("staging-kestra-fault"));
        assertEquals(initial.get("productionTcpProxies"), after.get("productionTcpProxies"), "source TCP proxies");
        // A failed run still renders its outputs (as null), rather than failing to render them.
        assertNull(Compat.flowOutputs(e).get("staging_url"));
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void listGetAndDeleteAnswerWithTheirResult() throws Exception {
        Execution list = Kestra.runForm(NS, "list-environments", Map.of("railway_project_id", projectId), QUERY_TIMEOUT);
        executions.add(list.getId());
        assertEquals(State.Type.SUCCESS, list.getState().getCurrent(), describe(list));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) Compat.flowOutputs(list).get("result");
        Set<Object> names = rows.stream().map(r -> r.get("name")).collect(Collectors.toSet());
        assertTrue(names.containsAll(List.of("staging-kestra-1", "staging-kestra-2")), names.toString());
        assertFalse(names.contains("staging-kestra-fault"), names.toString());

        Execution get = Kestra.runForm(NS, "get-environment",
            Map.of("railway_project_id", projectId, "environment", "staging-kestra-1"), QUERY_TIMEOUT);
        executions.add(get.getId());
        assertEquals(State.Type.SUCCESS, get.getState().getCurrent(), describe(get));
        assertEquals("staging-kestra-1", ((Map<String, Object>) Compat.flowOutputs(get).get("result")).get("name"));

    }

    @Test
    @Order(5)
    void cleanupDeletesAnExpiredCloneAndKeepsALiveOne() throws Exception {
        Control.post("/expire?environment=staging-kestra-2");
        Execution sweep = Kestra.runForm(NS, "cleanup-expired-environments", Map.of("railway_project_id", projectId),
            QUERY_TIMEOUT);
        executions.add(sweep.getId());
        assertEquals(State.Type.SUCCESS, sweep.getState().getCurrent(), describe(sweep));
        Map<String, Object> now = Control.get("/inventory");
        List<?> envs = (List<?>) now.get("environments");
        assertEquals(List.of("production", "staging-kestra-1"), envs.stream().sorted().toList());
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void deleteRemovesTheLastCloneWithItsDatabase() throws Exception {
        Execution delete = Kestra.runForm(NS, "delete-environment",
            Map.of("railway_project_id", projectId, "environment", "staging-kestra-1"), QUERY_TIMEOUT);
        executions.add(delete.getId());
        assertEquals(State.Type.SUCCESS, delete.getState().getCurrent(), describe(delete));
        assertEquals("staging-kestra-1", ((Map<String, Object>) Compat.flowOutputs(delete).get("result")).get("deleted"));
        Map<String, Object> now = Control.get("/inventory");
        assertEquals(List.of("production"), now.get("environments"));
        // Only the source's database is left: every clone's database went with its environment.
        assertEquals(initial.get("databases"), now.get("databases"), now.toString());
        assertEquals(initial.get("productionTcpProxies"), now.get("productionTcpProxies"));
    }

    @Test
    @Order(7)
    void noSecretInAnyLogLineOrOutputKestraStored() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (String name : List.of("SECRET_RAILWAY_API_TOKEN", "SECRET_RAILCLONE_OUTPUT_KEY", "SECRET_WEBHOOK_KEY"))
            secrets.add(new String(Base64.getDecoder().decode(Fixtures.env(name)), StandardCharsets.UTF_8));
        secrets.add(Fixtures.env("RAILCLONE_CANARY"));
        assertTrue(executions.size() >= 9, "the runs above happened: " + executions);
        int lines = 0;
        for (String id : executions) {
            Execution e = Kestra.execution(id);
            StringBuilder stored = new StringBuilder(String.valueOf(Compat.flowOutputs(e)));
            for (TaskRun t : e.getTaskRunList()) stored.append(Compat.taskOutputs(t));
            for (LogEntry l : Compat.logs(Kestra.TENANT, id)) {
                stored.append('\n').append(l.getMessage());
                lines++;
            }
            for (String s : secrets) assertFalse(stored.toString().contains(s), "a secret in execution " + id);
        }
        assertTrue(lines > 50, "logs were read: " + lines);
        System.out.println("[railclone] executions run on this engine: " + executions.size() + ", log lines checked: " + lines);
    }

    static List<State.Type> histories(Execution e) {
        return e.getState().getHistories().stream().map(State.History::getState).toList();
    }

    /** The most executions RUNNING at one instant, from their state histories. */
    static int maxOverlap(List<Execution> runs) {
        List<Instant[]> spans = new ArrayList<>();
        for (Execution e : runs) {
            Instant start = null;
            for (State.History h : e.getState().getHistories()) {
                if (h.getState() == State.Type.RUNNING && start == null) start = h.getDate();
                else if (start != null && h.getState() != State.Type.RUNNING) {
                    spans.add(new Instant[] {start, h.getDate()});
                    start = null;
                }
            }
        }
        int max = 0;
        for (Instant[] s : spans) {
            int n = 0;
            for (Instant[] o : spans) if (!o[0].isAfter(s[0]) && o[1].isAfter(s[0])) n++;
            max = Math.max(max, n);
        }
        return max;
    }

    static String describe(Execution e) {
        return e.getId() + " " + e.getState().getCurrent() + " tasks " + e.getTaskRunList().stream()
            .map(t -> t.getTaskId() + "=" + t.getState().getCurrent() + "x" + (t.getAttempts() == null ? 0 : t.getAttempts().size()))
            .toList();
    }
}

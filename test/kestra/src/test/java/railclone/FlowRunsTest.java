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
import io.kestra.core.serializers.JacksonMapper;
import com.fasterxml.jackson.core.type.TypeReference;
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
import org.slf4j.event.Level;

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
    /** Generous (a shared 2-core machine runs both engines at once, ~5–30 s a task) but finite. */
    static final Duration CLONE_TIMEOUT = Duration.ofMinutes(15);
    static final Duration QUERY_TIMEOUT = Duration.ofMinutes(5);
    /** Both versions clone in one emulator project at once: each names its environments with its own tag. */
    static final String TAG = Fixtures.env("RAILCLONE_TAG");
    static final String VERSION = Fixtures.env("RAILCLONE_KESTRA_VERSION");

    static String env(String suffix) {
        return "staging-" + TAG + "-" + suffix;
    }

    /** This engine's environments (the other version's clones live in the same project). */
    static List<String> ours(Map<String, Object> inventory) {
        return ((List<?>) inventory.get("environments")).stream().map(String::valueOf)
            .filter(n -> n.startsWith("staging-" + TAG + "-")).sorted().toList();
    }

    /**
     * The clone's outputs as src/flows/table.ts declares them (the npm side passes the table's
     * `FLOWS['clone-staging-api'].outputs`; the clone API's in-process engine answers from the same table),
     * as id → the Java type Kestra stores for the declared output type.
     */
    static final Map<String, Class<?>> CLONE_OUTPUTS = cloneOutputs();

    @SuppressWarnings("unchecked")
    static Map<String, Class<?>> cloneOutputs() {
        try {
            List<Map<String, Object>> table = JacksonMapper.ofJson().readValue(
                Fixtures.env("RAILCLONE_CLONE_OUTPUTS"), new TypeReference<>() {});
            Map<String, Class<?>> types = new java.util.LinkedHashMap<>();
            for (Map<String, Object> o : table) types.put((String) o.get("id"), switch ((String) o.get("type")) {
                case "STRING" -> String.class;
                case "INT" -> Integer.class;
                case "FLOAT" -> Double.class;
                default -> Object.class; // JSON
            });
            return types;
        } catch (Exception e) {
            throw new IllegalStateException("RAILCLONE_CLONE_OUTPUTS", e);
        }
    }

    final List<String> executions = new ArrayList<>();
    String projectId;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void deploy() throws Exception {
        projectId = Fixtures.env("ENV_RAILWAY_PROJECT_ID");
        List<String> sources = new ArrayList<>();
        for (Path file : Fixtures.flowFiles()) sources.add(Files.readString(file));
        Kestra.deploy(NS, sources);
        // The same clone flow, except that Railway refuses sync-database's token: its copy fails at its first
        // Railway call on every attempt. Edited as YAML (not text), so the flow's layout does not matter.
        Map<String, Object> variant = JacksonMapper.ofYaml().readValue(
            Files.readString(Fixtures.repo().resolve("flows/clone-staging-api.yml")), new TypeReference<>() {});
        variant.put("namespace", FAULT_NS);
        Map<String, Object> sync = ((List<Map<String, Object>>) variant.get("tasks")).stream()
            .filter(t -> "sync-database".equals(t.get("id"))).findFirst().orElseThrow();
        Map<String, Object> env = (Map<String, Object>) sync.get("env");
        assertTrue(env.containsKey("RAILWAY_API_TOKEN"), "sync-database has its token");
        env.put("RAILWAY_API_TOKEN", "rcemu_acct_refused");
        assertNotNull(sync.get("retry"), "sync-database keeps its retry");
        Kestra.deploy(FAULT_NS, List.of(JacksonMapper.ofYaml().writeValueAsString(variant)));
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
    Execution form;
    Execution fault;
    List<Execution> refused = new ArrayList<>();

    @Test
    @Order(1)
    void clonesByWebhookAndFormRunThreeAtATime() throws Exception {
        // The UI form without client_name: Kestra refuses it before any task runs.
        Map<String, Object> noClient = new HashMap<>();
        noClient.put("environment_name", env("no-client"));
        noClient.put("railway_project_id", projectId);
        Exception error = assertThrows(Exception.class,
            () -> Kestra.runForm(NS, "clone-staging-api", noClient, Duration.ofSeconds(60)));
        assertTrue(String.valueOf(error.getMessage()).contains("client_name"), error.toString());

        // Five clones at once. Four of the flow in `railclone`: by webhook, from the UI form, and two by webhook
        // that validate-inputs refuses (a ttl that is no duration). The failing-copy variant, in its own
        // namespace (so it does not count towards the limit checked here), by webhook.
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("client_name", "form");
        inputs.put("environment_name", env("2"));
        inputs.put("railway_project_id", projectId);
        inputs.put("enable_basic_auth", false);
        List<String> ids = new ArrayList<>();
        // The first clone masks with a named key: the flow reads the Kestra secret RAILCLONE_MASK_KEY_ENGINE.
        Map<String, Object> masked = request("acme1", env("1"));
        masked.put("mask_key_name", "engine");
        ids.add(Kestra.webhook(NS, "clone-staging-api", masked));
        CompletableFuture<Execution> formRun = CompletableFuture.supplyAsync(() -> {
            try {
                return Kestra.runForm(NS, "clone-staging-api", inputs, CLONE_TIMEOUT);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        String faultId = Kestra.webhook(FAULT_NS, "clone-staging-api", request("acme-fault", env("fault")));
        for (int i = 1; i <= 2; i++) {
            Map<String, Object> bad = request("bad" + i, env("bad-" + i));
            bad.put("ttl", "forever");
            ids.add(Kestra.webhook(NS, "clone-staging-api", bad));
        }

        List<Execution> done = new ArrayList<>();
        for (String id : ids) done.add(Kestra.awaitEnd(id, CLONE_TIMEOUT));
        form = formRun.get();
        fault = Kestra.awaitEnd(faultId, CLONE_TIMEOUT);
        webhook1 = done.get(0);
        refused = done.subList(1, 3);
        List<Execution> all = new ArrayList<>(done);
        all.add(form);
        for (Execution e : all) executions.add(e.getId());
        executions.add(fault.getId());
        for (Execution e : all) System.out.println("[railclone] " + summary(e));
        System.out.println("[railclone] " + summary(fault));

        for (Execution e : List.of(webhook1, form))
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
        assertEquals(env("1"), labels.get("environment"));
        assertEquals("kestra-engine-test", labels.get("started_by"));

        Map<String, Object> outputs = Compat.flowOutputs(webhook1);
        assertEquals(CLONE_OUTPUTS.keySet(), outputs.keySet(), "flow outputs " + outputs);
        for (var o : CLONE_OUTPUTS.entrySet()) {
            Object v = outputs.get(o.getKey());
            assertNotNull(v, o.getKey());
            assertInstanceOf(o.getValue(), v, o.getKey() + " = " + v);
        }
        assertEquals(env("1"), outputs.get("environment_name"));
        assertTrue(((Integer) outputs.get("database_size")) > 0);

        // The data arrived rewritten: the clone's WordPress answers on its own host.
        Map<String, Object> data = Control.get("/clone-data?environment=" + env("1"));
        String staging = String.valueOf(outputs.get("staging_url"));
        assertEquals(staging.replaceAll("/$", ""), String.valueOf(data.get("siteurl")).replaceAll("/$", ""));

        // The UI form's run got its request from the inputs: its labels, its outputs, no basic auth as asked.
        assertTrue(form.getLabels().contains(new Label("client", "form")), form.getLabels().toString());
        Map<String, Object> formOutputs = Compat.flowOutputs(form);
        assertEquals(env("2"), formOutputs.get("environment_name"), formOutputs.toString());
        assertNull(formOutputs.get("basic_auth_user"), formOutputs.toString());
    }

    @Test
    @Order(3)
    void aFailingCopyIsRetriedThenRolledBackAndDatabaseAccessClosed() throws Exception {
        Execution e = fault;
        assertEquals(State.Type.FAILED, e.getState().getCurrent(), describe(e));
        List<TaskRun> syncs = e.findTaskRunsByTaskId("sync-database");
        System.out.println("[railclone] Kestra " + VERSION + ": the failing copy's sync-database task runs: " + syncs.size());
        // Kestra 2.0.0 may append a second task run for a task whose retry is pending, which then runs too
        // (kestra-io/kestra#18909, fix in PR #18947, both open): seen on every 2.0.0 run here, never on 1.3.31.
        // docs/kestra.md says what it means for sync-database. Pinned, so a fixed Kestra tightens this.
        if (VERSION.startsWith("1.")) assertEquals(1, syncs.size(), "one task run, retried: " + describe(e));
        else assertTrue(syncs.size() <= 2, "at most the one duplicate of kestra#18909: " + describe(e));
        // The first task run is Kestra's retry at work; 2.0.0's duplicate can still be running when the execution
        // has ended (it waits for the copy lock the first one held), so only the first is checked to the end.
        TaskRun sync = syncs.get(0);
        assertEquals(4, sync.getAttempts().size(), "Kestra's retry made maxAttempts attempts: " + describe(e));
        for (var a : sync.getAttempts()) assertEquals(State.Type.FAILED, a.getState().getCurrent());
        assertEquals(State.Type.FAILED, sync.getState().getCurrent());
        assertEquals(1, e.findTaskRunsByTaskId("rollback").size(), describe(e));
        assertEquals(State.Type.SUCCESS, e.findTaskRunsByTaskId("rollback").get(0).getState().getCurrent(), describe(e));
        assertEquals(State.Type.SUCCESS,
            e.findTaskRunsByTaskId("close-database-access").get(0).getState().getCurrent(), describe(e));
        assertTrue(e.findTaskRunsByTaskId("wordpress-search-replace").isEmpty(), "nothing ran after the failed copy");
        String rolledBack = String.valueOf(Compat.taskOutputs(e.findTaskRunsByTaskId("rollback").get(0)));
        assertTrue(rolledBack.contains("environment " + env("fault")),
            "rollback deleted the environment it created: " + rolledBack);
        // Its environment is gone (the npm side checks, once both engines are done, that no database and no
        // source TCP proxy is left over either).
        assertFalse(ours(Control.get("/inventory")).contains(env("fault")));
        // A failed run's outputs render as null (the npm side also checks the engine never logged "Failed to
        // render output values").
        // (1.3 stores each declared output as null; 2.0 stores no outputs for a run that produced no value.)
        Map<String, Object> outputs = Compat.flowOutputs(e);
        if (outputs != null) for (var o : outputs.entrySet()) assertNull(o.getValue(), o.getKey());
        // …and no failed run left an output rendering error in its stored logs.
        for (Execution failed : List.of(e, refused.get(0), refused.get(1)))
            for (LogEntry l : Compat.logs(Kestra.TENANT, failed.getId()))
                assertFalse(String.valueOf(l.getMessage()).matches("(?s).*(Failed to render output|Unable to find `).*"),
                    failed.getId() + ": " + l.getMessage());
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
        assertTrue(names.containsAll(List.of(env("1"), env("2"))), names.toString());
        assertFalse(names.contains(env("fault")), names.toString());

        Execution get = Kestra.runForm(NS, "get-environment",
            Map.of("railway_project_id", projectId, "environment", env("1")), QUERY_TIMEOUT);
        executions.add(get.getId());
        assertEquals(State.Type.SUCCESS, get.getState().getCurrent(), describe(get));
        assertEquals(env("1"), ((Map<String, Object>) Compat.flowOutputs(get).get("result")).get("name"));

    }

    @Test
    @Order(5)
    void cleanupDeletesAnExpiredCloneAndKeepsALiveOne() throws Exception {
        Control.post("/expire?environment=" + env("2"));
        Execution sweep = Kestra.runForm(NS, "cleanup-expired-environments", Map.of("railway_project_id", projectId),
            QUERY_TIMEOUT);
        executions.add(sweep.getId());
        assertEquals(State.Type.SUCCESS, sweep.getState().getCurrent(), describe(sweep));
        assertEquals(List.of(env("1")), ours(Control.get("/inventory")));
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void deleteRemovesTheLastCloneWithItsDatabase() throws Exception {
        Execution delete = Kestra.runForm(NS, "delete-environment",
            Map.of("railway_project_id", projectId, "environment", env("1")), QUERY_TIMEOUT);
        executions.add(delete.getId());
        assertEquals(State.Type.SUCCESS, delete.getState().getCurrent(), describe(delete));
        assertEquals(env("1"), ((Map<String, Object>) Compat.flowOutputs(delete).get("result")).get("deleted"));
        // None of this engine's clones is left (the npm side then checks databases and source TCP proxies).
        assertEquals(List.of(), ours(Control.get("/inventory")));
    }

    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void thePurgeFlowsPurgeTasksRunAndKeepRecentHistory() throws Exception {
        // purge-history without its first two tasks: export-logs calls Kestra's HTTP API, which only a server has
        // (its requests are checked against Kestra's OpenAPI in test/unit/kestra-openapi-contract.test.ts), and
        // archive-logs stores that export. Edited as YAML; same id's tasks, same namespace, so the purge tasks
        // run exactly as written, on this namespace's history.
        Map<String, Object> variant = JacksonMapper.ofYaml().readValue(
            Files.readString(Fixtures.repo().resolve("flows/purge-history.yml")), new TypeReference<>() {});
        variant.put("id", "purge-history-without-export");
        variant.remove("triggers");
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) variant.get("tasks");
        assertEquals(List.of("export-logs", "archive-logs", "purge-logs", "purge-executions"),
            tasks.stream().map(t -> t.get("id")).toList());
        tasks.removeIf(t -> List.of("export-logs", "archive-logs").contains(t.get("id")));
        Kestra.deploy(NS, List.of(JacksonMapper.ofYaml().writeValueAsString(variant)));
        int logsBefore = Compat.logs(Kestra.TENANT, webhook1.getId()).size();

        Execution purge = Kestra.runForm(NS, "purge-history-without-export", Map.of(), QUERY_TIMEOUT);
        executions.add(purge.getId());
        assertEquals(State.Type.SUCCESS, purge.getState().getCurrent(), describe(purge));
        for (String task : List.of("purge-logs", "purge-executions")) {
            TaskRun run = purge.findTaskRunsByTaskId(task).get(0);
            assertEquals(State.Type.SUCCESS, run.getState().getCurrent(), describe(purge));
            assertFalse(Compat.taskOutputs(run).isEmpty(), task + " reported what it purged");
        }
        // Nothing of today is purged (logs older than 7 days, executions older than 30).
        assertEquals(logsBefore, Compat.logs(Kestra.TENANT, webhook1.getId()).size());
        assertNotNull(Kestra.execution(webhook1.getId()));
    }

    @Test
    @Order(8)
    void noSecretInAnyLogLineOrOutputKestraStored() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (String name : List.of("SECRET_RAILWAY_API_TOKEN", "SECRET_RAILCLONE_OUTPUT_KEY", "SECRET_WEBHOOK_KEY",
                "SECRET_RAILCLONE_MASK_KEY_ENGINE"))
            secrets.add(new String(Base64.getDecoder().decode(Fixtures.env(name)), StandardCharsets.UTF_8));
        secrets.add(Fixtures.env("RAILCLONE_CANARY"));
        assertTrue(executions.size() >= 10, "the runs above happened: " + executions);
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
        return histories(e.getState());
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

    /** The execution's state, and per task run its state, attempts, state history and seconds taken. */
    /** For assertion messages: the summary, and why when it did not succeed. */
    static String describe(Execution e) {
        return summary(e) + (e.getState().getCurrent() == State.Type.SUCCESS ? "" : problems(e));
    }

    static String summary(Execution e) {
        return e.getId() + " " + e.getState().getCurrent() + " tasks " + e.getTaskRunList().stream()
            .map(t -> t.getTaskId() + "(" + t.getId().substring(0, 5) + ")=" + t.getState().getCurrent() + "x" + (t.getAttempts() == null ? 0 : t.getAttempts().size())
                + histories(t.getState()) + String.format("%.1fs", seconds(t.getState())))
            .toList();
    }

    /** A failed execution's warnings and errors, so a failure in CI says why and not only where. */
    static String problems(Execution e) {
        try {
            return Compat.logs(Kestra.TENANT, e.getId()).stream()
                .filter(l -> l.getLevel() == Level.WARN || l.getLevel() == Level.ERROR)
                .map(l -> "\n  " + l.getTaskId() + " " + l.getLevel() + " " + l.getMessage())
                .collect(Collectors.joining());
        } catch (Exception err) {
            return "\n  (its logs could not be read: " + err + ")";
        }
    }

    static double seconds(State s) {
        List<State.History> h = s.getHistories();
        return Duration.between(h.getFirst().getDate(), h.getLast().getDate()).toMillis() / 1000.0;
    }

    static List<State.Type> histories(State s) {
        return s.getHistories().stream().map(State.History::getState).toList();
    }
}

package railclone;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kestra.core.http.HttpRequest;
import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.flows.Flow;
import io.kestra.core.repositories.ExecutionRepositoryInterface;
import io.kestra.core.repositories.FlowRepositoryInterface;
import io.kestra.core.runners.FlowInputOutput;
import io.kestra.core.runners.TestRunnerUtils;
import io.kestra.core.services.WebhookService;
import io.kestra.core.storages.NamespaceFactory;
import io.kestra.core.storages.StorageInterface;
import io.kestra.plugin.core.trigger.Webhook;
import io.kestra.plugin.core.trigger.WebhookContext;
import io.kestra.plugin.core.trigger.WebhookResponse;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starting and reading executions the ways a Kestra server does, on the engine of this JVM. */
final class Kestra {
    static final String TENANT = "main";

    private Kestra() {}

    /** `railclone kestra deploy`: the bundle as the namespace file railclone.mjs, then each flow saved. */
    static void deploy(String namespace, List<String> flowSources) throws Exception {
        Path bundle = Fixtures.repo().resolve("dist/railclone.mjs");
        try (InputStream in = Files.newInputStream(bundle)) {
            KestraEngine.bean(NamespaceFactory.class)
                .of(TENANT, namespace, KestraEngine.bean(StorageInterface.class))
                .putFile(Path.of("/railclone.mjs"), in);
        }
        for (String yaml : flowSources) Compat.createFlow(TENANT, yaml);
    }

    static Flow flow(String namespace, String id) throws Exception {
        return KestraEngine.bean(FlowRepositoryInterface.class).findById(TENANT, namespace, id).orElseThrow();
    }

    /** POST /api/v1/main/executions/webhook/{ns}/{flowId}/{key} with a JSON body, as the clone API sends it. */
    static String webhook(String namespace, String flowId, Map<String, Object> body) throws Exception {
        Flow flow = flow(namespace, flowId);
        Webhook trigger = flow.getTriggers().stream()
            .filter(Webhook.class::isInstance).map(Webhook.class::cast).findFirst().orElseThrow();
        HttpRequest request = HttpRequest.of(
            URI.create("http://localhost:8080/api/v1/main/executions/webhook/" + namespace + "/" + flowId + "/key"),
            "POST",
            HttpRequest.StringRequestBody.builder()
                .content(new ObjectMapper().writeValueAsString(body)).contentType("application/json").build(),
            Map.of("Content-Type", List.of("application/json")));
        WebhookContext context = WebhookContext.builder()
            .request(request).flow(flow).trigger(trigger).webhookService(KestraEngine.bean(WebhookService.class)).build();
        var response = trigger.evaluate(context).block(Duration.ofSeconds(30));
        if (response == null || !(response.getBody() instanceof WebhookResponse started))
            throw new IllegalStateException("the webhook started no execution: " + (response == null ? null : response.getStatus()));
        return started.id();
    }

    /** Runs a flow from inputs as the UI form does; throws when Kestra refuses the inputs. */
    static Execution runForm(String namespace, String flowId, Map<String, Object> inputs, Duration timeout) throws Exception {
        FlowInputOutput io = KestraEngine.bean(FlowInputOutput.class);
        return KestraEngine.bean(TestRunnerUtils.class).runOne(
            TENANT, namespace, flowId, null, (f, e) -> io.readExecutionInputs(f, e, inputs), timeout);
    }

    static Execution execution(String id) throws Exception {
        return KestraEngine.bean(ExecutionRepositoryInterface.class).findById(TENANT, id).orElse(null);
    }

    /** Waits until the execution has ended (SUCCESS, FAILED, …). */
    static Execution awaitEnd(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Execution e = execution(id);
            if (e != null && e.getState().isTerminated()) return e;
            Thread.sleep(250);
        }
        throw new AssertionError("execution " + id + " did not end within " + timeout + ": " + execution(id));
    }
}

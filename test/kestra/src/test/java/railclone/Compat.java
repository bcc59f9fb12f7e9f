package railclone;

import io.kestra.core.models.executions.Execution;
import io.kestra.core.models.executions.LogEntry;
import io.kestra.core.models.executions.TaskRun;
import io.kestra.core.models.flows.FlowWithSource;
import io.kestra.core.models.flows.GenericFlow;
import io.kestra.core.services.FlowService;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/** The few engine calls that differ between Kestra 1.3 and 2.0, found by reflection so one source builds on both. */
final class Compat {
    private Compat() {}

    /** Saves a flow the way POST /api/v1/main/flows does (FlowService.create validates it first). */
    static FlowWithSource createFlow(String tenant, String yaml) throws Exception {
        FlowService service = KestraEngine.bean(FlowService.class);
        GenericFlow flow = GenericFlow.fromYaml(tenant, yaml);
        for (Method m : FlowService.class.getMethods()) {
            if (!m.getName().equals("create")) continue;
            Class<?>[] p = m.getParameterTypes();
            if (p.length == 2 && p[0] == GenericFlow.class && p[1] == boolean.class)
                return (FlowWithSource) invoke(m, service, flow, false); // 1.3
            if (p.length == 1 && p[0] == GenericFlow.class) return (FlowWithSource) invoke(m, service, flow); // 2.0
        }
        throw new IllegalStateException("FlowService.create not found");
    }

    /** The flow's declared outputs: on the execution in 1.3, from the outputs store in 2.0. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> flowOutputs(Execution e) throws Exception {
        Object service = optionalBean("io.kestra.core.services.ExecutionOutputService");
        if (service == null) return e.getOutputs();
        return (Map<String, Object>) invoke(service.getClass().getMethod("getOutputs", Execution.class), service, e);
    }

    /** A task run's outputs: on the task run in 1.3, from the outputs store in 2.0. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> taskOutputs(TaskRun t) throws Exception {
        Object service = optionalBean("io.kestra.core.services.TaskOutputService");
        // A copy: 1.3's `Variables` may keep its entries in storage until they are iterated.
        Object outputs = service == null ? TaskRun.class.getMethod("getOutputs").invoke(t)
            : invoke(service.getClass().getMethod("getOutputs", TaskRun.class), service, t);
        return outputs == null ? Map.of() : new java.util.LinkedHashMap<>((Map<String, Object>) outputs);
    }

    /** Every log line Kestra stored for an execution (1.3 log repository, 2.0 log data store). */
    @SuppressWarnings("unchecked")
    static List<LogEntry> logs(String tenant, String executionId) throws Exception {
        for (String type : List.of(
            "io.kestra.core.repositories.LogRepositoryInterface", "io.kestra.core.repositories.LogDataStoreInterface")) {
            Object repo = optionalBean(type);
            if (repo == null) continue;
            Method find = Class.forName(type).getMethod("findByExecutionId", String.class, String.class, Level.class);
            return (List<LogEntry>) invoke(find, repo, tenant, executionId, Level.TRACE);
        }
        throw new IllegalStateException("no log repository bean in this Kestra version");
    }

    static Object optionalBean(String className) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            return null;
        }
        return KestraEngine.get().findBean(type).orElse(null);
    }

    private static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
    }
}

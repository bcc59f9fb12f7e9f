package railclone;

import io.kestra.core.runners.TestRunner;
import io.micronaut.context.ApplicationContext;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One Kestra engine (executor, worker, scheduler) per JVM, shared by every test class. */
public final class KestraEngine {
    private static ApplicationContext context;

    private KestraEngine() {}

    public static synchronized ApplicationContext get() throws Exception {
        if (context != null) return context;
        Path work = Files.createTempDirectory("railclone-kestra-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        context = ApplicationContext.builder()
            .environments("test")
            .properties(Map.of(
                "railclone.work-dir", work.toString(),
                // 2.0: the worker reaches its controller over gRPC (application-test.yml; 1.3 ignores it).
                "railclone.grpc-port", port))
            .start();
        TestRunner runner = context.getBean(TestRunner.class);
        runner.setSchedulerEnabled(true);
        runner.setWorkerEnabled(true);
        // 2.0 runs system tasks (PurgeLogs, PurgeExecutions: purge-history) on a system worker, which a server
        // starts and the TestRunner does not by default; 1.3 runs them on the worker and has no such switch.
        try {
            TestRunner.class.getMethod("setSystemWorkerEnabled", boolean.class).invoke(runner, true);
        } catch (NoSuchMethodException onKestra13) {
            // nothing to enable
        }
        runner.run();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> context.close()));
        return context;
    }

    public static <T> T bean(Class<T> type) throws Exception {
        return get().getBean(type);
    }
}

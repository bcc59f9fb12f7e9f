package railclone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the repository's flows and bundle are (the npm side passes them; mvn runs in test/kestra). */
final class Fixtures {
    private Fixtures() {}

    static Path repo() {
        String dir = System.getenv("RAILCLONE_REPO");
        return dir != null ? Path.of(dir) : Path.of("../..").toAbsolutePath().normalize();
    }

    static List<Path> flowFiles() throws IOException {
        try (Stream<Path> s = Files.list(repo().resolve("flows"))) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) throw new IllegalStateException(name + " must be set (npm test sets it)");
        return v;
    }
}

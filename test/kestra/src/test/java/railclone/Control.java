package railclone;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The npm side (test/e2e/kestra-engine.test.ts) runs the Railway emulator with real databases and answers
 * a few read-only questions about it here: what exists (environments, TCP proxies, databases) and what the
 * clone's data holds. Test code only.
 */
final class Control {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Control() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(
            HttpRequest.newBuilder(URI.create(Fixtures.env("RAILCLONE_CONTROL_URL") + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(path + " → " + res.statusCode() + " " + res.body());
        return JSON.readValue(res.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> post(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(
            HttpRequest.newBuilder(URI.create(Fixtures.env("RAILCLONE_CONTROL_URL") + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(path + " → " + res.statusCode() + " " + res.body());
        return JSON.readValue(res.body(), Map.class);
    }
}

package io.vrouter.server.console;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's files at {@code /} when the jar has them; a page saying how to build it when not. */
class ConsoleFilesTest {
    @Test
    void servesTheBuiltFilesAtTheRoot() throws Exception {
        ConsoleFiles files = new ConsoleFiles("/console-fixture");
        assertThat(files.built()).isTrue();
        HttpResponse<String> index = get(files, "/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("fixture console");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
    }

    @Test
    void withoutTheBuiltFilesTheRootSaysHowToBuildThem() throws Exception {
        ConsoleFiles files = new ConsoleFiles("/no-console-here");
        assertThat(files.built()).isFalse();
        HttpResponse<String> index = get(files, "/");
        assertThat(index.statusCode()).isEqualTo(503);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(index.body()).contains("The web console is not built").contains("./vrouter build");
    }

    private static HttpResponse<String> get(ConsoleFiles files, String path) throws Exception {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            files.addRoutes(config);
        }).start();
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            app.stop();
        }
    }
}

package io.vrouter.server.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the web console at {@code /}: the files the console's build wrote, which the server's build copies into the
 * jar under {@code /console} when they exist. A server built without them (no Node.js at build time) still starts
 * and answers {@code /} with a page that says how to build the console. The files hold no data: everything the
 * console shows comes from the API with the user's session.
 */
public final class ConsoleFiles {
    /** Where the server's build puts the console in the jar. */
    public static final String CLASSPATH_DIR = "/console";

    /** A directory of built console files served instead of the jar's (working on the console: no jar rebuild). */
    public static final String DIR_ENV = "VROUTER_CONSOLE_DIR";

    private final String directory;
    private final Location location;

    public ConsoleFiles(String classpathDir) {
        this(classpathDir, Location.CLASSPATH);
    }

    private ConsoleFiles(String directory, Location location) {
        this.directory = directory;
        this.location = location;
    }

    /** The directory {@value #DIR_ENV} names, else the jar's files. */
    public static ConsoleFiles fromEnvironment() {
        String dir = System.getenv(DIR_ENV);
        return dir == null || dir.isBlank() ? new ConsoleFiles(CLASSPATH_DIR)
                : new ConsoleFiles(Path.of(dir).toAbsolutePath().toString(), Location.EXTERNAL);
    }

    public boolean built() {
        return location == Location.EXTERNAL ? Files.isRegularFile(Path.of(directory, "index.html"))
                : ConsoleFiles.class.getResource(directory + "/index.html") != null;
    }

    public void addRoutes(JavalinConfig config) {
        if (built()) {
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = directory;
                files.location = location;
                // file names do not change between builds: the browser revalidates (ETag) instead of trusting a cache
                files.headers = Map.of("Cache-Control", "no-cache");
            });
        } else {
            config.routes.get("/", ctx -> ctx.status(503).contentType("text/html; charset=utf-8").result(NOT_BUILT));
        }
    }

    static final String NOT_BUILT = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>vrouter console not built</title></head>
            <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
            <h1>The web console is not built</h1>
            <p>This management node's jar was built without the console (Node.js and npm were missing at build time).
            The API works: <code>POST /v1/api/{ApiName}</code>, see <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
            <p>To get the console, install Node.js and npm (<code>apt-get install nodejs npm</code>), then run
            <code>./vrouter build</code> and restart the node.</p>
            </body></html>
            """;
}

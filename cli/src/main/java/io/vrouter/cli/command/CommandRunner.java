package io.vrouter.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.client.CallCancelledException;
import io.vrouter.client.ServerUnreachableException;
import io.vrouter.cli.remote.SessionStore;
import io.vrouter.cli.schema.ApiSchema;
import io.vrouter.cli.schema.SchemaCache;
import io.vrouter.cli.syntax.ApiCall;
import io.vrouter.cli.syntax.CommandLineParser;
import io.vrouter.cli.syntax.SyntaxException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one command given as words ({@code API key=value ...}) and returns the exit status: {@link #OK},
 * {@link #API_ERROR} when the server refused the call, {@link #USAGE} when the words are wrong or the server
 * cannot be reached.
 *
 * <p>The reply, failed or not, is printed to {@code out} as pretty JSON so scripts find it in one place;
 * diagnostics and hints go to {@code err}. {@code LogInByAccount} stores the session it gets, every other call
 * sends the stored one, {@code LogOut} forgets it.
 */
public final class CommandRunner {

    public static final int OK = 0;
    public static final int API_ERROR = 1;
    public static final int USAGE = 2;

    static final String LOGIN = "LogInByAccount";
    static final String LOGOUT = "LogOut";
    private static final Set<String> HELP_WORDS = Set.of("help", "--help", "-h");

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ApiClient client;
    private final SessionStore sessions;
    private final SchemaCache schemas;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Help help;

    public CommandRunner(ApiClient client, SessionStore sessions, SchemaCache schemas, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.sessions = sessions;
        this.schemas = schemas;
        this.out = out;
        this.err = err;
        this.help = new Help(out);
    }

    /** The server's API schema, fetched on first use; empty when the server does not serve one. */
    public ApiSchema schema() {
        return schemas.get(client.baseUrl().toString());
    }

    public int run(List<String> words) {
        return run(words, PasswordPrompt.NONE);
    }

    /** Runs a command; a login without {@code password=} asks for it through {@code passwordPrompt}. */
    public int run(List<String> words, PasswordPrompt passwordPrompt) {
        try {
            return dispatch(words, passwordPrompt);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int dispatch(List<String> words, PasswordPrompt passwordPrompt) {
        if (words.isEmpty()) {
            return OK;
        }
        if (HELP_WORDS.contains(words.get(0))) {
            return words.size() > 1 ? apiHelp(words.get(1)) : general();
        }
        if (words.size() > 1 && HELP_WORDS.contains(words.get(1))) {
            return apiHelp(words.get(0));
        }
        try {
            ApiSchema schema = needsSchema(words) ? schema() : ApiSchema.empty();
            if (schema.isEmpty()) {
                warnIfUntyped(words);
            }
            ApiCall call = new CommandLineParser(schema).parse(words);
            if (call.apiName().equals(LOGIN) && !call.body().has("password")) {
                passwordPrompt.read("password: ").ifPresent(p -> call.body().put("password", p));
            }
            return execute(call);
        } catch (SyntaxException e) {
            err.println("error: " + e.getMessage());
            err.println("Run 'help' for the syntax, 'help " + words.get(0) + "' for its parameters.");
            return USAGE;
        } catch (ServerUnreachableException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (CallCancelledException e) {
            err.println(e.getMessage());
            return API_ERROR;
        }
    }

    private int general() {
        help.usage();
        ApiSchema schema = schema();
        if (!schema.isEmpty()) {
            help.apiList(schema);
        }
        return OK;
    }

    private int apiHelp(String apiName) {
        ApiSchema schema = schema();
        if (schema.isEmpty()) {
            err.println("error: no API description from " + client.baseUrl() + "/v1/openapi.json"
                    + schemas.lastFailure(client.baseUrl().toString()).map(e -> " (" + e.getMessage() + ")").orElse(""));
            return USAGE;
        }
        return schema.api(apiName).map(spec -> {
            help.api(spec);
            return OK;
        }).orElseGet(() -> {
            err.println("error: unknown API '" + apiName + "'" + help.closeNames(schema, apiName));
            return USAGE;
        });
    }

    /** Only plain parameters are typed by the schema: queries and the session APIs never need it. */
    private static boolean needsSchema(List<String> words) {
        String api = words.get(0);
        return words.size() > 1 && !ApiCall.isQuery(api) && !api.equals(LOGIN) && !api.equals(LOGOUT);
    }

    /** Without a schema lists and maps reach the server as plain strings: say so, since the error will be odd. */
    private void warnIfUntyped(List<String> words) {
        boolean unreachable = schemas.lastFailure(client.baseUrl().toString())
                .filter(ServerUnreachableException.class::isInstance).isPresent();
        if (!needsSchema(words) || unreachable) {
            return; // an unreachable server fails the call itself, with the clearer message
        }
        for (String word : words.subList(1, words.size())) {
            String value = word.substring(word.indexOf('=') + 1);
            if (value.contains(",") || value.startsWith("{") || value.startsWith("[")) {
                err.println("warning: no API description from " + client.baseUrl() + "/v1/openapi.json; "
                        + "lists and maps are sent as typed");
                return;
            }
        }
    }

    private int execute(ApiCall call) throws ServerUnreachableException, CallCancelledException {
        String api = call.apiName();
        ObjectNode body = call.body();
        Optional<String> session = api.equals(LOGIN) ? Optional.empty() : sessions.load();
        if (api.equals(LOGOUT) && !body.has("sessionUuid") && session.isPresent()) {
            body.put("sessionUuid", session.get());
        }
        client.useSession(session.orElse(null));
        ApiReply reply = client.call(api, body);
        print(reply);
        if (reply.failed()) {
            if (reply.unauthorized() && !api.equals(LOGIN)) {
                err.println(session.isPresent()
                        ? "hint: the session has expired or was closed; log in again with "
                        + "LogInByAccount accountName=admin password=..."
                        : "hint: not logged in; run LogInByAccount accountName=admin password=... first");
                if (api.equals(LOGOUT)) {
                    clearSession();
                }
            }
            return API_ERROR;
        }
        if (api.equals(LOGIN)) {
            return storeSession(reply.json());
        }
        if (api.equals(LOGOUT)) {
            clearSession();
        }
        return OK;
    }

    private int storeSession(JsonNode reply) {
        String uuid = reply.path("inventory").path("uuid").asText("");
        if (uuid.isEmpty()) {
            err.println("error: the login reply carries no inventory.uuid; no session stored");
            return API_ERROR;
        }
        try {
            sessions.save(uuid);
            return OK;
        } catch (IOException e) {
            err.println("error: cannot store the session in " + sessions.file() + ": " + e);
            return API_ERROR;
        }
    }

    private void clearSession() {
        try {
            sessions.clear();
        } catch (IOException e) {
            err.println("warning: cannot remove " + sessions.file() + ": " + e);
        }
    }

    private void print(ApiReply reply) {
        if (reply.json() == null) {
            String raw = reply.raw().length() > 2000 ? reply.raw().substring(0, 2000) + "..." : reply.raw();
            err.println("error: the server answered HTTP " + reply.status() + " with a body that is not a JSON object:");
            err.println(raw);
            return;
        }
        try {
            out.println(MAPPER.writeValueAsString(reply.json()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }
}

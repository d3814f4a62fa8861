package io.vrouter.server.http;

import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TableCounts;
import io.vrouter.server.testing.TestNode;
import io.vrouter.server.zstack.ZStackHostileProtocols;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hostile body of {@link HostileRequests} against every API of the catalogue, over every protocol the node
 * speaks ({@link #protocols()}): each must be a 4xx with an error code, no SQL and no stack trace in the reply, and
 * nothing written (the row count of every table unchanged); the node must be healthy afterwards and must have
 * counted no internal error.
 */
abstract class HostileInputContract extends NodeContract {
    /** What SQL, a stack trace or an exception's class looks like in a reply. */
    private static final Pattern LEAK = Pattern.compile(
            "(?i)\\bselect\\b.*\\bfrom\\b|\\binsert\\s+into\\b|\\bdelete\\s+from\\b|\\bupdate\\s+\\w+\\s+set\\b|\\bsql\\b"
                    + "|jooq|org\\.h2|postgresql|\\.java:\\d+|\\bat (?:java|io|org)\\.|exception");

    /** The code of a bug: never the answer to a request, however hostile. */
    private static final String INTERNAL_ERROR = "SYS.1000";

    /** Every protocol the node speaks; a new endpoint adds its {@link HostileProtocol} here. */
    List<HostileProtocol> protocols() {
        return List.of(HostileProtocol.V1_API, HostileProtocol.REST_QUERY, ZStackHostileProtocols.RPC,
                ZStackHostileProtocols.REST_V1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void everyHostileRequestToEveryApiIsA4xxThatWritesNothing(HostileProtocol protocol) {
        Map<String, Long> before = TableCounts.of(node.node().database().dsl());
        List<String> failures = new ArrayList<>();
        int sent = 0;
        for (ApiDefinition api : node.node().catalogue().all()) {
            for (HostileProtocol.Case c : protocol.cases(node, admin, api)) {
                sent++;
                HostileProtocol.Answer a;
                try {
                    a = c.send().get();
                } catch (RuntimeException e) {
                    failures.add(c.label() + ": no JSON reply (" + e.getMessage() + ")");
                    continue;
                }
                String notARefusal = protocol.notARefusal(a);
                if (notARefusal != null) {
                    failures.add(c.label() + ": " + notARefusal + " " + abbreviate(a.body()));
                } else if (INTERNAL_ERROR.equals(a.errorCode())) {
                    failures.add(c.label() + ": an internal error " + abbreviate(a.body()));
                } else if (LEAK.matcher(a.body()).find()) {
                    failures.add(c.label() + ": the reply leaks internals: " + abbreviate(a.body()));
                } else if (a.body().length() > 4096) {
                    failures.add(c.label() + ": a " + a.body().length() + "-character reply");
                }
            }
        }
        assertThat(failures).as("hostile requests over %s not refused cleanly (of %d sent)", protocol, sent).isEmpty();
        assertThat(sent).isGreaterThan(node.node().catalogue().all().size());
        assertThat(TableCounts.of(node.node().database().dsl())).as("row counts after %d hostile requests", sent).isEqualTo(before);

        // healthy after: the session still works, a new login works, no internal error was counted
        assertThat(admin.call("QueryZone", Map.of()).status()).isEqualTo(200);
        assertThat(node.client().call("LogInByAccount", Map.of("accountName", "admin", "password", TestNode.ADMIN_PASSWORD))
                .status()).isEqualTo(200);
        assertThat(scrapeMetrics()).doesNotContain("outcome=\"SYS.1000\"");
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private String scrapeMetrics() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read /metrics", e);
        }
    }
}

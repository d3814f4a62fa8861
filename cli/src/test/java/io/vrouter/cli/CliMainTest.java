package io.vrouter.cli;

import io.vrouter.client.FakeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class CliMainTest {

    private static final String SESSION = "4f8c2d1e9a7b4c3d8e6f5a4b3c2d1e0f";
    private static final String LOGIN_REPLY = "{\"inventory\":{\"uuid\":\"" + SESSION
            + "\",\"accountUuid\":\"36c27e8ff05c4780bf6d2fa65700f22e\",\"expiredDate\":\"2026-11-27T01:00:00Z\"}}";

    @TempDir
    Path home;

    private FakeServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws Exception {
        server = new FakeServer().reply("LogInByAccount", 200, LOGIN_REPLY);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private int cli(String... args) {
        return cliAt(server.url(), "", args);
    }

    private int cliAt(String url, String stdin, String... args) {
        return run(url, stdin, true, args);
    }

    private int script(String stdin) {
        return run(server.url(), stdin, false);
    }

    private int run(String url, String stdin, boolean interactive, String... args) {
        out.reset();
        err.reset();
        CliEnvironment env = new CliEnvironment(Map.of("VROUTER_URL", url), home,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                interactive);
        return CliMain.run(args, env);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private FakeServer.Request lastCall() {
        var calls = server.apiCalls();
        return calls.get(calls.size() - 1);
    }

    @Test
    void loginStoresTheSessionAndLaterCallsSendIt() throws Exception {
        assertThat(cli("LogInByAccount", "accountName=admin", "password=secret")).isZero();
        FakeServer.Request login = lastCall();
        assertThat(login.path()).isEqualTo("/v1/api/LogInByAccount");
        assertThat(login.method()).isEqualTo("POST");
        assertThat(login.authorization()).isNull();
        assertThat(login.body()).isEqualTo("{\"accountName\":\"admin\",\"password\":\"secret\"}");
        assertThat(out()).contains("\"uuid\" : \"" + SESSION + "\"");

        Path file = home.resolve(".vrouter/session");
        assertThat(Files.readString(file).trim()).isEqualTo(SESSION);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        assertThat(cli("QueryVirtualRouterVm")).isZero();
        assertThat(lastCall().authorization()).isEqualTo("OAuth " + SESSION);
        assertThat(out()).isEqualTo("{\n  \"inventories\" : [ ],\n  \"total\" : 0\n}\n");
    }

    @Test
    void logoutSendsTheSessionAndForgetsIt() throws Exception {
        cli("LogInByAccount", "accountName=admin", "password=secret");
        server.reply("LogOut", 200, "{}");
        assertThat(cli("LogOut")).isZero();
        assertThat(lastCall().body()).isEqualTo("{\"sessionUuid\":\"" + SESSION + "\"}");
        assertThat(lastCall().authorization()).isEqualTo("OAuth " + SESSION);
        assertThat(home.resolve(".vrouter/session")).doesNotExist();
    }

    @Test
    void apiErrorPrintsTheErrorJsonAndExitsOne() {
        server.reply("CreateVirtualRouterOffering", 400, "{\"error\":{\"code\":\"SYS.1007\","
                + "\"description\":\"invalid argument\",\"details\":\"cpuNum must be > 0\"}}");
        assertThat(cli("CreateVirtualRouterOffering", "name=small", "cpuNum=0")).isEqualTo(1);
        assertThat(out()).isEqualTo("{\n  \"error\" : {\n    \"code\" : \"SYS.1007\",\n"
                + "    \"description\" : \"invalid argument\",\n    \"details\" : \"cpuNum must be > 0\"\n  }\n}\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void unauthorizedReplyHintsAtLoggingIn() {
        server.reply("QueryVirtualRouterVm", 401, "{\"error\":{\"code\":\"ID.1001\",\"description\":\"not authenticated\","
                + "\"details\":\"no session\"}}");
        assertThat(cli("QueryVirtualRouterVm")).isEqualTo(1);
        assertThat(out()).contains("\"code\" : \"ID.1001\"");
        assertThat(err()).isEqualTo("hint: not logged in; run LogInByAccount accountName=admin password=... first\n");

        cli("LogInByAccount", "accountName=admin", "password=secret");
        assertThat(cli("QueryVirtualRouterVm")).isEqualTo(1);
        assertThat(err()).startsWith("hint: the session has expired or was closed; log in again");
    }

    @Test
    void wrongPasswordStoresNothing() {
        server.reply("LogInByAccount", 401, "{\"error\":{\"code\":\"ID.1001\",\"description\":\"not authenticated\","
                + "\"details\":\"wrong account name or password\"}}");
        assertThat(cli("LogInByAccount", "accountName=admin", "password=wrong")).isEqualTo(1);
        assertThat(err()).isEmpty();
        assertThat(home.resolve(".vrouter/session")).doesNotExist();
    }

    @Test
    void unreachableServerExitsTwoNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(cliAt("http://127.0.0.1:" + port, "", "QueryVirtualRouterVm")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: cannot reach the management node at http://127.0.0.1:" + port
                + ": connection refused (set VROUTER_URL to choose the server)\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void badUrlExitsTwo() {
        assertThat(cliAt("localhost:8080", "", "QueryVirtualRouterVm")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: VROUTER_URL: server URL must look like http://host:port, got 'localhost:8080'\n");
    }

    @Test
    void queryWordsBecomeTheExactJsonBody() {
        assertThat(cli("QueryVirtualRouterVm", "name~=vr", "state!=Stopped", "vmNics.ip?=10.0.0.1,10.0.0.2",
                "defaultRouteL3NetworkUuid!=null", "description=null", "cpuNum>=2", "uuid!?=a,b", "name!~=test%",
                "limit=10", "start=5", "count=false", "replyWithCount=true", "sortBy=createDate", "sortDirection=asc",
                "fields=uuid,name")).isZero();
        assertThat(lastCall().body()).isEqualTo("{\"conditions\":["
                + "{\"name\":\"name\",\"op\":\"like\",\"value\":\"%vr%\"},"
                + "{\"name\":\"state\",\"op\":\"!=\",\"value\":\"Stopped\"},"
                + "{\"name\":\"vmNics.ip\",\"op\":\"in\",\"value\":\"10.0.0.1,10.0.0.2\"},"
                + "{\"name\":\"defaultRouteL3NetworkUuid\",\"op\":\"is not null\"},"
                + "{\"name\":\"description\",\"op\":\"is null\"},"
                + "{\"name\":\"cpuNum\",\"op\":\">=\",\"value\":\"2\"},"
                + "{\"name\":\"uuid\",\"op\":\"not in\",\"value\":\"a,b\"},"
                + "{\"name\":\"name\",\"op\":\"not like\",\"value\":\"test%\"}],"
                + "\"limit\":10,\"start\":5,\"count\":false,\"replyWithCount\":true,\"sortBy\":\"createDate\","
                + "\"sortDirection\":\"asc\",\"fields\":[\"uuid\",\"name\"]}");
        // queries need no schema: only the call itself reached the server
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void schemaTypesListsMapsNumbersAndBooleans() {
        assertThat(cli("AttachNetworkServiceToL3Network", "l3NetworkUuid=a82b75ee064a48708960f42b800bd910",
                "networkServices={'1d1d':['DHCP','SNAT']}")).isZero();
        assertThat(lastCall().body()).isEqualTo("{\"l3NetworkUuid\":\"a82b75ee064a48708960f42b800bd910\","
                + "\"networkServices\":{\"1d1d\":[\"DHCP\",\"SNAT\"]}}");
        assertThat(cli("CreateVirtualRouterOffering", "name=small", "cpuNum=1", "isDefault=true",
                "systemTags=a::b,c::d")).isZero();
        assertThat(lastCall().body()).isEqualTo(
                "{\"name\":\"small\",\"cpuNum\":1,\"isDefault\":true,\"systemTags\":[\"a::b\",\"c::d\"]}");
        assertThat(server.requests().stream().filter(r -> r.path().equals("/v1/openapi.json")).count()).isEqualTo(2);
    }

    @Test
    void withoutSchemaValuesGoAsTypedWithAWarning() {
        server.withoutSchema();
        assertThat(cli("AddDnsToL3Network", "l3NetworkUuid=u", "dnsServers=8.8.8.8,1.1.1.1")).isZero();
        assertThat(lastCall().body()).isEqualTo("{\"l3NetworkUuid\":\"u\",\"dnsServers\":\"8.8.8.8,1.1.1.1\"}");
        assertThat(err()).isEqualTo("warning: no API description from " + server.url()
                + "/v1/openapi.json; lists and maps are sent as typed\n");
    }

    @Test
    void usageErrorsExitTwoWithoutCallingTheServer() {
        assertThat(cli("CreateVirtualRouterOffering", "name")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: expected key=value but got 'name'\n"
                + "Run 'help' for the syntax, 'help CreateVirtualRouterOffering' for its parameters.\n");
        assertThat(cli("AttachNetworkServiceToL3Network", "networkServices={'1d1d':['DHCP'")).isEqualTo(2);
        assertThat(err()).startsWith("error: parameter 'networkServices' expects a map literal such as {'key':['a','b']}: "
                + "unexpected end, expected ',' or ']' at position 16\n");
        assertThat(cli("QueryVirtualRouterVm", "limit=x")).isEqualTo(2);
        assertThat(err()).startsWith("error: 'limit' must be a non-negative integer, got 'x'\n");
        assertThat(server.apiCalls()).isEmpty();
    }

    @Test
    void replyThatIsNotJsonIsAnApiError() {
        server.reply("QueryVirtualRouterVm", 502, "<html>Bad Gateway</html>");
        assertThat(cli("QueryVirtualRouterVm")).isEqualTo(1);
        assertThat(err()).isEqualTo("error: the server answered HTTP 502 with a body that is not a JSON object:\n"
                + "<html>Bad Gateway</html>\n");
    }

    @Test
    void anUnknownFlagBeforeTheApiIsAUsageError() {
        assertThat(cliAt("http://127.0.0.1:1", "", "--verbose", "QueryZone")).isEqualTo(2);
        assertThat(err()).startsWith("error: Unknown option: '--verbose'");
    }

    @Test
    void helpNeedsNoServer() {
        assertThat(cliAt("http://127.0.0.1:1", "", "--help")).isZero();
        assertThat(out()).startsWith("usage: vrouter cli [API [key=value ...]]");
    }

    @Test
    void helpForAnApiDescribesItsParameters() {
        assertThat(cli("help", "ChangeL3NetworkState")).isZero();
        assertThat(out()).isEqualTo("ChangeL3NetworkState\n"
                + "  uuid        string         required\n"
                + "  stateEvent  string         required  choices: enable, disable\n");
        assertThat(cli("help", "CreateL3Network")).isZero();
        assertThat(out()).isEqualTo("CreateL3Network\n"
                + "  name      string         required\n"
                + "  category  string         optional  choices: Private, Public, System  default: Private\n"
                + "  services  array<string>  optional  choices: DHCP, DNS, SNAT\n");
        assertThat(cli("QueryVirtualRouterVm", "--help")).isZero();
        assertThat(out()).contains("fields:     uuid name state defaultRouteL3NetworkUuid vmNics.ip vmNics.mac\n");
        assertThat(cli("help", "QueryVirtualRouter")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: unknown API 'QueryVirtualRouter'; did you mean: "
                + "QueryVirtualRouterOffering, QueryVirtualRouterVm\n");
    }

    @Test
    void generalHelpListsTheApis() {
        assertThat(cli("help")).isZero();
        assertThat(out()).startsWith("usage:").contains("APIs (9):\n  AddDnsToL3Network AttachNetworkServiceToL3Network");
    }

    @Test
    void shellRunsCommandsFromStdinAndKeepsGoingAfterErrors() throws Exception {
        String script = "LogInByAccount accountName=admin password=secret\n"
                + "QueryVirtualRouterVm name=\"my vr\" state!=null\n"
                + "CreateZone name\n"
                + "QueryVirtualRouterVm name=\"unclosed\n"
                + "AttachNetworkServiceToL3Network l3NetworkUuid=u networkServices=\"{'p':['DHCP', 'SNAT']}\"\n"
                + "exit\n"
                + "QueryVirtualRouterVm never=reached\n";
        assertThat(cliAt(server.url(), script)).isZero();
        assertThat(server.apiCalls()).hasSize(3);
        assertThat(server.apiCalls().get(2).body())
                .isEqualTo("{\"l3NetworkUuid\":\"u\",\"networkServices\":{\"p\":[\"DHCP\",\"SNAT\"]}}");
        FakeServer.Request query = server.apiCalls().get(1);
        assertThat(query.authorization()).isEqualTo("OAuth " + SESSION);
        assertThat(query.body()).isEqualTo("{\"conditions\":[{\"name\":\"name\",\"op\":\"=\",\"value\":\"my vr\"},"
                + "{\"name\":\"state\",\"op\":\"is not null\"}]}");
        assertThat(out()).contains("error: expected key=value but got 'name'")
                .contains("error: unclosed double quote in: QueryVirtualRouterVm name=\"unclosed");
        String history = Files.readString(home.resolve(".vrouter/history"));
        assertThat(history).contains("QueryVirtualRouterVm name=\"my vr\" state!=null").doesNotContain("password");
    }

    @Test
    void shellAsksForAMissingLoginPasswordAndKeepsItOutOfHistory() throws Exception {
        assertThat(cliAt(server.url(), "LogInByAccount accountName=admin\ns3cret-pw\nquit\n")).isZero();
        assertThat(server.apiCalls()).hasSize(1);
        assertThat(server.apiCalls().get(0).body()).isEqualTo("{\"accountName\":\"admin\",\"password\":\"s3cret-pw\"}");
        assertThat(out()).contains("password: ").doesNotContain("s3cret-pw");
        assertThat(Files.readString(home.resolve(".vrouter/session")).trim()).isEqualTo(SESSION);
        assertThat(Files.readString(home.resolve(".vrouter/history"))).contains("LogInByAccount accountName=admin")
                .doesNotContain("s3cret-pw");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".vrouter"))))
                .isEqualTo("rwx------");
    }

    @Test
    void oneShotLoginWithoutTerminalSendsNoPassword() {
        assertThat(cli("LogInByAccount", "accountName=admin")).isZero();
        assertThat(lastCall().body()).isEqualTo("{\"accountName\":\"admin\"}");
    }

    @Test
    void scriptOnStdinRunsEachLineWithoutPromptsAndExitsWithTheWorstStatus() {
        server.reply("LogOut", 500, "{\"error\":{\"code\":\"SYS.1006\",\"description\":\"operation failed\","
                + "\"details\":\"x\"}}");
        String script = "# set up\n\nLogInByAccount accountName=admin password=secret\nLogOut\n"
                + "QueryVirtualRouterVm limit=1\n";
        assertThat(script(script)).isEqualTo(1);
        assertThat(server.apiCalls()).extracting(FakeServer.Request::path).containsExactly(
                "/v1/api/LogInByAccount", "/v1/api/LogOut", "/v1/api/QueryVirtualRouterVm");
        assertThat(out()).doesNotContain(">>>").startsWith("{\n  \"inventory\"");
        assertThat(script("QueryVirtualRouterVm limit=x\nQueryVirtualRouterVm name='open\nexit\nLogOut\n")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: 'limit' must be a non-negative integer, got 'x'\n"
                + "Run 'help' for the syntax, 'help QueryVirtualRouterVm' for its parameters.\n"
                + "error: line 2: unclosed single quote in: QueryVirtualRouterVm name='open\n");
        assertThat(server.apiCalls()).hasSize(3);
    }
}

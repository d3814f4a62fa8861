package io.vrouter.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.cli.CliEnvironment;
import io.vrouter.cli.CliMain;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's entry point against a real management node: zstack-cli words in, the node's JSON out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestNode node;
    @TempDir
    Path home;

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    /** One CLI run: exit code and what it printed. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment env = new CliEnvironment(Map.of("VROUTER_URL", node.url()), home,
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exit = CliMain.run(args, env);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void loginThenQueryUpdateAndErrors() throws Exception {
        Run login = cli("LogInByAccount", "accountName=admin", "password=" + TestNode.ADMIN_PASSWORD);
        assertThat(login.exit()).isZero();
        Path session = home.resolve(".vrouter").resolve("session");
        assertThat(Files.readString(session).trim()).isEqualTo(login.json().get("inventory").get("uuid").asText());
        assertThat(Files.getPosixFilePermissions(session)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

        Run query = cli("QueryGlobalConfig", "category=virtualRouter", "name~=parallelism", "fields=name,value");
        assertThat(query.exit()).as(query.err()).isZero();
        assertThat(query.json().get("inventories")).hasSize(1);
        assertThat(query.json().get("inventories").get(0).get("name").asText()).isEqualTo("command.parallelismDegree");

        Run rejected = cli("UpdateGlobalConfig", "category=virtualRouter", "name=command.parallelismDegree", "value=0");
        assertThat(rejected.exit()).isEqualTo(1);
        assertThat(rejected.json().get("error").get("code").asText()).isEqualTo("SYS.1007");

        Run updated = cli("UpdateGlobalConfig", "category=virtualRouter", "name=command.parallelismDegree", "value=50");
        assertThat(updated.exit()).isZero();
        assertThat(node.node().globalConfigs().intValue("virtualRouter", "command.parallelismDegree")).isEqualTo(50);

        Run in = cli("QueryGlobalConfig", "category?=identity,applianceVm", "count=true");
        assertThat(in.json().get("total").asInt()).isEqualTo(3);

        Run unknown = cli("QueryGlobalConfg");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.json().get("error").get("details").asText()).contains("QueryGlobalConfig");

        Run usage = cli("UpdateGlobalConfig", "notaword");
        assertThat(usage.exit()).isEqualTo(2);

        Run logout = cli("LogOut");
        assertThat(logout.exit()).isZero();
        Run after = cli("QueryGlobalConfig");
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.json().get("error").get("code").asText()).isEqualTo("ID.1001");
        cli("LogInByAccount", "accountName=admin", "password=" + TestNode.ADMIN_PASSWORD);
        cli("UpdateGlobalConfig", "category=virtualRouter", "name=command.parallelismDegree", "value=100");
    }
}

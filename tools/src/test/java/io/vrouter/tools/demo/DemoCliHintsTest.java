package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.cli.CliEnvironment;
import io.vrouter.cli.CliMain;
import io.vrouter.server.testing.RouterFixture;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every CLI command the demo prints at its end works: run through the CLI's entry point, in order, against a node
 * with a virtual router and a guest VM (the Simulator's, so no root is needed; the words are the demo's own).
 */
class DemoCliHintsTest {
    @TempDir
    Path home;

    @Test
    void everyCommandTheDemoPrintsSucceeds() throws Exception {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            RouterFixture f = new RouterFixture(node.admin(), 31);
            f.userVm("demo-guest", f.guestL3);
            String router = f.api.query("QueryVirtualRouterVm", 1).get(0).path("uuid").asText();

            for (List<String> words : DemoMain.cliHints(TestNode.ADMIN_PASSWORD, router)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                CliEnvironment env = new CliEnvironment(Map.of("VROUTER_URL", node.url()), home,
                        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), false);
                int exit = CliMain.run(words.toArray(String[]::new), env);
                assertThat(exit).as("./vrouter cli %s\nstdout: %s\nstderr: %s", String.join(" ", words),
                        out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)).isZero();
                if (words.get(0).equals("QueryVmInstance")) {
                    // the router is a VM too: find the guest among the inventories
                    JsonNode guest = null;
                    for (JsonNode vm : new ObjectMapper().readTree(out.toByteArray()).get("inventories")) {
                        assertThat(vm.properties()).extracting(Map.Entry::getKey).containsExactly("name", "state", "vmNics");
                        guest = vm.get("name").asText().equals("demo-guest") ? vm : guest;
                    }
                    assertThat(guest).as("demo-guest among the VMs").isNotNull();
                    assertThat(guest.get("state").asText()).isEqualTo("Running");
                    assertThat(guest.get("vmNics").get(0).get("ip").asText()).startsWith("10.31.0.");
                }
            }
        }
    }
}

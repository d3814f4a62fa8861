package io.vrouter.server.vrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.cli.CliEnvironment;
import io.vrouter.cli.CliMain;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.Infra;
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

/** The seed chapter's CLI examples, word for word (with real uuids), through the CLI entry point. */
class SeedExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path home;

    private JsonNode cli(TestNode node, String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment env = new CliEnvironment(Map.of("VROUTER_URL", node.url()), home, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int exit = CliMain.run(line.split("\\s+"), env);
        assertThat(exit).as(line + "\n" + out + err).isZero();
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theSeedsCommandsRunVerbatim() throws Exception {
        try (TestNode node = TestNode.start(TestDatabase.H2)) {
            ApiClient admin = node.admin();
            Infra f = new Infra(admin);
            Infra.Zone zone = f.simulatorZone();
            String management = f.l3(zone, "systemL3Network", "192.168.0.0/24", true);
            String publicL3 = f.l3(zone, "public", "172.20.0.0/24", true);
            String guest = f.l3(zone, "guest", "10.1.1.0/24", false);
            admin.ok("UpdateL3Network", Map.of("uuid", management, "name", "systemL3Network"));
            String image = Infra.uuid(admin.ok("AddImage", Map.of("name", "newVirtualRouterImage",
                    "url", "http://download.zstack.org/templates/zstack-virtualrouter-0.6.qcow2", "system", true)));
            String provider = admin.ok("QueryNetworkServiceProvider", Map.of()).get("inventories").get(0).get("uuid").asText();
            admin.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", guest, "networkServices", Map.of(provider, List.of("DHCP", "DNS", "SNAT"))));
            cli(node, "LogInByAccount accountName=admin password=" + TestNode.ADMIN_PASSWORD);

            JsonNode offering = cli(node, "CreateVirtualRouterOffering name=small cpuNum=1 cpuSpeed=1000 memorySize=1073741824 isDefault=true"
                    + " managementNetworkUuid=" + management + " publicNetworkUuid=" + publicL3 + " zoneUuid=" + zone.zoneUuid()
                    + " imageUuid=" + image).get("inventory");
            assertThat(offering.get("isDefault").asBoolean()).isTrue();
            assertThat(offering.get("type").asText()).isEqualTo("VirtualRouter");
            assertThat(offering.get("memorySize").asLong()).isEqualTo(1073741824L);

            f.vm("user", f.offering(), f.image(false), List.of(guest));
            JsonNode vr = admin.ok("QueryVirtualRouterVm", Map.of()).get("inventories").get(0);
            String vrUuid = vr.get("uuid").asText();

            JsonNode reconnected = cli(node, "ReconnectVirtualRouter vmInstanceUuid=" + vrUuid).get("inventory");
            assertThat(reconnected.get("status").asText()).isEqualTo("Connected");
            assertThat(cli(node, "QueryVirtualRouterVm defaultRouteL3NetworkUuid=" + publicL3).get("inventories"))
                    .extracting(n -> n.get("uuid").asText()).containsExactly(vrUuid);
            String mac = vr.get("vmNics").get(0).get("mac").asText();
            assertThat(cli(node, "QueryVirtualRouterVm vmNics.mac=" + mac).get("inventories")).hasSize(1);
            assertThat(cli(node, "QueryVirtualRouterOffering managementNetworkUuid=" + management + " imageUuid=" + image)
                    .get("inventories")).hasSize(1);
            assertThat(cli(node, "QueryVirtualRouterOffering managementL3Network.name=systemL3Network image.name=newVirtualRouterImage")
                    .get("inventories")).extracting(n -> n.get("uuid").asText()).containsExactly(offering.get("uuid").asText());
            JsonNode tag = cli(node, "CreateSystemTag resourceType=VmInstanceVO resourceUuid=" + vrUuid + " tag=commandsParallelismDegree::100");
            assertThat(tag.get("inventory").get("tag").asText()).isEqualTo("commandsParallelismDegree::100");
            JsonNode l3 = admin.ok("QueryL3Network", Map.of("conditions", List.of(Map.of("name", "uuid", "op", "=", "value", guest))))
                    .get("inventories").get(0);
            assertThat(l3.get("networkServices")).extracting(n -> n.get("networkServiceType").asText())
                    .containsExactlyInAnyOrder("DHCP", "DNS", "SNAT");
        }
    }
}

package io.vrouter.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.client.ApiReply;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fields}: top-level fields, and some fields of an inline collection ({@code vmNics.ip}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryFieldsTest {
    private TestNode node;
    private ApiClient admin;
    private String vmUuid;

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2);
        admin = node.admin();
        Infra infra = new Infra(admin);
        Infra.Zone zone = infra.simulatorZone();
        String l3 = infra.l3(zone, "fields", "10.77.0.0/24", false);
        vmUuid = infra.vm("fields-vm", infra.offering(), infra.image(false), List.of(l3)).get("uuid").asText();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private ApiReply query(String... fields) {
        return admin.call("QueryVmInstance", Map.of("conditions", ApiClient.conditions("uuid", "=", vmUuid),
                "fields", List.of(fields)));
    }

    @Test
    void someFieldsOfAnInlineCollection() {
        ApiReply reply = query("name", "state", "vmNics.ip");
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        JsonNode vm = reply.inventories().get(0);
        assertThat(vm.properties()).extracting(Map.Entry::getKey).containsExactly("name", "state", "vmNics");
        assertThat(vm.get("name").asText()).isEqualTo("fields-vm");
        JsonNode nic = vm.get("vmNics").get(0);
        assertThat(nic.properties()).extracting(Map.Entry::getKey).containsExactly("ip");
        assertThat(nic.get("ip").asText()).startsWith("10.77.0.");
    }

    @Test
    void theWholeCollectionWhenNamedToo() {
        JsonNode nic = query("vmNics", "vmNics.ip").inventories().get(0).get("vmNics").get(0);
        assertThat(nic.has("ip")).isTrue();
        assertThat(nic.has("mac")).isTrue();
    }

    @Test
    void anUnknownNestedFieldIsRefusedNamingTheKnownOnes() {
        ApiReply reply = query("name", "vmNics.nope");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo("SYS.1007");
        assertThat(reply.errorDetails()).startsWith("fields: 'vmNics.nope': 'nope' is not a field of VmNic; fields are [");

        ApiReply notACollection = query("name.first");
        assertThat(notACollection.status()).isEqualTo(400);
        assertThat(notACollection.errorDetails()).startsWith("fields: 'name.first': 'name' is not a collection of VmInstance");
    }
}

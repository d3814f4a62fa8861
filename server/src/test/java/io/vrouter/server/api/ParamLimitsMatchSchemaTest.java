package io.vrouter.server.api;

import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every text parameter of the catalogue has a length limit no longer than the column it is stored in, read from
 * the migrated schema: a parameter that outgrows its column would pass validation and then fail in the database
 * as a 500 with the statement in it.
 *
 * <p>The column is found by convention: the API's noun names the table ({@code CreateL3Network} -> {@code l3_network})
 * and the parameter the column ({@code dnsDomain} -> {@code dns_domain}). {@link #STORED_ELSEWHERE} names the column
 * where the convention does not hold, and {@link #NOT_STORED} the parameters no column holds, with the reason.
 * A new text parameter that fits none of these fails here until someone decides where it goes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParamLimitsMatchSchemaTest {
    private static final Set<String> VERBS = Set.of("Create", "Update", "Add", "Change", "Attach", "Detach", "Delete",
            "Query", "Get", "Reconnect", "Start", "Stop", "Reboot", "Destroy", "Set", "LogIn", "LogOut");

    /** {@code Api.param} -> {@code table.column} where the API's noun is not the table or the name not the column. */
    private static final Map<String, String> STORED_ELSEWHERE = Map.ofEntries(
            Map.entry("CreateVirtualRouterOffering.name", "instance_offering.name"),
            Map.entry("CreateVirtualRouterOffering.description", "instance_offering.description"),
            Map.entry("CreateVirtualRouterOffering.allocatorStrategy", "instance_offering.allocator_strategy"),
            Map.entry("CreateVirtualRouterOffering.systemTags", "resource_tag.tag"),
            Map.entry("UpdateVirtualRouterOffering.name", "instance_offering.name"),
            Map.entry("UpdateVirtualRouterOffering.description", "instance_offering.description"),
            Map.entry("AddSimulatorHost.name", "host.name"),
            Map.entry("AddSimulatorHost.description", "host.description"),
            Map.entry("AddSimulatorHost.managementIp", "host.management_ip"),
            Map.entry("AddNetnsHost.name", "host.name"),
            Map.entry("AddNetnsHost.description", "host.description"),
            Map.entry("AddNetnsHost.managementIp", "host.management_ip"),
            Map.entry("AddNetnsHost.agentSecret", "netns_host_agent.agent_secret"),
            Map.entry("CreateL2NoVlanNetwork.name", "l2_network.name"),
            Map.entry("CreateL2NoVlanNetwork.description", "l2_network.description"),
            Map.entry("CreateL2NoVlanNetwork.physicalInterface", "l2_network.physical_interface"),
            Map.entry("CreateL2VlanNetwork.name", "l2_network.name"),
            Map.entry("CreateL2VlanNetwork.description", "l2_network.description"),
            Map.entry("CreateL2VlanNetwork.physicalInterface", "l2_network.physical_interface"),
            Map.entry("CreateL2VxlanNetworkPool.name", "l2_network.name"),
            Map.entry("CreateL2VxlanNetworkPool.description", "l2_network.description"),
            Map.entry("CreateL2VxlanNetworkPool.physicalInterface", "l2_network.physical_interface"),
            Map.entry("CreateL2VxlanNetwork.name", "l2_network.name"),
            Map.entry("CreateL2VxlanNetwork.description", "l2_network.description"),
            Map.entry("CreateL2VxlanNetwork.physicalInterface", "l2_network.physical_interface"),
            Map.entry("CreateVniRange.name", "l2_vni_range.name"),
            Map.entry("CreateVniRange.description", "l2_vni_range.description"),
            Map.entry("AddIpRangeByNetworkCidr.name", "ip_range.name"),
            Map.entry("AddIpRangeByNetworkCidr.description", "ip_range.description"),
            Map.entry("CreatePortForwardingRule.name", "port_forwarding_rule.name"),
            Map.entry("CreatePortForwardingRule.description", "port_forwarding_rule.description"),
            Map.entry("CreateUserTag.tag", "resource_tag.tag"),
            Map.entry("CreateUserTag.resourceType", "resource_tag.resource_type"),
            Map.entry("CreateSystemTag.tag", "resource_tag.tag"),
            Map.entry("CreateSystemTag.resourceType", "resource_tag.resource_type"),
            Map.entry("UpdateGlobalConfig.value", "global_config.config_value"),
            Map.entry("AddSftpBackupStorage.name", "backup_storage.name"),
            Map.entry("AddSftpBackupStorage.url", "backup_storage.url"),
            Map.entry("AddSftpBackupStorage.description", "backup_storage.description"),
            Map.entry("AddSftpBackupStorage.hostname", "backup_storage.hostname"),
            Map.entry("AddSimulatorBackupStorage.name", "backup_storage.name"),
            Map.entry("AddSimulatorBackupStorage.url", "backup_storage.url"),
            Map.entry("AddSimulatorBackupStorage.description", "backup_storage.description"));

    /** Parameters no column holds as given. */
    private static final Map<String, String> NOT_STORED = Map.ofEntries(
            Map.entry("LogInByAccount.password", "only its PBKDF2 hash is stored"),
            Map.entry("LogInByAccount.accountName", "looked up in account.name, never written"),
            Map.entry("sortBy", "a field name of the inventory, compiled to a column"),
            Map.entry("fields", "field names of the inventory"),
            Map.entry("AddImage.guestOsType", "accepted from ZStack 5.x clients, not used"),
            Map.entry("AddImage.architecture", "accepted from ZStack 5.x clients, not used"),
            Map.entry("AddSftpBackupStorage.type", "the API names the type (backup_storage.bs_type)"),
            Map.entry("AddSimulatorBackupStorage.type", "the API names the type (backup_storage.bs_type)"),
            Map.entry("AddSftpBackupStorage.username", "accepted from ZStack's clients, not used"),
            Map.entry("AddSftpBackupStorage.password", "accepted from ZStack's clients, never stored"),
            Map.entry("AttachL2NetworkToCluster.systemTags", "the VTEP cidr tag: only its cidr is stored (l2_network_cluster_ref.vtep_cidr)"));

    private TestNode node;

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    private static String tableOf(String apiName) {
        for (String verb : VERBS) {
            if (apiName.startsWith(verb)) {
                return snake(apiName.substring(verb.length()));
            }
        }
        return snake(apiName);
    }

    private Map<String, Integer> varcharLengths(DSLContext dsl) {
        Map<String, Integer> lengths = new HashMap<>();
        dsl.fetch("SELECT table_name, column_name, character_maximum_length FROM information_schema.columns"
                        + " WHERE lower(table_schema) = 'public' AND character_maximum_length IS NOT NULL")
                .forEach(r -> lengths.put((r.get(0, String.class) + "." + r.get(1, String.class)).toLowerCase(),
                        r.get(2, Integer.class)));
        return lengths;
    }

    @Test
    void everyTextParameterFitsItsColumn() {
        Map<String, Integer> columns = varcharLengths(node.node().database().dsl());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (ApiDefinition api : node.node().catalogue().all()) {
            for (ApiParam p : api.params()) {
                boolean text = p.type() == ParamType.STRING || p.type() == ParamType.STRING_LIST || p.type() == ParamType.HOST_ADDRESS;
                if (!text || !p.choices().isEmpty()) {
                    continue;
                }
                String key = api.name() + "." + p.name();
                if (NOT_STORED.containsKey(key) || NOT_STORED.containsKey(p.name())) {
                    continue;
                }
                if (api.isQuery() || api.name().startsWith("Get") || api.name().startsWith("Delete")) {
                    continue; // lookups: every condition and argument is a bound value, nothing is written
                }
                String column = STORED_ELSEWHERE.getOrDefault(key, tableOf(api.name()) + "." + snake(p.name()));
                Integer length = columns.get(column);
                if (length == null) {
                    problems.add(key + ": no column " + column + "; name it in STORED_ELSEWHERE or NOT_STORED");
                } else if (p.maxTextLength() > length) {
                    problems.add(key + ": accepts " + p.maxTextLength() + " characters, column " + column + " holds " + length);
                }
                checked++;
            }
        }
        assertThat(problems).isEmpty();
        for (String key : STORED_ELSEWHERE.keySet()) {
            String[] apiAndParam = key.split("\\.");
            assertThat(node.node().catalogue().find(apiAndParam[0]).flatMap(a -> a.param(apiAndParam[1])))
                    .as("STORED_ELSEWHERE names %s, which the catalogue does not have", key).isPresent();
        }
        assertThat(checked).as("text parameters checked").isGreaterThan(30);
    }
}

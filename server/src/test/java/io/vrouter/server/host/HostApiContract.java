package io.vrouter.server.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.vrouter.server.testing.Infra.MISSING;
import static io.vrouter.server.testing.Infra.assertError;
import static io.vrouter.server.testing.Infra.cond;
import static org.assertj.core.api.Assertions.assertThat;

/** The host API over HTTP, and the hosts' read API for VM placement, once per database (see the subclasses). */
abstract class HostApiContract extends NodeContract {
    @Test
    void addSimulatorHostWithDefaultsAndQueryIt() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String name = Infra.unique("host");
        String ip = Infra.uniqueIp();
        JsonNode host = infra.create("AddSimulatorHost", "name", name, "managementIp", ip, "clusterUuid", cluster);
        assertThat(host.get("name").asText()).isEqualTo(name);
        assertThat(host.get("zoneUuid").asText()).isEqualTo(zone);
        assertThat(host.get("clusterUuid").asText()).isEqualTo(cluster);
        assertThat(host.get("managementIp").asText()).isEqualTo(ip);
        assertThat(host.get("hypervisorType").asText()).isEqualTo("Simulator");
        assertThat(host.get("state").asText()).isEqualTo("Enabled");
        assertThat(host.get("status").asText()).isEqualTo("Connected");
        assertThat(host.get("totalCpuCapacity").asLong()).isEqualTo(32);
        assertThat(host.get("availableCpuCapacity").asLong()).isEqualTo(32);
        assertThat(host.get("totalMemoryCapacity").asLong()).isEqualTo(64L << 30);
        assertThat(host.get("availableMemoryCapacity").asLong()).isEqualTo(64L << 30);
        assertThat(host.get("createDate").asText()).endsWith("Z");

        JsonNode sized = infra.create("AddSimulatorHost", "name", Infra.unique("big"), "managementIp", Infra.uniqueIp(),
                "clusterUuid", cluster, "cpuCapacity", 8, "memoryCapacity", "1073741824", "description", "small one");
        assertThat(sized.get("totalCpuCapacity").asLong()).isEqualTo(8);
        assertThat(sized.get("totalMemoryCapacity").asLong()).isEqualTo(1L << 30);
        assertThat(sized.get("description").asText()).isEqualTo("small one");
        assertThat(admin.get("/v1/hosts/" + host.get("uuid").asText()).inventories().get(0).get("managementIp").asText()).isEqualTo(ip);
    }

    @Test
    void nestedZoneAndClusterFieldsFindHosts() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String other = infra.cluster(zone);
        String a = infra.host(cluster);
        String b = infra.host(other);
        String zoneName = infra.query("QueryZone", cond("uuid", "=", zone)).get(0).get("name").asText();
        String clusterName = infra.query("QueryCluster", cond("uuid", "=", cluster)).get(0).get("name").asText();
        assertThat(infra.query("QueryHost", cond("zone.name", "=", zoneName))).extracting(n -> n.get("uuid").asText())
                .containsExactlyInAnyOrder(a, b);
        assertThat(infra.query("QueryHost", cond("cluster.name", "=", clusterName))).extracting(n -> n.get("uuid").asText())
                .containsExactly(a);
    }

    @Test
    void addingAHostChecksClusterTypeAndManagementIp() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String netns = infra.cluster(zone, "Netns");
        String netnsName = infra.query("QueryCluster", cond("uuid", "=", netns)).get(0).get("name").asText();
        String ip = Infra.uniqueIp();
        infra.create("AddSimulatorHost", "name", "h", "managementIp", ip, "clusterUuid", cluster);
        long before = infra.count("QueryHost");

        assertError(admin.call("AddSimulatorHost", Map.of("name", "h2", "managementIp", ip, "clusterUuid", cluster)),
                409, "SYS.1008", "a host with management IP " + ip + " already exists");
        assertError(admin.call("AddSimulatorHost", Map.of("name", "h3", "managementIp", Infra.uniqueIp(), "clusterUuid", netns)),
                400, "SYS.1007", "cluster " + netnsName + " (" + netns + ") is a Netns cluster; a Simulator host cannot join it");
        assertError(admin.call("AddSimulatorHost", Map.of("name", "h4", "managementIp", Infra.uniqueIp(), "clusterUuid", MISSING)),
                404, "SYS.1003", "no ClusterVO with uuid " + MISSING);
        assertError(admin.call("AddSimulatorHost", Map.of("name", "h5", "managementIp", Infra.uniqueIp(), "clusterUuid", cluster,
                "cpuCapacity", 0)), 400, "SYS.1007", "parameter cpuCapacity: 0 is out of range 1..1000000");
        assertThat(infra.count("QueryHost")).isEqualTo(before);
    }

    @Test
    void changeHostStateAndReconnect() {
        String host = infra.host(infra.cluster(infra.zone()));
        assertThat(infra.create("ChangeHostState", "uuid", host, "stateEvent", "disable").get("state").asText()).isEqualTo("Disabled");
        assertThat(infra.create("ChangeHostState", "uuid", host, "stateEvent", "maintain").get("state").asText()).isEqualTo("Maintenance");
        assertThat(infra.create("ChangeHostState", "uuid", host, "stateEvent", "enable").get("state").asText()).isEqualTo("Enabled");
        assertError(admin.call("ChangeHostState", Map.of("uuid", host, "stateEvent", "reboot")), 400, "SYS.1007",
                "parameter stateEvent: 'reboot' is not one of [enable, disable, maintain]");
        assertError(admin.call("ChangeHostState", Map.of("uuid", MISSING, "stateEvent", "enable")), 404, "SYS.1003",
                "no HostVO with uuid " + MISSING);
        assertThat(infra.create("ReconnectHost", "uuid", host).get("status").asText()).isEqualTo("Connected");
    }

    @Test
    void deleteHostRemovesItAndItsTags() {
        String host = infra.host(infra.cluster(infra.zone()));
        admin.ok("CreateUserTag", Map.of("resourceType", "HostVO", "resourceUuid", host, "tag", "rack::3"));
        admin.ok("DeleteHost", Map.of("uuid", host));
        assertThat(infra.count("QueryHost", cond("uuid", "=", host))).isZero();
        assertThat(infra.count("QueryUserTag", cond("resourceUuid", "=", host))).isZero();
        assertError(admin.call("DeleteHost", Map.of("uuid", host)), 404, "SYS.1003", "no HostVO with uuid " + host);
    }

    @Test
    void candidatesAreEnabledConnectedHostsInClustersWithEveryRequiredL2() {
        Hosts hosts = node.node().hosts();
        String zone = infra.zone();
        String both = infra.cluster(zone);
        String onlyFirst = infra.cluster(zone);
        String l2a = infra.l2(zone);
        String l2b = infra.vlan(zone, 100);
        infra.attach(l2a, both);
        infra.attach(l2b, both);
        infra.attach(l2a, onlyFirst);
        String h1 = infra.host(both);
        String h2 = infra.host(onlyFirst);
        String disabled = infra.host(both);
        admin.ok("ChangeHostState", Map.of("uuid", disabled, "stateEvent", "disable"));

        assertThat(hosts.candidates(zone, null, List.of(l2a, l2b))).extracting(HostRecord::uuid).containsExactly(h1);
        assertThat(hosts.candidates(zone, null, List.of(l2a))).extracting(HostRecord::uuid).containsExactlyInAnyOrder(h1, h2);
        assertThat(hosts.candidates(null, onlyFirst, List.of(l2a))).extracting(HostRecord::uuid).containsExactly(h2);
        assertThat(hosts.candidates(zone, onlyFirst, List.of(l2b))).isEmpty();
        assertThat(hosts.candidates(zone, null, List.of())).extracting(HostRecord::uuid).containsExactlyInAnyOrder(h1, h2);

        HostRecord record = hosts.find(h1).orElseThrow();
        assertThat(record.clusterUuid()).isEqualTo(both);
        assertThat(record.zoneUuid()).isEqualTo(zone);
        assertThat(hosts.reserveCapacity(h1, 30, 1L << 30)).isTrue();
        assertThat(hosts.reserveCapacity(h1, 3, 1L << 30)).isFalse();
        assertThat(hosts.find(h1).orElseThrow().availableCpuCapacity()).isEqualTo(2);
        hosts.returnCapacity(h1, 30, 1L << 30);
        hosts.returnCapacity(h1, 30, 1L << 30);
        assertThat(hosts.find(h1).orElseThrow().availableCpuCapacity()).isEqualTo(32);
        assertThat(hosts.find(h1).orElseThrow().availableMemoryCapacity()).isEqualTo(64L << 30);
    }

    @Test
    void aHostRunningVmsIsNotDeleted() {
        String zone = infra.zone();
        String cluster = infra.cluster(zone);
        String host = infra.host(cluster);
        String vm = Infra.insertVm(node.node().database().dsl(), "web-1", zone, cluster, host, null);
        assertError(admin.call("DeleteHost", Map.of("uuid", host)), 409, "SYS.1008",
                "cannot delete host " + host + ": it still has 1 VM(s): web-1 (" + vm + "); delete or detach them first");
        assertError(admin.call("DeleteCluster", Map.of("uuid", cluster)), 409, "SYS.1008",
                "cannot delete cluster " + cluster + ": it still has 1 host(s): "
                        + infra.query("QueryHost", cond("uuid", "=", host)).get(0).get("name").asText() + " (" + host
                        + "); 1 VM(s): web-1 (" + vm + "); delete or detach them first");
        assertThat(infra.count("QueryHost", cond("uuid", "=", host))).isEqualTo(1);
        Infra.deleteVm(node.node().database().dsl(), vm);
        admin.ok("DeleteHost", Map.of("uuid", host));
    }

    @Test
    void hostsSurviveARestart() {
        String host = infra.host(infra.cluster(infra.zone()));
        admin.ok("ChangeHostState", Map.of("uuid", host, "stateEvent", "maintain"));
        node.restart();
        admin = node.admin();
        infra = new Infra(admin);
        assertThat(infra.query("QueryHost", cond("uuid", "=", host)).get(0).get("state").asText()).isEqualTo("Maintenance");
    }
}

package io.vrouter.tools.bench;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.server.ManagementNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 6's benchmark: {@code --eips} EIPs (one VM each) and {@code --rules} port-forwarding rules on one virtual
 * router, created through the API (VIP, then the rule attached to a running VM's nic, each pushed to the router at
 * once); calls per second; then the time of a ReconnectVirtualRouter of that router (full resync of everything,
 * end to end through the API), and a check that the router's agent holds exactly what the database says.
 */
final class RulesBench {
    private final int eips;
    private final int rules;
    private final int vipsForRules;
    private final int threads;
    private final String dbUrl;
    private final PrintStream out;

    RulesBench(int eips, int rules, int vipsForRules, int threads, String dbUrl, PrintStream out) {
        this.eips = eips;
        this.rules = rules;
        this.vipsForRules = vipsForRules;
        this.threads = threads;
        this.dbUrl = dbUrl;
        this.out = out;
    }

    void run() {
        out.printf("rules benchmark: %,d EIPs (one VM each) and %,d port-forwarding rules on %d VIPs, one router, %d client threads%n",
                eips, rules, vipsForRules, threads);
        ResultTable table = new ResultTable("phase", "count", "seconds", "per second", "notes");
        try (BenchNode node = BenchNode.start(dbUrl)) {
            ApiClient api = node.api();
            String zone = api.create("CreateZone", "name", "rules-zone");
            String cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "rules-cluster", "hypervisorType", "Simulator");
            api.create("AddSimulatorHost", "clusterUuid", cluster, "name", "rules-host", "managementIp", "127.0.0.3");
            String management = RoutersBench.systemL3(api, zone, cluster, "rules-mgmt", "eth0", "172.16.0.0/20");
            String publicL3 = RoutersBench.systemL3(api, zone, cluster, "rules-public", "eth1", "172.20.0.0/18");
            String guest = RoutersBench.systemL3(api, zone, cluster, "rules-guest", "eth2", "10.0.0.0/20");
            api.ok("UpdateL3Network", Map.of("uuid", guest, "system", false));
            String provider = api.query("QueryNetworkServiceProvider", 1, "type", "=", "VirtualRouter").get(0).path("uuid").asText();
            api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", guest, "networkServices",
                    Map.of(provider, List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"))));
            String vrImage = api.create("AddImage", "name", "rules-vr-image", "url", "http://images.invalid/vr.qcow2", "system", true);
            api.create("CreateVirtualRouterOffering", "name", "rules-vr", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 1L << 30,
                    "isDefault", true, "managementNetworkUuid", management, "publicNetworkUuid", publicL3, "zoneUuid", zone,
                    "imageUuid", vrImage);
            String image = api.create("AddImage", "name", "rules-image", "url", "http://images.invalid/vm.qcow2");
            String offering = api.create("CreateInstanceOffering", "name", "rules-small", "cpuNum", 1, "cpuSpeed", 1000,
                    "memorySize", 1L << 30);

            long t = System.nanoTime();
            String[] nics = new String[eips];
            List<String> failures = Parallel.run(eips, threads, out, i -> {
                JsonNode vm = api.ok("CreateVmInstance", Map.of("name", "rules-vm-" + i, "instanceOfferingUuid", offering,
                        "imageUuid", image, "l3NetworkUuids", List.of(guest))).path("inventory");
                nics[i] = vm.path("vmNics").get(0).path("uuid").asText();
            });
            table.row("user VMs (the first creates the router)", eips, seconds(t), eips / seconds(t), RoutersBench.failureNote(failures));

            t = System.nanoTime();
            failures = Parallel.run(eips, threads, out, i -> {
                String vip = api.create("CreateVip", "name", "eip-vip-" + i, "l3NetworkUuid", publicL3);
                api.create("CreateEip", "name", "eip-" + i, "vipUuid", vip, "vmNicUuid", nics[i]);
            });
            double eipSeconds = seconds(t);
            table.row("CreateVip + CreateEip (attached, pushed)", eips, eipSeconds, String.format("%.1f calls/s", 2 * eips / eipSeconds),
                    RoutersBench.failureNote(failures));

            List<String> ruleVips = new ArrayList<>();
            for (int v = 0; v < vipsForRules; v++) {
                ruleVips.add(api.create("CreateVip", "name", "pf-vip-" + v, "l3NetworkUuid", publicL3));
            }
            t = System.nanoTime();
            failures = Parallel.run(rules, threads, out, i -> api.create("CreatePortForwardingRule", "name", "pf-" + i,
                    "vipUuid", ruleVips.get(i % vipsForRules), "vipPortStart", 1024 + i / vipsForRules,
                    "protocolType", i % 2 == 0 ? "TCP" : "UDP", "vmNicUuid", nics[i % eips]));
            double ruleSeconds = seconds(t);
            table.row("CreatePortForwardingRule (attached, pushed)", rules, ruleSeconds, String.format("%.1f calls/s", rules / ruleSeconds),
                    RoutersBench.failureNote(failures));

            String router = api.query("QueryVirtualRouterVm", 1).get(0).path("uuid").asText();
            for (int run = 1; run <= 3; run++) {
                t = System.nanoTime();
                JsonNode reply = api.ok("ReconnectVirtualRouter", Map.of("vmInstanceUuid", router)).path("inventory");
                double reconnect = seconds(t);
                table.row("ReconnectVirtualRouter #" + run + " (API call, end to end)", 1, reconnect, "-",
                        reply.path("status").asText() + (reconnect < 2 ? ", goal < 2 s met" : ", goal < 2 s MISSED"));
            }
            DesiredState applied = appliedState(node.agents(), router);
            out.println();
            table.print(out);
            out.printf("%nrouter %s holds %,d EIPs, %,d port-forwarding rules, %,d VIPs, %,d DHCP entries; in sync with the database: %s%n",
                    router, applied.eips().size(), applied.portForwardings().size(), applied.vips().size(), applied.dhcp().size(),
                    inSync(node.node(), router, applied));
        }
    }

    private static DesiredState appliedState(InProcessAgentHost agents, String router) {
        return agents.dataplane(router).orElseThrow().appliedState();
    }

    private static boolean inSync(ManagementNode node, String router, DesiredState applied) {
        var want = node.virtualRouters().desiredStateOf(router);
        return applied.eips().size() == want.eips().size() && applied.portForwardings().size() == want.portForwardings().size()
                && applied.vips().size() == want.vips().size() && applied.dhcp().size() == want.dhcp().size()
                && applied.eips().values().containsAll(want.eips())
                && applied.portForwardings().values().containsAll(want.portForwardings());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

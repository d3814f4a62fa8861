package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The HA part of {@code ./vrouter demo --ha} (docs/ha.md), the same on one host and on several: an HA guest L3 and a
 * guest on it; both routers, where they run and their haStatus; a TCP connection from the guest through SNAT held
 * open; the master killed under a ping every 10 ms (its processes, or with {@code --power-off} its whole host); the
 * measured ping loss, the new master, the same connection still echoing; then the pair whole again (the killed
 * router's agent restarted as backup, or the node re-creating the dead host's router on another host).
 */
final class HaDemo {
    /** The TCP echo peer on the public side. */
    private static final int ECHO_PORT = 8083;

    /** What the world of the demo (one host, or a lab of several) offers the HA walkthrough. */
    interface Stage {
        ApiClient api();

        /** A guest L3 tagged {@code virtualRouterHa::VRRP} before its first VM, with DHCP, DNS and SNAT. */
        String haL3(String name, String cidr);

        /** A user VM on {@code l3}, on a host of the stage's choosing; its inventory. */
        JsonNode guest(String name, String l3);

        /** The namespace of a VM (a guest or a router) on its host. */
        String namespaceOf(JsonNode vm);

        /** Where a VM runs, for what the demo prints. */
        String where(JsonNode vm);

        String outsideNamespace();

        /** Powers off the host {@code hostUuid} (only offered with several hosts). */
        void powerOff(String hostUuid);

        /** Makes the router on host {@code hostUuid} the master of {@code l3} (the other's links down, then up). */
        void makeMasterOn(String l3, String hostUuid);
    }

    private final Stage stage;
    private final Consumer<String> step;

    HaDemo(Stage stage, Consumer<String> step) {
        this.stage = stage;
        this.step = step;
    }

    /** @param powerOff kill the master's whole host rather than the master's processes */
    void run(boolean powerOff) throws InterruptedException {
        ApiClient api = stage.api();
        step.accept("CreateL3Network ha-l3 + CreateSystemTag virtualRouterHa::VRRP on it, then CreateVmInstance ha-guest");
        String l3 = stage.haL3("ha-l3", "10.99.0.0/24");
        long t0 = System.nanoTime();
        JsonNode vm = stage.guest("ha-guest", l3);
        String guestNs = stage.namespaceOf(vm);
        GuestProbe.await(Duration.ofSeconds(60), new GuestProbe(guestNs)::address);
        String master = HaFailover.awaitMaster(api, l3, Duration.ofSeconds(60), true);
        if (master == null) {
            throw new IllegalStateException("the pair of ha-l3 has no master and backup: " + HaFailover.haStatuses(api, l3));
        }
        DemoMain.say("ha-guest " + stage.where(vm) + ", leased after " + DemoMain.ms(t0) + " ms");
        step.accept("QueryVirtualRouterVm vmNics.l3NetworkUuid=<ha-l3> fields=uuid,hostUuid,haStatus: the pair");
        showPair(l3);
        if (powerOff && hostOf(l3, master).equals(vm.get("hostUuid").asText())) {
            String other = routers(l3).values().stream().map(r -> r.get("hostUuid").asText())
                    .filter(h -> !h.equals(vm.get("hostUuid").asText())).findFirst().orElseThrow();
            step.accept("the master shares ha-guest's host, which is to be powered off: making the other router master first");
            stage.makeMasterOn(l3, other);
            master = HaFailover.awaitMaster(api, l3, Duration.ofSeconds(60), true);
            showPair(l3);
        }

        step.accept("a TCP connection from ha-guest through SNAT to an echo peer on the public side, held open");
        Process echo = GuestProbe.startPeerRecorder(stage.outsideNamespace(), SeedWorld.OUTSIDE_IP, PeerRecorder.Listener.echo(ECHO_PORT));
        try (GuestProbe.Conversation conversation = new GuestProbe(guestNs).converse(SeedWorld.OUTSIDE_IP, ECHO_PORT)) {
            DemoMain.say("the peer sees the pair's floating address: " + conversation.receive(Duration.ofSeconds(10)));
            DemoMain.say("sent 'before', echoed: " + conversation.exchange("before", Duration.ofSeconds(10)));

            JsonNode old = routers(l3).get(master);
            String deadHost = old.get("hostUuid").asText();
            step.accept((powerOff ? "powering off the master's host, " + stage.where(old).replaceFirst("^on ", "") : "killing every process of the master "
                    + master + " (agent, keepalived, conntrackd, dnsmasq)") + ", under a ping every 10 ms from ha-guest to "
                    + SeedWorld.OUTSIDE_IP);
            HaFailover.PingRun ping = HaFailover.startPing(guestNs, SeedWorld.OUTSIDE_IP, 10, Duration.ofSeconds(5));
            Thread.sleep(1000);
            long killed = System.nanoTime();
            if (powerOff) {
                stage.powerOff(deadHost);
            } else {
                HaFailover.killAll(stage.namespaceOf(old));
            }
            String oldMaster = master;
            String newMaster = null;
            long deadline = killed + Duration.ofSeconds(30).toNanos();
            while (newMaster == null && System.nanoTime() < deadline) { // polled every 20 ms: the node's view, timed
                newMaster = HaFailover.haStatuses(api, l3).entrySet().stream()
                        .filter(e -> e.getValue().equals("Master") && !e.getKey().equals(oldMaster)).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
                if (newMaster == null) {
                    Thread.sleep(20);
                }
            }
            long nodeSaw = DemoMain.ms(killed);
            HaFailover.PingResult result = ping.finish();
            DemoMain.say("ping: " + result.lost() + " of " + result.sent() + " lost, longest gap " + result.longestGapMillis() + " ms");
            if (newMaster == null) {
                throw new IllegalStateException("no new master within 30 s: " + HaFailover.haStatuses(api, l3));
            }
            DemoMain.say("new master: " + newMaster + " " + stage.where(routers(l3).get(newMaster)) + " (the node showed it "
                    + nodeSaw + " ms after the kill)");
            String echoed = conversation.exchange("after", Duration.ofSeconds(10));
            DemoMain.say("sent 'after' on the same connection, echoed: " + echoed
                    + ("after".equals(echoed) ? " (the connection survived the failover)" : " (THE CONNECTION DID NOT SURVIVE)"));

            if (powerOff) {
                step.accept("the node confirms the host dead and re-creates its router on another host; it joins as backup");
                String whole = GuestProbe.await(Duration.ofSeconds(180), () -> {
                    Map<String, JsonNode> now = routers(l3);
                    HashSet<String> hosts = new HashSet<>();
                    now.values().forEach(r -> hosts.add(r.get("hostUuid").asText()));
                    boolean twoAlive = now.size() == 2 && hosts.size() == 2 && !hosts.contains(deadHost);
                    Map<String, String> s = HaFailover.haStatuses(api, l3);
                    return twoAlive && s.containsValue("Master") && s.containsValue("Backup") ? "yes" : null;
                });
                DemoMain.say(whole != null ? "the pair is whole again after " + DemoMain.ms(killed) + " ms:" : "the pair is not whole yet:");
            } else {
                step.accept("the host agent restarts the killed router's agent: it returns as backup (no preemption)");
                boolean back = HaFailover.awaitStatus(api, l3, oldMaster, "Backup", Duration.ofSeconds(90));
                DemoMain.say(back ? "back as backup after " + DemoMain.ms(killed) + " ms:" : "not back as backup yet:");
            }
            showPair(l3);
            DemoMain.say("sent 'still' on the same connection, echoed: " + conversation.exchange("still", Duration.ofSeconds(10)));
        } finally {
            echo.destroyForcibly();
        }
    }

    private void showPair(String l3) {
        routers(l3).forEach((uuid, r) -> DemoMain.say(String.format("%s  %-7s %s", uuid, r.path("haStatus").asText(), stage.where(r))));
    }

    private Map<String, JsonNode> routers(String l3) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        stage.api().query("QueryVirtualRouterVm", "vmNics.l3NetworkUuid", "=", l3).forEach(r -> out.put(r.get("uuid").asText(), r));
        return out;
    }

    private String hostOf(String l3, String router) {
        return routers(l3).get(router).get("hostUuid").asText();
    }
}

package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.platform.files.FileTrees;
import io.vrouter.server.Clock;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./vrouter demo --hosts N}: the seed on N hosts of a {@link MultiHostLab} (each a namespace with its own host
 * agent process; the node reaches them over the management underlay only), a guest on host 2 and one on the last
 * host, their router placed by the allocator; prints where each VM and the router run and the same proofs as the
 * one-host demo, across hosts; with {@code --ha}, {@link HaDemo} on the lab (a pair on two hosts, its guest on the last,
 * the master's processes or, with {@code --power-off}, its host killed). Ctrl-C removes everything.
 */
final class MultiHostDemo {
    private final Path dataDir;
    private final int port;
    private final int hosts;
    private final boolean ha;
    private final boolean powerOff;
    private int step;

    /**
     * @param ha       also the HA walkthrough ({@link HaDemo}): its pair on two hosts, its guest on the last host
     * @param powerOff with {@code ha}: the master's host powered off rather than the master's processes killed
     */
    MultiHostDemo(Path dataDir, int port, int hosts, boolean ha, boolean powerOff) {
        this.dataDir = dataDir;
        this.port = port;
        this.hosts = hosts;
        this.ha = ha;
        this.powerOff = powerOff;
    }

    void run() throws InterruptedException {
        MultiHostLab lab = MultiHostLab.create(dataDir.resolve("lab"));
        ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", port, dataDir.resolve("node"), null, null, null,
                DemoMain.ADMIN_PASSWORD), Clock.SYSTEM, new InProcessAgentHost());
        CountDownLatch stopped = new CountDownLatch(1);
        MultiHostWorld[] world = new MultiHostWorld[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println();
            System.out.println("vrouter demo: stopping; removing the hosts, their VMs, bridges and namespaces");
            quietly(() -> { if (world[0] != null) world[0].close(); });
            quietly(node::close);
            quietly(lab::close);
            quietly(() -> FileTrees.delete(dataDir));
            stopped.countDown();
        }, "demo-cleanup"));
        try {
            String url = node.start();
            step("management node at " + url + "; " + hosts + " hosts: namespaces " + lab.prefix() + "h1.." + lab.prefix() + "h" + hosts
                    + ", each with its host agent process, on the management underlay " + lab.managementBridge());
            ApiClient api = ApiClient.forUrl(url).logIn(DemoMain.ADMIN_PASSWORD);
            world[0] = new MultiHostWorld(api, lab, hosts, dataDir.resolve("outside"), this::step);
            MultiHostWorld w = world[0];

            step("CreateVmInstance guest-a hostUuid=<host2>, guest-b hostUuid=<host" + hosts + ">; the router is placed by the allocator");
            long t0 = System.nanoTime();
            JsonNode a = w.guestOn("guest-a", w.host(2));
            DemoMain.say("guest-a Running after " + DemoMain.ms(t0) + " ms");
            JsonNode b = w.guestOn("guest-b", w.host(hosts));
            JsonNode router = w.routersOn(w.guestL3).get(0);

            step("where everything runs (QueryVmInstance fields=name,hostUuid)");
            for (JsonNode vm : List.of(router, a, b)) {
                DemoMain.say(String.format("%-12s on %-6s (%s), namespace %s", vm.get("name").asText(),
                        w.hostName(vm.get("hostUuid").asText()), w.labHost(vm.get("hostUuid").asText()).managementIp(), w.namespaceOf(vm)));
            }

            for (JsonNode vm : List.of(a, b)) {
                String name = vm.get("name").asText();
                step("inside " + name + " on " + w.hostName(vm.get("hostUuid").asText()) + " (ip netns exec " + w.namespaceOf(vm) + " ...)");
                GuestProbe probe = w.probe(vm);
                String address = GuestProbe.await(Duration.ofSeconds(60), probe::address);
                DemoMain.say("DHCP address from the router on " + w.hostName(router.get("hostUuid").asText()) + ": " + address
                        + " (gateway " + probe.defaultGateway() + ")");
                DemoMain.say("dig " + SeedWorld.OUTSIDE_NAME + " through the router: "
                        + GuestProbe.await(Duration.ofSeconds(20), () -> probe.resolve(SeedWorld.OUTSIDE_NAME)));
                DemoMain.say("TCP to " + SeedWorld.OUTSIDE_IP + ":" + Outside.PORT + ": the outside saw "
                        + GuestProbe.await(Duration.ofSeconds(20), () -> probe.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT))
                        + " (SNAT to the router's public address " + SeedWorld.ipOn(router, w.publicL3) + ")");
            }
            step("guest-a -> guest-b across hosts: "
                    + new io.vrouter.platform.process.CommandRunner(Duration.ofSeconds(20)).run(List.of("ip", "netns", "exec",
                    w.namespaceOf(a), "busybox", "ping", "-c", "3", "-W", "2", SeedWorld.ipOn(b, w.guestL3)), null).stdout()
                    .lines().filter(l -> l.contains("packet loss")).findFirst().orElse("no answer"));
            if (ha) {
                new HaDemo(haStage(w), this::step).run(powerOff);
            }

            System.out.println();
            System.out.println("The management node keeps running: export VROUTER_URL=" + url + " and ./vrouter cli QueryHost");
            System.out.println("Ctrl-C stops the demo and removes everything it made.");
        } catch (RuntimeException e) {
            System.err.println("vrouter demo failed: " + e.getMessage());
            System.exit(1); // the shutdown hook cleans up
        }
        stopped.await();
    }

    /** The HA walkthrough on the lab: the pair placed apart by the node, its guest on the last host. */
    private HaDemo.Stage haStage(MultiHostWorld w) {
        return new HaDemo.Stage() {
            @Override
            public ApiClient api() {
                return w.api;
            }

            @Override
            public String haL3(String name, String cidr) {
                return HaHostDeath.haL3(w, name, cidr);
            }

            @Override
            public JsonNode guest(String name, String l3) {
                return w.guestOn(name, w.host(hosts), l3);
            }

            @Override
            public String namespaceOf(JsonNode vm) {
                return w.namespaceOf(vm);
            }

            @Override
            public String where(JsonNode vm) {
                String host = vm.get("hostUuid").asText();
                return "on " + w.hostName(host) + " (" + w.labHost(host).managementIp() + ")";
            }

            @Override
            public String outsideNamespace() {
                return w.outside.namespace();
            }

            @Override
            public void powerOff(String hostUuid) {
                w.lab.powerOff(w.labHost(hostUuid));
            }

            @Override
            public void makeMasterOn(String l3, String hostUuid) {
                HaHostDeath.mastersOn(w, hostUuid, List.of(l3));
            }
        };
    }

    private void step(String what) {
        System.out.printf("[%2d] %s%n", ++step, what);
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("vrouter demo: " + e.getMessage());
        }
    }
}

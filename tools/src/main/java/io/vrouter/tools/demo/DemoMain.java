package io.vrouter.tools.demo;

import io.vrouter.platform.files.FileTrees;
import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.server.Clock;
import io.vrouter.agent.http.InProcessAgentHost;
import io.vrouter.server.ManagementNode;
import io.vrouter.server.NodeOptions;
import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.lab.MultiHostLab;
import io.vrouter.hostagent.InProcessHostAgent;
import io.vrouter.hostagent.HostAgentSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./vrouter demo [--data-dir DIR] [--port 8080] [--clean]}: an embedded management node (H2 in the data dir,
 * netns backend) walks the seed on this machine, as root: zone, cluster, host, L2s, management/public/guest L3s,
 * the VR image and offering, the services, a user VM (the virtual router appears by itself); then shows, from inside
 * the guest, its DHCP address, a name resolved through the router and SNAT to the public side, and keeps the node
 * running for the CLI until Ctrl-C, which removes everything. {@code --clean} removes what a killed demo left.
 * Every address it uses lives in namespaces it creates (the host only gets the management network's gateway, on a
 * veth plugged into the management bridge, on a subnet it does not route yet).
 */
@Command(name = "vrouter demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As root: the seed on this host through the API, with real packets; Ctrl-C removes it.")
public final class DemoMain implements Callable<Integer> {
    static final String ADMIN_PASSWORD = "demo-password";

    private int step;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the demo's node data (default: ${DEFAULT-VALUE})")
    private Path dataDir = Path.of("/var/tmp/vrouter-demo");

    @Option(names = "--port", description = "the node's API port (default: ${DEFAULT-VALUE})")
    private int port = NodeOptions.DEFAULT_PORT;

    @Option(names = "--ha", description = "also an HA guest L3: a VRRP pair, its master killed under a ping and a TCP connection"
            + " (with --hosts: the pair on two hosts, the guest on a third)")
    private boolean ha;

    @Option(names = "--power-off", description = "with --ha and --hosts: power off the master's host instead of killing the"
            + " master's processes")
    private boolean powerOff;

    @Option(names = "--clean", description = "only remove what a killed demo left")
    private boolean clean;

    @Option(names = "--hosts", paramLabel = "N", description = "hosts to spread the seed over, each a namespace with its own"
            + " host agent process (default: ${DEFAULT-VALUE}: this machine, with the node's own agent)")
    private int hosts = 1;

    public static void main(String[] args) {
        int code = new CommandLine(new DemoMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (clean) {
            cleanUp(dataDir);
            System.out.println("vrouter demo: removed everything the demo made (" + dataDir + ", its namespaces, bridges and processes)");
            return 0;
        }
        String problems = new HostCheck().problems();
        if (problems != null) {
            System.err.println("vrouter demo: this machine cannot run the demo: " + problems);
            return 1;
        }
        if (Files.exists(dataDir)) {
            System.out.println("vrouter demo: removing the previous demo in " + dataDir);
            cleanUp(dataDir);
        }
        if (hosts < 1 || hosts > 20) {
            System.err.println("vrouter demo: --hosts " + hosts + " is outside 1-20");
            return 2;
        }
        if (powerOff && (!ha || hosts < 3)) {
            System.err.println("vrouter demo: --power-off needs --ha and --hosts 3 or more (the pair on two hosts, the guest on a third)");
            return 2;
        }
        if (hosts > 1) {
            String reason = MultiHostLab.unavailableReason();
            if (reason != null) {
                System.err.println("vrouter demo: cannot build " + hosts + " hosts here: " + reason);
                return 1;
            }
            new MultiHostDemo(dataDir, port, hosts, ha, powerOff).run();
            return 0;
        }
        run(dataDir, port);
        return 0;
    }

    private void run(Path dataDir, int port) throws InterruptedException {
        InProcessHostAgent hostAgents = new InProcessHostAgent();
        ManagementNode node = new ManagementNode(new NodeOptions("127.0.0.1", port, dataDir, null, null, null, ADMIN_PASSWORD),
                Clock.SYSTEM, new InProcessAgentHost(), hostAgents);
        HostAgent hypervisor = hostAgents.startedAgent(dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        SeedWorld[] world = new SeedWorld[1];
        Thread cleanup = new Thread(() -> {
            System.out.println();
            System.out.println("vrouter demo: stopping; removing the guest, the router, the bridges and namespaces");
            quietly(() -> { if (world[0] != null) world[0].close(); });
            quietly(node::close);
            quietly(hypervisor::cleanAll);
            quietly(() -> FileTrees.delete(dataDir));
            stopped.countDown();
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            String url = node.start();
            say("management node at " + url + " (H2 in " + dataDir + ", netns backend, prefix " + hypervisor.names().prefix() + ")");
            if (hypervisor.settings().agentJar() == null) {
                throw new IllegalStateException("no agent jar: build it (mvn -pl agent package) or set " + HostAgentSettings.AGENT_JAR_ENV);
            }
            ApiClient api = ApiClient.forUrl(url).logIn(ADMIN_PASSWORD);
            world[0] = new SeedWorld(api, hypervisor, dataDir.resolve("outside"), this::step);
            SeedWorld w = world[0];

            step("CreateVmInstance name=demo-guest on the guest L3 (no router yet: the VirtualRouter provider creates one)");
            long t0 = System.nanoTime();
            JsonNode vm = w.userVm("demo-guest", w.guestL3);
            String vmUuid = vm.get("uuid").asText();
            say("VM " + vmUuid + " Running after " + ms(t0) + " ms, nic " + SeedWorld.ipOn(vm, w.guestL3));

            step("QueryVirtualRouterVm vmNics.l3NetworkUuid=<guest L3>: the router that appeared");
            JsonNode router = w.routersOn(w.guestL3).get(0);
            System.out.println(indent(router.toPrettyString()));

            step("inside the guest (ip netns exec " + hypervisor.namespaceOf(vmUuid) + " ...)");
            GuestProbe guest = w.probe(vmUuid);
            String address = GuestProbe.await(Duration.ofSeconds(60), guest::address);
            say("DHCP address from the router:  " + address + " (gateway " + guest.defaultGateway() + ", lease after "
                    + ms(t0) + " ms since CreateVmInstance)");
            say("resolver (/etc/netns/.../resolv.conf): " + guest.resolvConf().trim().replace('\n', ' '));
            String resolved = GuestProbe.await(Duration.ofSeconds(20), () -> guest.resolve(SeedWorld.OUTSIDE_NAME));
            say("dig " + SeedWorld.OUTSIDE_NAME + " through the router: " + resolved);
            String source = GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT));
            say("TCP to " + SeedWorld.OUTSIDE_IP + ":" + Outside.PORT + " on the public side: the outside saw " + source
                    + " (the router's public address " + SeedWorld.ipOn(router, w.publicL3) + ": SNAT)");
            showEipAndPortForwarding(w, vm, router);
            if (ha) {
                showHaPair(w, hypervisor);
            }

            System.out.println();
            System.out.println("The management node keeps running. Use the CLI against it from another terminal:");
            System.out.println("  export VROUTER_URL=" + url);
            cliHints(ADMIN_PASSWORD, router.get("uuid").asText()).forEach(words -> System.out.println("  ./vrouter cli " + String.join(" ", words)));
            System.out.println("  ip netns exec " + hypervisor.namespaceOf(vmUuid) + " dig " + SeedWorld.OUTSIDE_NAME);
            System.out.println("Or open the web console: " + url + "/ (account admin, password " + ADMIN_PASSWORD + ")");
            System.out.println("Ctrl-C stops the demo and removes everything it made.");
        } catch (RuntimeException e) {
            System.err.println("vrouter demo failed: " + e.getMessage());
            System.exit(1); // the shutdown hook cleans up
        }
        stopped.await();
    }

    /** The CLI commands the demo suggests at its end, as words; each must work against the demo's node (tested). */
    static List<List<String>> cliHints(String adminPassword, String routerUuid) {
        return List.of(
                List.of("LogInByAccount", "accountName=admin", "password=" + adminPassword),
                List.of("QueryVirtualRouterVm"),
                List.of("QueryVmInstance", "fields=name,state,vmNics.ip"),
                List.of("ReconnectVirtualRouter", "vmInstanceUuid=" + routerUuid));
    }

    /** The HA walkthrough ({@link HaDemo}) on this one host: the node's own host agent runs both routers and the guest. */
    private void showHaPair(SeedWorld w, HostAgent hypervisor) throws InterruptedException {
        new HaDemo(new HaDemo.Stage() {
            @Override
            public ApiClient api() {
                return w.api;
            }

            @Override
            public String haL3(String name, String cidr) {
                String l3 = w.guestL3(null, name, cidr, List.of("DHCP", "DNS", "SNAT"));
                w.api.ok("CreateSystemTag", java.util.Map.of("resourceType", "L3NetworkVO", "resourceUuid", l3, "tag", "virtualRouterHa::VRRP"));
                return l3;
            }

            @Override
            public JsonNode guest(String name, String l3) {
                return w.userVm(name, l3);
            }

            @Override
            public String namespaceOf(JsonNode vm) {
                return hypervisor.namespaceOf(vm.get("uuid").asText());
            }

            @Override
            public String where(JsonNode vm) {
                return "on this host";
            }

            @Override
            public String outsideNamespace() {
                return w.outside.namespace();
            }

            @Override
            public void powerOff(String hostUuid) {
                throw new UnsupportedOperationException("one host: --power-off needs --hosts");
            }

            @Override
            public void makeMasterOn(String l3, String hostUuid) {
                throw new UnsupportedOperationException("one host");
            }
        }, this::step).run(false);
    }

    /** An EIP and a forwarded port to a listener in the guest, reached from the outside world. */
    private void showEipAndPortForwarding(SeedWorld w, JsonNode vm, JsonNode router) {
        step("AttachNetworkServiceToL3Network Eip, PortForwarding; a TCP listener in the guest on port " + Outside.PORT);
        w.attach(w.guestL3, java.util.List.of("Eip", "PortForwarding"));
        String nic = vm.get("vmNics").get(0).get("uuid").asText();
        String guestIp = SeedWorld.ipOn(vm, w.guestL3);
        GuestProbe.startPeerRecorder(w.hypervisor.namespaceOf(vm.get("uuid").asText()), guestIp, Outside.PORT);
        GuestProbe outside = new GuestProbe(w.outside.namespace());

        step("CreateVip on the public L3, CreateEip vipUuid=... vmNicUuid=<the guest's nic>");
        JsonNode vip = w.api.inventory("CreateVip", "name", "demo-eip-vip", "l3NetworkUuid", w.publicL3);
        String vipIp = vip.get("ip").asText();
        w.api.inventory("CreateEip", "name", "demo-eip", "vipUuid", vip.get("uuid").asText(), "vmNicUuid", nic);
        say("from the public side, TCP to the EIP " + vipIp + ":" + Outside.PORT + ": the guest saw "
                + GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(vipIp, Outside.PORT)));
        GuestProbe guest = w.probe(vm.get("uuid").asText());
        say("from the guest, TCP to the public side: the outside now sees "
                + GuestProbe.await(Duration.ofSeconds(20), () -> guest.sourceSeenBy(SeedWorld.OUTSIDE_IP, Outside.PORT)) + " (the EIP)");

        step("CreateVip, CreatePortForwardingRule vipPortStart=2222 privatePortStart=" + Outside.PORT + " protocolType=TCP");
        JsonNode pfVip = w.api.inventory("CreateVip", "name", "demo-pf-vip", "l3NetworkUuid", w.publicL3);
        String pfIp = pfVip.get("ip").asText();
        w.api.inventory("CreatePortForwardingRule", "name", "demo-pf", "vipUuid", pfVip.get("uuid").asText(), "vipPortStart", 2222,
                "privatePortStart", Outside.PORT, "protocolType", "TCP", "vmNicUuid", nic);
        say("from the public side, TCP to " + pfIp + ":2222: the guest saw "
                + GuestProbe.await(Duration.ofSeconds(20), () -> outside.sourceSeenBy(pfIp, 2222)));
    }

    void step(String what) {
        System.out.printf("[%2d] %s%n", ++step, what);
    }

    static void say(String what) {
        System.out.println("     " + what);
    }

    private static String indent(String text) {
        return text.lines().map(l -> "     " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** What a killed demo left: its installation's namespaces, links and processes, then its data dir. */
    static void cleanUp(Path dataDir) {
        HostAgentSettings settings = HostAgentSettings.ofNodeHost(dataDir);
        if (Files.isRegularFile(settings.workDir().resolve("prefix"))) {
            HostAgent hypervisor = new HostAgent(settings);
            hypervisor.cleanAll();
            hypervisor.close();
        }
        FileTrees.delete(dataDir);
    }

    private static void quietly(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            System.err.println("vrouter demo: cleanup step failed (carrying on): " + e.getMessage());
        }
    }

}

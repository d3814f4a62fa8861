package io.vrouter.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vrouter.agent.lab.Lab;
import io.vrouter.agent.lab.RouterLab;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.AgentException;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.InitCmd;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.VipTO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The real agent in a namespace, driven over HTTP, proven with real packets (see {@link RouterLab} for the
 * topology). Tests run in order: each builds on the services the previous ones set up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class LinuxDataplaneTest {

    private static final String VIP_EIP = "203.0.113.10";
    private static final String VIP_PF = "203.0.113.11";
    private static final String GUEST1_IP = "10.1.0.5";
    private static final String GUEST2_IP = "10.1.0.6";

    private Path work;
    private RouterLab router;
    private Lab lab;
    private AgentClient client;

    @BeforeAll
    void setUp() throws IOException {
        String reason = Lab.unavailableReason("ip", "nft", "dnsmasq", "busybox", "conntrack", "dhcp_release");
        if (reason != null) {
            System.out.println("LinuxDataplaneTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        work = Files.createTempDirectory("vrouter-agent-it");
        router = RouterLab.create(work, true);
        lab = router.lab();
        try {
            startServers();
            router.startAgent(System.getProperty("java.class.path"), "debug");
            client = router.client(Duration.ofSeconds(20));
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    void tearDown() throws IOException {
        if (router == null) {
            return;
        }
        if (work != null && Files.exists(work.resolve("agent.log"))) {
            // kept for CI: the agent's own account of what it did
            Files.copy(work.resolve("agent.log"), Path.of("target", "linux-dataplane-test-agent.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (System.getenv("VROUTER_KEEP_LAB") != null) {
            System.out.println("VROUTER_KEEP_LAB: leaving lab " + router.lab().prefix() + " and " + work);
            return;
        }
        try {
            router.close();
        } finally {
            router = null;
            if (work != null) {
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Web servers that answer with the peer address, a DNS server on the "internet". */
    private void startServers() throws IOException {
        Path www = work.resolve("www");
        Files.createDirectories(www.resolve("cgi-bin"));
        Path cgi = www.resolve("cgi-bin/ip");
        Files.writeString(cgi, "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$REMOTE_ADDR\"\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        lab.spawn(router.internetNs(), work.resolve("inet-httpd.log"), "busybox", "httpd", "-f", "-p",
                RouterLab.INTERNET_IP + ":8080", "-h", www.toString());
        lab.spawn(router.internetNs(), work.resolve("inet-dns.log"), "dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-hosts", "--no-resolv", "--bind-interfaces",
                "--listen-address=" + RouterLab.INTERNET_IP, "--address=/example.test/203.0.113.77",
                "--pid-file=" + work.resolve("inet-dns.pid"), "--user=root", "--log-facility=-");
        for (String port : new String[] {"80", "9000", "9001"}) {
            lab.spawn(router.guestNs(), work.resolve("guest-httpd-" + port + ".log"), "busybox", "httpd", "-f",
                    "-p", port, "-h", www.toString());
        }
        Path udhcpcScript = work.resolve("udhcpc.sh");
        // our own udhcpc script: configures the nic, and writes what it got to a file of ours (no host file)
        Files.writeString(udhcpcScript, "#!/bin/sh\n"
                + "case \"$1\" in\n"
                + "  bound|renew)\n"
                + "    ip addr flush dev \"$interface\"\n"
                + "    ip addr add \"$ip/$mask\" dev \"$interface\"\n"
                + "    [ -n \"$router\" ] && ip route replace default via \"$router\" dev \"$interface\"\n"
                + "    { echo \"ip=$ip\"; echo \"mask=$mask\"; echo \"router=$router\"; echo \"dns=$dns\";"
                + " echo \"domain=$domain\"; echo \"mtu=$mtu\"; echo \"hostname=$hostname\"; } > \"$LEASE_OUT\"\n"
                + "    [ -n \"$dns\" ] && [ -n \"$RESOLV_OUT\" ] && for d in $dns; do echo \"nameserver $d\"; done"
                + " > \"$RESOLV_OUT\"\n"
                + "    ;;\n"
                + "esac\nexit 0\n");
        Files.setPosixFilePermissions(udhcpcScript, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    // ---------------------------------------------------------------- helpers

    private static NicInfo publicNic() {
        return new NicInfo(RouterLab.PUBLIC_IP, RouterLab.PUBLIC_MAC, RouterLab.INTERNET_IP, "255.255.255.0", true,
                "Public", "L2NoVlanNetwork", null, 1500);
    }

    private static NicInfo guestNic() {
        return new NicInfo(RouterLab.GUEST_GATEWAY, RouterLab.GUEST_MAC, null, "255.255.255.0", false, "Private",
                "L2NoVlanNetwork", null, 1500);
    }

    private static DhcpInfo dhcp(String ip, String mac, String hostname) {
        return new DhcpInfo(ip, mac, "255.255.255.0", RouterLab.GUEST_GATEWAY, List.of(RouterLab.GUEST_GATEWAY),
                hostname, RouterLab.GUEST_MAC, "vr.test", true, 1450);
    }

    private static PortForwardingRuleTO pf(String uuid, int vipStart, int vipEnd, int privStart, int privEnd,
            String allowed) {
        return new PortForwardingRuleTO(uuid, vipStart, vipEnd, privStart, privEnd, "TCP", VIP_PF,
                RouterLab.PUBLIC_MAC, GUEST1_IP, RouterLab.GUEST_MAC, allowed, false);
    }

    private Map<String, String> lease(String ns, String name) throws IOException {
        Path out = work.resolve(name + ".lease");
        Path resolv = lab.etcOf(ns).resolve("resolv.conf");
        CommandResult result = lab.tryExec(ns, "env", "LEASE_OUT=" + out, "RESOLV_OUT=" + resolv, "busybox",
                "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "5", "-T", "1", "-O", "mtu", "-s",
                work.resolve("udhcpc.sh").toString());
        assertThat(result.exitCode()).as("udhcpc output: %s %s", result.stdout(), result.stderr()).isZero();
        Map<String, String> values = new TreeMap<>();
        for (String line : Files.readAllLines(out)) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1).trim());
        }
        return values;
    }

    /** The peer address the web server at {@code url} saw, or null if it could not be reached. */
    private String fetch(String ns, String url) {
        // coreutils timeout: busybox wget's own -T crashes (1.35) when combined with -q
        CommandResult result = lab.tryExec(ns, "timeout", "3", "busybox", "wget", "-q", "-O", "-", url);
        // a server listening on :: reports IPv4 peers as [::ffff:a.b.c.d]
        return result.succeeded() ? result.stdout().strip().replace("[::ffff:", "").replace("]", "") : null;
    }

    private String ruleset() {
        return lab.exec(router.routerNs(), "nft", "list", "ruleset").stdout();
    }

    private Map<String, String> dnsmasqFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        Path dir = work.resolve("agent-data/dnsmasq");
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".log")
                    && !p.toString().endsWith("leases")).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p) + "@" + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    // ---------------------------------------------------------------- the tests

    @Test
    @Order(1)
    void guestGetsItsStaticAddressRouterAndDnsFromDhcp() throws IOException {
        client.init(new InitCmd("vr-uuid-1", null, "info", List.of(), Map.of()));
        client.configureNics(List.of(publicNic(), guestNic()));
        client.setDns(List.of(new DnsInfo(RouterLab.INTERNET_IP, null)));
        client.addDhcp(List.of(dhcp(GUEST1_IP, RouterLab.GUEST1_MAC, "web1")), true);
        client.addDhcp(List.of(dhcp(GUEST2_IP, RouterLab.GUEST2_MAC, null)), false);

        Map<String, String> lease = lease(router.guestNs(), "guest1");
        assertThat(lease).containsEntry("ip", GUEST1_IP).containsEntry("mask", "24")
                .containsEntry("router", RouterLab.GUEST_GATEWAY).containsEntry("dns", RouterLab.GUEST_GATEWAY)
                .containsEntry("domain", "vr.test").containsEntry("mtu", "1450");
        assertThat(lease(router.guest2Ns(), "guest2")).containsEntry("ip", GUEST2_IP);
        assertThat(client.ping("vr-uuid-1").uuid()).isEqualTo("vr-uuid-1");
    }

    @Test
    @Order(1)
    void kernelIsReachedInProcessNotThroughAProcessPerCommand() throws IOException {
        // the process fallbacks work too, but cost 12+ ms per command: a silent fallback is a regression
        String log = Files.readString(router.agent().log());
        assertThat(log).contains("nftables through libnftables in the agent's process")
                .contains("nftables element changes over the agent's own netlink socket")
                .contains("connection tracking through libnetfilter_conntrack in the agent's process");
    }

    @Test
    @Order(2)
    void theAgentPortIsClosedToGuestsAndToTheManagementL3ButTheNode() {
        String agent = router.managementIp();
        int port = AgentPaths.DEFAULT_PORT;
        // a guest routes to the management address through the router's guest nic: dropped there
        CommandResult fromGuest = lab.tryExec(router.guestNs(), "timeout", "3", "busybox", "sh", "-c",
                "busybox nc " + agent + " " + port + " </dev/null");
        assertThat(fromGuest.succeeded()).as("a guest connects to the agent port: %s", fromGuest).isFalse();
        // the guest does reach the router itself (so the failure above is the agent port's rule)
        assertThat(lab.tryExec(router.guestNs(), "busybox", "ping", "-c", "1", "-W", "2", agent).succeeded()).isTrue();
        // another member of the management L3 (a flat network's guest): dropped by source
        assertThat(connects(router.managementPeerIp(), agent, port)).as("from the management L3's other member").isFalse();
        // the management node's address still gets through
        assertThat(connects(router.hostIp(), agent, port)).as("from the management node").isTrue();
        assertThat(client.ping("vr-uuid-1").uuid()).isEqualTo("vr-uuid-1");
    }

    /** A TCP connection from {@code source} (an address of this namespace) within 2 s. */
    private static boolean connects(String source, String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(source, 0));
            socket.connect(new java.net.InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @Order(2)
    void guestResolvesNamesThroughTheRouter() {
        // through the resolv.conf the guest's DHCP client wrote: the router, which forwards to the "internet"
        CommandResult external = lab.exec(router.guestNs(), "busybox", "nslookup", "example.test");
        assertThat(external.stdout()).contains("203.0.113.77");
        // another guest's name, from the router's own host list
        CommandResult neighbour = lab.exec(router.guest2Ns(), "busybox", "nslookup", "web1.vr.test",
                RouterLab.GUEST_GATEWAY);
        assertThat(neighbour.stdout()).contains(GUEST1_IP);
        CommandResult byIp = lab.exec(router.guestNs(), "busybox", "nslookup", "10-1-0-6", RouterLab.GUEST_GATEWAY);
        assertThat(byIp.stdout()).contains(GUEST2_IP);
    }

    @Test
    @Order(3)
    void guestReachesTheInternetWithThePublicIpAsSource() {
        String url = "http://" + RouterLab.INTERNET_IP + ":8080/cgi-bin/ip";
        assertThat(fetch(router.guestNs(), url)).as("no SNAT yet").isNull();
        client.setSnat(new SNATInfo(RouterLab.PUBLIC_MAC, RouterLab.PUBLIC_IP, RouterLab.GUEST_MAC,
                RouterLab.GUEST_GATEWAY, RouterLab.GUEST_GATEWAY, "255.255.255.0"));
        assertThat(fetch(router.guestNs(), url)).isEqualTo(RouterLab.PUBLIC_IP);
    }

    @Test
    @Order(4)
    void guestIsReachedOnItsEipAndLeavesWithIt() {
        client.createVips(List.of(new VipTO(VIP_EIP, "255.255.255.0", RouterLab.INTERNET_IP, RouterLab.PUBLIC_MAC,
                "vip-1"), new VipTO(VIP_PF, "255.255.255.0", RouterLab.INTERNET_IP, RouterLab.PUBLIC_MAC, "vip-2")));
        String url = "http://" + VIP_EIP + "/cgi-bin/ip";
        assertThat(fetch(router.internetNs(), url)).as("no EIP yet").isNull();

        client.createEip(new EipTO(VIP_EIP, RouterLab.GUEST_MAC, RouterLab.PUBLIC_MAC, GUEST1_IP, false));
        assertThat(fetch(router.internetNs(), url)).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(fetch(router.guestNs(), "http://" + RouterLab.INTERNET_IP + ":8080/cgi-bin/ip"))
                .as("outbound traffic of a guest with an EIP leaves with the EIP").isEqualTo(VIP_EIP);
        // hairpin: the other guest, on the same network, reaches the EIP too
        assertThat(fetch(router.guest2Ns(), url)).isEqualTo(RouterLab.GUEST_GATEWAY);
    }

    @Test
    @Order(5)
    void guestIsReachedOnForwardedPortsOnlyFromAllowedSources() {
        client.createPortForwarding(List.of(
                pf("pf-shift", 8000, 8000, 80, 80, null),
                pf("pf-range", 9000, 9001, 9000, 9001, null),
                pf("pf-denied", 7000, 7000, 80, 80, "198.51.100.0/24"),
                pf("pf-allowed", 7001, 7001, 80, 80, "203.0.113.0/24")));
        String vip = "http://" + VIP_PF;
        assertThat(fetch(router.internetNs(), vip + ":8000/cgi-bin/ip")).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(fetch(router.internetNs(), vip + ":9000/cgi-bin/ip")).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(fetch(router.internetNs(), vip + ":9001/cgi-bin/ip")).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(fetch(router.internetNs(), vip + ":7001/cgi-bin/ip")).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(fetch(router.internetNs(), vip + ":7000/cgi-bin/ip")).as("outside allowedCidr").isNull();
        assertThat(fetch(router.internetNs(), vip + ":8001/cgi-bin/ip")).as("no rule").isNull();
    }

    @Test
    @Order(6)
    void sameStateTwiceChangesNeitherRulesetNorFiles() throws IOException {
        String rules = ruleset();
        Map<String, String> files = dnsmasqFiles();
        long dnsmasqPid = dnsmasqPid();
        var status = client.status();

        client.syncPortForwarding(status.portForwardingRules());
        client.syncEips(status.eips());
        client.addDhcp(status.dhcpEntries(), true);
        client.syncSnat(status.snats(), true);
        client.syncVips(status.vips());
        client.configureNics(status.nics());
        client.setDns(status.dns());

        assertThat(ruleset()).isEqualTo(rules);
        assertThat(dnsmasqFiles()).isEqualTo(files);
        assertThat(dnsmasqPid()).isEqualTo(dnsmasqPid);
    }

    @Test
    @Order(7)
    void aRejectedCommandChangesNothing() {
        String rules = ruleset();
        assertThatThrownBy(() -> client.createPortForwarding(List.of(pf("pf-bad", 100, 90, 100, 90, null))))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining("rules[0]: vipPortStart 100 is after vipPortEnd 90");
        // plain HTTP to a TLS agent: no session, nothing read
        AgentClient plain = io.vrouter.agent.protocol.AgentClient.create(
                "http://" + router.managementIp() + ":7272", router.secret(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> plain.syncPortForwarding(List.of())).isInstanceOf(AgentException.class);
        // the node's certificate but the wrong secret: 401
        AgentClient intruder = new AgentClient(AgentClient.newHttpClient(Duration.ofSeconds(5),
                io.vrouter.agent.tls.AgentTls.nodeContext(router.authority().issue(
                        io.vrouter.agent.tls.PeerRole.MANAGEMENT_NODE, "node", List.of()))),
                router.agentUrl(), "not-the-secret", Duration.ofSeconds(5));
        assertThatThrownBy(() -> intruder.syncPortForwarding(List.of()))
                .isInstanceOf(AgentException.class).hasMessageContaining("(HTTP 401)");
        assertThat(ruleset()).isEqualTo(rules);
    }

    @Test
    @Order(8)
    void removingAnEipOrRuleEndsReachabilityAndItsConnections() {
        String eipUrl = "http://" + VIP_EIP + "/cgi-bin/ip";
        assertThat(fetch(router.internetNs(), eipUrl)).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(conntrackEntries(VIP_EIP)).isPositive();

        client.removeEip(new EipTO(VIP_EIP, RouterLab.GUEST_MAC, RouterLab.PUBLIC_MAC, GUEST1_IP, false));
        assertThat(conntrackEntries(VIP_EIP)).as("conntrack entries of the EIP").isZero();
        assertThat(fetch(router.internetNs(), eipUrl)).isNull();

        String pfUrl = "http://" + VIP_PF + ":8000/cgi-bin/ip";
        assertThat(fetch(router.internetNs(), pfUrl)).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(conntrackEntriesToPort(VIP_PF, 8000)).isPositive();
        client.revokePortForwarding(List.of(pf("pf-shift", 8000, 8000, 80, 80, null)));
        assertThat(conntrackEntriesToPort(VIP_PF, 8000)).as("conntrack entries of the rule").isZero();
        assertThat(fetch(router.internetNs(), pfUrl)).isNull();
        assertThat(fetch(router.internetNs(), "http://" + VIP_PF + ":9000/cgi-bin/ip"))
                .as("the other rules stay").isEqualTo(RouterLab.INTERNET_IP);
    }

    @Test
    @Order(9)
    void dnsmasqIsRestartedWhenItDies() {
        long pid = dnsmasqPid();
        assertThat(pid).as("dnsmasq's pid").isGreaterThan(1);
        // by handle, never by a pid string that could read -1 (kill -9 -1 ends every process)
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> dnsmasqPid() > 0 && dnsmasqPid() != pid);
        assertThat(lab.exec(router.guest2Ns(), "busybox", "nslookup", "web1", RouterLab.GUEST_GATEWAY).stdout())
                .contains(GUEST1_IP);
    }

    @Test
    @Order(10)
    void removingADhcpHostReleasesItsLease() throws IOException {
        Path leases = work.resolve("agent-data/dnsmasq/leases");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(leases).contains(GUEST2_IP));
        client.removeDhcp(List.of(dhcp(GUEST2_IP, RouterLab.GUEST2_MAC, null)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(leases).contains(GUEST2_IP));
        assertThat(lab.tryExec(router.guest2Ns(), "busybox", "nslookup", "10-1-0-6", RouterLab.GUEST_GATEWAY)
                .stdout()).doesNotContain(GUEST2_IP);
    }

    @Test
    @Order(11)
    void agentPortIsReachableOnlyFromTheManagementNic() {
        String echo = ":" + 7272 + "/echo";
        assertThat(client.echo().success()).as("from the management network").isTrue();
        // a guest routes through the router: its packet to the management address arrives on the guest nic
        assertThat(fetch(router.guestNs(), "http://" + router.managementIp() + echo)).isNull();
        assertThat(fetch(router.guestNs(), "http://" + RouterLab.GUEST_GATEWAY + echo)).isNull();
        assertThat(fetch(router.internetNs(), "http://" + RouterLab.PUBLIC_IP + echo)).isNull();
    }

    @Test
    @Order(12)
    void initReappliesWhatWasChangedBehindTheAgentsBack() {
        String rules = ruleset();
        String pfUrl = "http://" + VIP_PF + ":9000/cgi-bin/ip";
        assertThat(fetch(router.internetNs(), pfUrl)).isEqualTo(RouterLab.INTERNET_IP);

        // syncs are applied as deltas while the agent knows the kernel matches; only /init re-checks that, every
        // time (twice here: the second /init renders the same table as the first and must still apply it)
        for (int round = 1; round <= 2; round++) {
            lab.exec(router.routerNs(), "nft", "flush", "map", "ip", "vrouter", "pf_dnat");
            assertThat(fetch(router.internetNs(), pfUrl)).as("map flushed by hand, round " + round).isNull();

            client.init(new InitCmd("vr-uuid-1", null, "info", List.of(), Map.of()));
            assertThat(ruleset()).as("round " + round).isEqualTo(rules);
            assertThat(fetch(router.internetNs(), pfUrl)).as("round " + round).isEqualTo(RouterLab.INTERNET_IP);
        }
    }

    @Test
    @Order(13)
    void aRefusedElementChangeNamesTheElementAndChangesNothing() {
        String rules = ruleset();
        String pfUrl = "http://" + VIP_PF + ":9001/cgi-bin/ip";
        // behind the agent's back: the kernel no longer holds the elements the agent will delete
        lab.exec(router.routerNs(), "nft", "delete", "element", "ip", "vrouter", "pf_dnat",
                "{ tcp . " + VIP_PF + " . 9000 }");

        assertThatThrownBy(() -> client.revokePortForwarding(List.of(pf("pf-range", 9000, 9001, 9000, 9001, null))))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining("delete element tcp . " + VIP_PF + " . 9000 in pf_dnat")
                .hasMessageContaining("No such file or directory");
        // the batch is one transaction: the other port of the rule was not deleted either
        assertThat(fetch(router.internetNs(), pfUrl)).isEqualTo(RouterLab.INTERNET_IP);
        assertThat(client.status().portForwardingRules()).extracting(PortForwardingRuleTO::uuid).contains("pf-range");

        client.init(new InitCmd("vr-uuid-1", null, "info", List.of(), Map.of()));
        assertThat(ruleset()).as("the table incremental changes built equals the one /init writes whole")
                .isEqualTo(rules);
    }

    @Test
    @Order(14)
    void aNicWhoseAddressChangesLosesTheOldOne() {
        // what a VRRP pair's last router does when it becomes its L3's plain router: its guest nic takes the gateway
        String other = "10.1.0.77";
        NicInfo moved = new NicInfo(other, RouterLab.GUEST_MAC, null, "255.255.255.0", false, "Private", "L2NoVlanNetwork", null, 1500);
        try {
            client.configureNics(List.of(publicNic(), moved));
            String addresses = lab.exec(router.routerNs(), "ip", "-4", "-o", "addr", "show").stdout();
            assertThat(addresses).contains(" " + other + "/24").doesNotContain(" " + RouterLab.GUEST_GATEWAY + "/24");
        } finally {
            client.configureNics(List.of(publicNic(), guestNic()));
        }
        String addresses = lab.exec(router.routerNs(), "ip", "-4", "-o", "addr", "show").stdout();
        assertThat(addresses).contains(" " + RouterLab.GUEST_GATEWAY + "/24").doesNotContain(" " + other + "/24");
        assertThat(fetch(router.guestNs(), "http://" + RouterLab.INTERNET_IP + ":8080/cgi-bin/ip")).as("the guest goes out again").isNotNull();
    }

    private int conntrackEntries(String address) {
        CommandResult orig = lab.tryExec(router.routerNs(), "conntrack", "-L", "-d", address);
        CommandResult reply = lab.tryExec(router.routerNs(), "conntrack", "-L", "-q", address);
        return (int) (orig.stdout().lines().filter(l -> !l.isBlank()).count()
                + reply.stdout().lines().filter(l -> !l.isBlank()).count());
    }

    private int conntrackEntriesToPort(String address, int port) {
        CommandResult result = lab.tryExec(router.routerNs(), "conntrack", "-L", "-p", "tcp", "-d", address,
                "--dport", Integer.toString(port));
        return (int) result.stdout().lines().filter(l -> !l.isBlank()).count();
    }

    private long dnsmasqPid() {
        try {
            return Long.parseLong(Files.readString(work.resolve("agent-data/dnsmasq/dnsmasq.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}

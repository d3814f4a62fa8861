package io.vrouter.hostagent.lab;

import io.vrouter.hostagent.HostCheck;
import io.vrouter.hostagent.HostTesting;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hosts on one machine, as root: each host a network namespace with its own host agent process, its "physical"
 * interfaces veth pairs into two underlay bridges in the initial namespace that play the datacenter network: a
 * management underlay ({@code eth0} of every host, with the host's management address; the machine's own address
 * there is how a management node in the initial namespace reaches the hosts, and nothing else) and a data underlay
 * ({@code eth1}, no address: the hosts' L2 networks go over it, bridged or VLAN-tagged).
 *
 * <p>Names: everything starts with the lab's prefix {@code p} (unique per lab): bridges {@code <p>um} (eth0) and
 * {@code <p>u1}-{@code <p>u3} (eth1-eth3, three data networks: a kernel without 8021q has no VLANs, so each L2 gets
 * an interface of its own there); host {@code i}'s namespace {@code <p>h<i>}, its veths {@code <p>e<i><n>} (their
 * host ends named {@code eth<n>}); its agent names everything it makes {@code <p><i>...} ({@code --name-prefix}), so
 * {@code /run/netns}, which all hosts share, tells them apart. {@link #close} removes all of it, also after a failure,
 * and stops every process the lab or its agents started.
 */
public final class MultiHostLab implements AutoCloseable {
    /** A host of the lab. */
    public record Host(int index, String namespace, String managementIp, int agentPort, String secret, Path dataDir,
                       String namePrefix) {
        /** The host's management address and the agent's port: what {@code AddNetnsHost} takes. */
        public String agentUrl() {
            return "http://" + managementIp + ":" + agentPort;
        }
    }

    public static final String MANAGEMENT_INTERFACE = "eth0";
    public static final String DATA_INTERFACE = "eth1";
    /** Every host's "physical" interfaces: eth0 on the management underlay, eth1-eth3 each on a data underlay of its own. */
    public static final List<String> INTERFACES = List.of("eth0", "eth1", "eth2", "eth3");
    public static final int AGENT_PORT = 7070;

    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
    private final String prefix;
    private final Path workDir;
    private final Path hostAgentJar;
    private final Path agentJar;
    private final String managementNet; // a.b.c (the /24)
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> agents = new ArrayList<>();
    private final List<String> extraLinks = new ArrayList<>();
    /** The VTEP network ({@link #addVtepNetwork}): the hosts' interface on it and its a.b.c, or null. */
    private String vtepInterface;
    private String vtepNet;

    private MultiHostLab(String prefix, Path workDir, Path hostAgentJar, Path agentJar, String managementNet) {
        this.prefix = prefix;
        this.workDir = workDir;
        this.hostAgentJar = hostAgentJar;
        this.agentJar = agentJar;
        this.managementNet = managementNet;
    }

    /** Null when a lab can be built here, else why not. */
    public static String unavailableReason() {
        String problems = new HostCheck().problems();
        if (problems != null) {
            return "needs a Netns-capable machine: " + problems;
        }
        if (hostAgentJar() == null) {
            return "needs the host agent jar hostagent/target/vrouter-host-agent.jar (mvn -pl hostagent -am package)";
        }
        if (HostTesting.agentJar() == null) {
            return "needs the agent jar agent/target/vrouter-agent.jar (mvn -pl agent -am package)";
        }
        return null;
    }

    /** The host agent jar: {@code $VROUTER_HOST_AGENT_JAR}, else the build's. */
    public static Path hostAgentJar() {
        String env = System.getenv("VROUTER_HOST_AGENT_JAR");
        if (env != null && Files.isRegularFile(Path.of(env))) {
            return Path.of(env).toAbsolutePath();
        }
        return HostTesting.hostAgentJar();
    }

    /** An empty lab (the two underlays) with a fresh prefix; its files under {@code workDir}. */
    public static MultiHostLab create(Path workDir) {
        String prefix = freePrefix();
        MultiHostLab lab = new MultiHostLab(prefix, workDir, hostAgentJar(), agentJarPath(), freeSubnet());
        try {
            lab.check("ip", "link", "add", lab.managementBridge(), "type", "bridge");
            lab.check("ip", "addr", "add", lab.managementNet + ".1/24", "dev", lab.managementBridge());
            lab.check("ip", "link", "set", lab.managementBridge(), "up");
            for (String ifname : INTERFACES.subList(1, INTERFACES.size())) {
                lab.check("ip", "link", "add", lab.underlay(ifname), "type", "bridge");
                lab.check("ip", "link", "set", lab.underlay(ifname), "up");
            }
            for (String ifname : INTERFACES) {
                lab.runner.run(List.of("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + lab.underlay(ifname) + "/disable_ipv6"), null);
            }
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private static Path agentJarPath() {
        String env = System.getenv("VROUTER_AGENT_JAR");
        return env != null && Files.isRegularFile(Path.of(env)) ? Path.of(env).toAbsolutePath() : HostTesting.agentJar();
    }

    public String prefix() {
        return prefix;
    }

    /** The bridge of the management underlay, in the initial namespace (it holds {@link #nodeAddress()}). */
    public String managementBridge() {
        return prefix + "um";
    }

    /** The bridge of the data underlay, in the initial namespace (no address). */
    public String dataBridge() {
        return underlay(DATA_INTERFACE);
    }

    /** The underlay bridge every host's interface {@code ifname} is plugged into ({@code <p>um} for eth0, {@code <p>u<n>}). */
    public String underlay(String ifname) {
        return ifname.equals(MANAGEMENT_INTERFACE) ? managementBridge() : prefix + "u" + ifname.substring(3);
    }

    /**
     * Whether this kernel makes VLAN devices (8021q): without it a VLAN L2 cannot cross hosts, and the lab's users
     * put each L2 on an interface of its own.
     */
    public boolean vlanSupported() {
        String probe = prefix + "vt";
        boolean made = runner.run(List.of("ip", "link", "add", "link", managementBridge(), "name", probe, "type", "vlan", "id", "2"), null)
                .succeeded();
        runner.run(List.of("ip", "link", "del", probe), null);
        return made;
    }

    /** The address of this machine (the management node's) on the management underlay. */
    public String nodeAddress() {
        return managementNet + ".1";
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** A new host: its namespace, interfaces and agent process, answering when this returns. */
    public synchronized Host addHost() {
        int i = hosts.size() + 1;
        String ns = prefix + "h" + i;
        String ip = managementNet + "." + (10 + i);
        Path dir = workDir.resolve("host" + i);
        check("ip", "netns", "add", ns);
        check("ip", "-n", ns, "link", "set", "lo", "up");
        for (String ifname : INTERFACES) {
            plugHost(ns, prefix + "e" + i + ifname.substring(3), ifname, underlay(ifname));
        }
        check("ip", "-n", ns, "addr", "add", ip + "/24", "dev", MANAGEMENT_INTERFACE);
        String secret = randomHex(24);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("secret"), secret + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the secret of host " + i + ": " + e, e);
        }
        Host host = new Host(i, ns, ip, AGENT_PORT, secret, dir, prefix + i);
        hosts.add(host);
        if (vtepInterface != null) {
            plugIntoVtepNetwork(host);
        }
        startAgent(host);
        return host;
    }

    private void plugHost(String ns, String rootEnd, String hostEnd, String bridge) {
        check("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", hostEnd, "netns", ns);
        check("ip", "link", "set", rootEnd, "master", bridge, "up");
        check("ip", "-n", ns, "link", "set", hostEnd, "up");
    }

    /**
     * A data network for VXLAN: every host, those added later too, gets interface {@code ifname} (e.g. {@code eth4})
     * on an underlay bridge of its own ({@link #underlay}) with the address {@code a.b.c.(10 + i)/24} of a free /24 of
     * 198.18.0.0/15, its VTEP address. Returns the network's cidr (the VXLAN pool's VTEP cidr).
     */
    public synchronized String addVtepNetwork(String ifname) {
        if (vtepInterface != null) {
            throw new IllegalStateException("the lab has a VTEP network already, on " + vtepInterface);
        }
        String routes = runner.run(List.of("ip", "-4", "route", "show", "table", "all"), null).stdout();
        String net = null;
        for (int attempt = 0; attempt < 100 && net == null; attempt++) {
            String candidate = "198." + (18 + ThreadLocalRandom.current().nextInt(2)) + "." + ThreadLocalRandom.current().nextInt(256);
            if (!routes.contains(candidate + ".")) {
                net = candidate;
            }
        }
        if (net == null) {
            throw new IllegalStateException("no free /24 in 198.18.0.0/15");
        }
        check("ip", "link", "add", underlay(ifname), "type", "bridge");
        check("ip", "link", "set", underlay(ifname), "up");
        runner.run(List.of("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + underlay(ifname) + "/disable_ipv6"), null);
        vtepInterface = ifname;
        vtepNet = net;
        for (Host host : hosts) {
            plugIntoVtepNetwork(host);
        }
        return net + ".0/24";
    }

    /** Host {@code host}'s address on the VTEP network ({@link #addVtepNetwork}). */
    public String vtepAddress(Host host) {
        return vtepNet + "." + (10 + host.index());
    }

    private void plugIntoVtepNetwork(Host host) {
        plugHost(host.namespace(), prefix + "e" + host.index() + vtepInterface.substring(3), vtepInterface, underlay(vtepInterface));
        check("ip", "-n", host.namespace(), "addr", "add", vtepAddress(host) + "/24", "dev", vtepInterface);
    }

    /** Starts the host's agent process (in the host's namespace) and waits until it answers. */
    public synchronized void startAgent(Host host) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // nsenter, not `ip netns exec`: the agent keeps the machine's mount namespace, so the namespaces it makes
        // (bind mounts under /run/netns) are seen by everyone, as on a real host
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + host.namespace(), java, "-XX:+UseSerialGC", "-Xmx128m",
                "-XX:TieredStopAtLevel=1"));
        // the router agents' start settings given to the lab's JVM reach its host agents (benchmarks compare them)
        for (String property : List.of("vrouter.netns.spareAgents", "vrouter.netns.agentClassArchive")) {
            if (System.getProperty(property) != null) {
                argv.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        argv.addAll(List.of("-jar", hostAgentJar.toString(),
                "--listen", host.managementIp() + ":" + host.agentPort(), "--data-dir", host.dataDir().toString(),
                "--secret-file", host.dataDir().resolve("secret").toString(), "--name-prefix", host.namePrefix(),
                "--agent-jar", agentJar.toString()));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(host.dataDir().resolve("agent.log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            agents.add(p);
            awaitListening(host, p, Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the agent of host " + host.index() + ": " + e, e);
        }
    }

    /** SIGKILLs the host's agent process (what it started keeps running, as on a real host). */
    public synchronized void killAgent(Host host) {
        for (Process p : List.copyOf(agents)) {
            if (p.isAlive() && p.info().arguments().map(a -> List.of(a).contains(host.namePrefix())).orElse(false)) {
                p.destroyForcibly();
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                agents.remove(p);
            }
        }
    }

    /**
     * Waits until the agent of every host has its warm spare router agents ready, as on a host that has run for a
     * while (benchmarks measure router starts from then); nothing when spares are off. False after {@code timeout}.
     */
    public boolean awaitSpareAgents(Duration timeout) {
        int wanted = Integer.getInteger(io.vrouter.hostagent.HostAgentSettings.SPARE_AGENTS_PROPERTY,
                io.vrouter.hostagent.HostAgentSettings.DEFAULT_SPARE_AGENTS);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Host host : hosts()) {
            Path spares = host.dataDir().resolve("netns").resolve("spares");
            while (readySpares(spares) < wanted) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static long readySpares(Path spares) {
        if (!Files.isDirectory(spares)) {
            return 0;
        }
        try (var dirs = Files.list(spares)) {
            return dirs.filter(d -> Files.exists(d.resolve("ready"))).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The host loses its power: every process of the host dies at once (its agent, the router agents, keepalived,
     * dnsmasq, the guests' DHCP clients), and the host's namespace and every namespace its agent made are deleted
     * (the VMs with their kernels' state: no ARP answer, no forwarding; their veths and the host's links to the
     * underlays go with them). Nothing says goodbye: the links drop first, so no process can send a last packet. The
     * host cannot be started again.
     */
    public synchronized void powerOff(Host host) {
        for (String ifname : INTERFACES) {
            runner.run(List.of("ip", "link", "set", prefix + "e" + host.index() + ifname.substring(3), "down"), null);
        }
        killAgent(host);
        List<String> its = namespaces().stream().filter(ns -> ns.equals(host.namespace()) || madeBy(host, ns)).toList();
        its.forEach(this::killAllIn);
        for (String ns : its) {
            runner.run(List.of("ip", "netns", "del", ns), null);
            runner.run(List.of("rm", "-rf", "/etc/netns/" + ns), null);
        }
    }

    /** Whether namespace {@code ns} is one the host's agent made (its fabric, its VMs', its extras, its warm spares). */
    private static boolean madeBy(Host host, String ns) {
        String p = host.namePrefix();
        return ns.equals(p + "fabric") || ns.startsWith(p + "-") || ns.startsWith(p + "x")
                || new io.vrouter.hostagent.NetnsNames(p).ownsSpareNamespace(ns);
    }

    /**
     * Cuts the host off the datacenter network (its links to every underlay down, at the switch's end): its agent
     * and its namespaces keep running, nothing reaches them and they reach nothing. {@link #reconnect} undoes it.
     */
    public synchronized void cutOff(Host host) {
        for (String ifname : INTERFACES) {
            check("ip", "link", "set", prefix + "e" + host.index() + ifname.substring(3), "down");
        }
    }

    /** Plugs a host cut off by {@link #cutOff} back into every underlay. */
    public synchronized void reconnect(Host host) {
        for (String ifname : INTERFACES) {
            check("ip", "link", "set", prefix + "e" + host.index() + ifname.substring(3), "up");
        }
    }

    private void awaitListening(Host host, Process p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the agent of host " + host.index() + " exited: " + log(host));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host.managementIp(), host.agentPort()), 500);
                return;
            } catch (IOException e) {
                sleep(200);
            }
        }
        throw new IllegalStateException("the agent of host " + host.index() + " did not listen within " + timeout.toSeconds() + " s: "
                + log(host));
    }

    /** What the host's agent printed. */
    public String log(Host host) {
        try {
            return Files.readString(host.dataDir().resolve("agent.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Gives this machine an address on a VLAN of the management underlay ({@code <p>uv<vlan>}): how the management
     * node reaches routers whose management L2 is that VLAN over the hosts' {@value #MANAGEMENT_INTERFACE}.
     */
    public void addManagementVlanAddress(int vlan, String cidr) {
        String link = prefix + "uv" + vlan;
        check("ip", "link", "add", "link", managementBridge(), "name", link, "type", "vlan", "id", Integer.toString(vlan));
        extraLinks.add(link);
        check("ip", "addr", "add", cidr, "dev", link);
        check("ip", "link", "set", link, "up");
    }

    /** Gives this machine an address on the underlay of the hosts' {@code ifname} (untagged). */
    public void addUnderlayAddress(String ifname, String cidr) {
        check("ip", "addr", "add", cidr, "dev", underlay(ifname));
    }

    /** Plugs {@code eth0} of namespace {@code ns} into the underlay of the hosts' {@code ifname} (untagged): e.g. the outside. */
    public void plugIntoUnderlay(String ifname, String ns, String rootEnd) {
        check("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
        extraLinks.add(rootEnd);
        check("ip", "link", "set", rootEnd, "master", underlay(ifname), "up");
        check("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    /** A name of the lab for something of the caller's (a namespace, a link): {@code <p>x<suffix>}. */
    public String extra(String suffix) {
        return prefix + "x" + suffix;
    }

    /** Stops every agent and what they started, removes every namespace and link of the lab; every step runs. */
    @Override
    public synchronized void close() {
        for (Process p : agents) {
            p.destroyForcibly();
        }
        for (String ns : namespaces()) {
            killAllIn(ns);
        }
        for (String ns : namespaces()) {
            runner.run(List.of("ip", "netns", "del", ns), null);
            runner.run(List.of("rm", "-rf", "/etc/netns/" + ns), null);
        }
        for (String link : links()) {
            runner.run(List.of("ip", "link", "del", link), null);
        }
    }

    /** Namespaces and links of the machine left with the lab's prefix (none after {@link #close}). */
    public List<String> leftovers() {
        return HostTesting.leftovers(prefix);
    }

    private List<String> namespaces() {
        return runner.run(List.of("ip", "netns", "list"), null).stdout().lines().map(l -> l.split("\\s+")[0])
                .filter(n -> n.startsWith(prefix)).toList();
    }

    private List<String> links() {
        return runner.run(List.of("ip", "-o", "link", "show"), null).stdout().lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0]).filter(n -> n.startsWith(prefix)).toList();
    }

    private void killAllIn(String ns) {
        CommandResult r = runner.run(List.of("ip", "netns", "pids", ns), null);
        for (String pid : r.stdout().lines().map(String::trim).filter(p -> p.matches("[1-9][0-9]*")).toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private void check(String... argv) {
        runner.check(List.of(argv), null);
    }

    /** A 4-character prefix no namespace or link of this machine starts with. */
    private static String freePrefix() {
        CommandRunner r = new CommandRunner(Duration.ofSeconds(10));
        List<String> taken = new ArrayList<>(HostTesting.leftovers(""));
        taken.addAll(r.run(List.of("ip", "netns", "list"), null).stdout().lines().toList());
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            String candidate = "m" + alphabet.charAt(random.nextInt(26)) + alphabet.charAt(random.nextInt(36))
                    + alphabet.charAt(random.nextInt(26));
            if (taken.stream().noneMatch(n -> n.startsWith(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free lab prefix");
    }

    /** A /24 of 100.64.0.0/10 that no route of this machine touches: the management underlay. */
    private static String freeSubnet() {
        CommandRunner r = new CommandRunner(Duration.ofSeconds(10));
        String routes = r.run(List.of("ip", "-4", "route", "show", "table", "all"), null).stdout();
        for (int attempt = 0; attempt < 100; attempt++) {
            String net = "100." + (64 + ThreadLocalRandom.current().nextInt(64)) + "." + ThreadLocalRandom.current().nextInt(256);
            if (!routes.contains(net + ".")) {
                return net;
            }
        }
        throw new IllegalStateException("no free /24 in 100.64.0.0/10");
    }

    /** A /24 of 100.64.0.0/10 that no route of this machine touches and that differs from the lab's own (a.b.c). */
    public String freeManagementSubnet() {
        for (int attempt = 0; attempt < 100; attempt++) {
            String net = freeSubnet();
            if (!net.equals(managementNet)) {
                return net;
            }
        }
        throw new IllegalStateException("no free /24 in 100.64.0.0/10");
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

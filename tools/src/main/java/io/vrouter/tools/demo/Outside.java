package io.vrouter.tools.demo;

import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.hostagent.HostAgent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The world outside a public L3, in a namespace of the installation ({@code <prefix>x<suffix>}) plugged into the
 * L3's L2 network (a port of its bridge in the backend's fabric): it holds the L3's gateway address, answers DNS for one name (a dnsmasq of its own, authoritative, no
 * upstream) and runs a {@link PeerRecorder} on port {@value #PORT}. Nothing in it reaches beyond the namespace.
 */
public final class Outside implements AutoCloseable {
    public static final int PORT = 8080;

    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
    private final String ns;
    private final Runnable unplug;
    private final String ip;
    private final List<Process> processes = new ArrayList<>();

    private Outside(String ns, Runnable unplug, String ip) {
        this.ns = ns;
        this.unplug = unplug;
        this.ip = ip;
    }

    /** How the outside's {@code eth0} gets onto the network: plugs {@code eth0} of the namespace it is given. */
    public interface Link {
        void plug(String ns);

        void unplug();
    }

    /**
     * @param address the outside's address with prefix length, e.g. {@code 203.0.113.1/24}
     * @param dnsName the name its DNS server resolves to {@code address}
     */
    public static Outside create(HostAgent hypervisor, String suffix, String l2Uuid, String address, String dnsName,
                                 Path workDir) {
        String port = hypervisor.names().extra(suffix + "0");
        return create(hypervisor.names().extra(suffix), new Link() {
            @Override
            public void plug(String ns) {
                hypervisor.plugIntoL2(l2Uuid, port, ns, "eth0");
            }

            @Override
            public void unplug() {
                hypervisor.unplugPort(port);
            }
        }, address, dnsName, workDir);
    }

    /** The outside in namespace {@code ns}, its {@code eth0} on the network through {@code link}. */
    public static Outside create(String ns, Link link, String address, String dnsName, Path workDir) {
        Outside outside = new Outside(ns, link::unplug, address.substring(0, address.indexOf('/')));
        try {
            outside.check("ip", "netns", "add", ns);
            outside.check("ip", "-n", ns, "link", "set", "lo", "up");
            link.plug(ns);
            outside.check("ip", "-n", ns, "addr", "add", address, "dev", "eth0");
            Files.createDirectories(workDir);
            outside.spawn(workDir.resolve(ns + "-dns.log"), "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                    "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=" + outside.ip, "--pid-file=",
                    "--user=root", "--group=root", "--log-queries", "--log-facility=-",
                    "--host-record=" + dnsName + "," + outside.ip);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            outside.spawn(workDir.resolve(ns + "-peer.log"), java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), PeerRecorder.class.getName(), outside.ip, Integer.toString(PORT));
            outside.awaitListening(Duration.ofSeconds(20));
            return outside;
        } catch (RuntimeException | IOException e) {
            outside.close();
            throw new IllegalStateException("cannot build the outside world " + ns + ": " + e.getMessage(), e);
        }
    }

    public String namespace() {
        return ns;
    }

    public String ip() {
        return ip;
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CommandResult r = runner.run(List.of("ip", "netns", "exec", ns, "ss", "-Hltn", "sport", "= :" + PORT), null);
            if (r.succeeded() && !r.stdout().isBlank()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the peer recorder in " + ns + " did not listen within " + timeout.toSeconds() + " s");
    }

    private void spawn(Path log, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(argv));
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
    }

    private void check(String... argv) {
        runner.check(List.of(argv), null);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops its processes, removes its namespace and link; every step runs. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            unplug.run();
        } finally {
            runner.run(List.of("ip", "netns", "del", ns), null);
        }
    }
}

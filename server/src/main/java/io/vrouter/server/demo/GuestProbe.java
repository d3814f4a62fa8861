package io.vrouter.server.demo;

import io.vrouter.agent.process.CommandResult;
import io.vrouter.agent.process.CommandRunner;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Looks at a network from inside a VM's namespace: its address, its resolver, a name lookup, a TCP exchange. */
public final class GuestProbe {
    private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(20));

    private final String ns;

    public GuestProbe(String namespace) {
        this.ns = namespace;
    }

    /** The IPv4 address of {@code eth0}, or null while it has none. */
    public String address() {
        CommandResult r = RUNNER.run(List.of("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0"), null);
        if (!r.succeeded()) {
            return null;
        }
        for (String word : r.stdout().split("\\s+")) {
            if (word.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
                return word.substring(0, word.indexOf('/'));
            }
        }
        return null;
    }

    /** The default route's gateway, or null. */
    public String defaultGateway() {
        CommandResult r = RUNNER.run(List.of("ip", "-n", ns, "-4", "route", "show", "default"), null);
        String[] words = r.stdout().trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("via")) {
                return words[i + 1];
            }
        }
        return null;
    }

    /** The guest's /etc/resolv.conf as it sees it. */
    public String resolvConf() {
        return RUNNER.run(List.of("ip", "netns", "exec", ns, "cat", "/etc/resolv.conf"), null).stdout();
    }

    /** The A record of {@code name} through the guest's resolver, or null when the lookup fails. */
    public String resolve(String name) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", ns, "dig", "+short", "+time=2", "+tries=1", name), null);
        String answer = r.stdout().trim();
        return r.succeeded() && answer.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") ? answer : null;
    }

    /** Connects to a {@link PeerRecorder} and returns the address it saw us from, or null when it cannot connect. */
    public String sourceSeenBy(String ip, int port) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", ns, "busybox", "nc", "-w", "3", ip, Integer.toString(port)), null);
        String out = r.stdout().trim();
        return out.startsWith("peer ") ? out.substring(5).trim() : null;
    }

    /**
     * Starts a {@link PeerRecorder} in {@code ns} on {@code ip:port} and waits until it listens; the caller stops the
     * process (removing the namespace also does).
     */
    public static Process startPeerRecorder(String ns, String ip, int port) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    PeerRecorder.class.getName(), ip, Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String listening = await(Duration.ofSeconds(20), () -> RUNNER.run(List.of("ip", "netns", "exec", ns, "ss", "-Hltn",
                    "sport", "= :" + port), null).stdout().isBlank() ? null : "yes");
            if (listening == null) {
                p.destroyForcibly();
                throw new IllegalStateException("the peer recorder in " + ns + " did not listen on " + ip + ":" + port + " within 20 s");
            }
            return p;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start a peer recorder in " + ns + ": " + e, e);
        }
    }

    /** Polls until {@code probe} gives a non-null value; returns it, or null after {@code timeout}. */
    public static <T> T await(Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null || System.nanoTime() > deadline) {
                return value;
            }
            Outside.sleep(200);
        }
    }
}

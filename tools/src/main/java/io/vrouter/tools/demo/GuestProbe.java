package io.vrouter.tools.demo;

import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Looks at a network from inside a VM's namespace: its address, its resolver, a name lookup, TCP and UDP exchanges. */
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

    /**
     * A DHCP exchange from inside the guest now: a one-shot client on {@code eth0} asks for {@code ip} (its lease is
     * left as it is: the client's script does nothing). Returns {@code ip} when a server leased it, else null.
     */
    public String renewLease(String ip) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", ns, "busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "3",
                "-T", "1", "-s", "/bin/true", "-r", ip), null);
        return r.succeeded() && (r.stdout() + r.stderr()).contains("lease of " + ip + " obtained") ? ip : null;
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
     * Sends one datagram to a UDP {@link PeerRecorder} and returns the address it saw us from, or null when no answer
     * comes within 3 s. The client is bash's {@code /dev/udp} (busybox nc has no UDP mode), read by one {@code dd}
     * block: bash's {@code read} takes a byte at a time, which on a datagram socket drops the rest of the datagram.
     */
    public String udpSourceSeenBy(String ip, int port) {
        CommandResult r = RUNNER.run(List.of("ip", "netns", "exec", ns, "bash", "-c", "exec 3<>/dev/udp/" + ip + "/" + port
                + " && echo ask >&3 && timeout 3 dd bs=1500 count=1 status=none <&3"), null);
        String out = r.stdout().trim();
        return out.startsWith("peer ") ? out.substring(5).trim() : null;
    }

    /**
     * Opens a TCP connection from this namespace to an echo {@link PeerRecorder} (busybox nc in the namespace, fed and
     * read by this JVM); the caller closes it.
     */
    public Conversation converse(String ip, int port) {
        try {
            // no -w: the connection must stay open however long the caller waits between lines
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "nc", ip, Integer.toString(port))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return new Conversation(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nc in " + ns + ": " + e, e);
        }
    }

    /** One established TCP connection: lines out, lines back. */
    public static final class Conversation implements AutoCloseable {
        private static final String EOF = "\0eof";
        private final Process process;
        private final Writer out;
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        private Conversation(Process process) {
            this.process = process;
            this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        received.add(line);
                    }
                } catch (IOException e) {
                    // the process ended: same as end of stream
                } finally {
                    received.add(EOF);
                }
            }, "conversation-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line received within {@code timeout}, or null (nothing came, or the connection ended). */
        public String receive(Duration timeout) {
            try {
                String line = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (EOF.equals(line)) {
                    received.add(EOF); // ended for good: every later receive says so too
                    return null;
                }
                return line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** Sends a line; false when the connection is already gone. */
        public boolean send(String line) {
            try {
                out.write(line + "\n");
                out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Sends {@code line} and returns what comes back within {@code timeout}, or null. */
        public String exchange(String line, Duration timeout) {
            return send(line) ? receive(timeout) : null;
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a {@link PeerRecorder} in {@code ns} on {@code ip:port} (TCP) and waits until it listens; the caller stops
     * the process (removing the namespace also does).
     */
    public static Process startPeerRecorder(String ns, String ip, int port) {
        return startPeerRecorder(ns, ip, PeerRecorder.Listener.tcp(port));
    }

    /** As above, one process with a listener per {@code listeners} entry; waits until all listen. */
    public static Process startPeerRecorder(String ns, String ip, PeerRecorder.Listener... listeners) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                PeerRecorder.class.getName(), ip));
        for (PeerRecorder.Listener l : listeners) {
            cmd.add(l.arg());
        }
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            for (PeerRecorder.Listener l : listeners) {
                String flags = l.mode().equals("udp") ? "-Hlun" : "-Hltn";
                String listening = await(Duration.ofSeconds(20), () -> RUNNER.run(List.of("ip", "netns", "exec", ns, "ss", flags,
                        "sport", "= :" + l.port()), null).stdout().isBlank() ? null : "yes");
                if (listening == null) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the peer recorder in " + ns + " did not listen on " + ip + ":" + l.arg()
                            + " within 20 s");
                }
            }
            return p;
        } catch (IOException e) {
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

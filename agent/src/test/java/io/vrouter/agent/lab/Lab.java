package io.vrouter.agent.lab;

import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Owns everything a test or benchmark creates in the kernel: namespaces, root-namespace links, processes and
 * per-namespace files under /etc/netns. Names start with a random per-run prefix ({@code vt} + 5 characters),
 * chosen so no namespace or link with it exists, so a leftover of a crashed run never collides. {@link #close()}
 * undoes everything in reverse order, running every step even when some fail, and reports the first failure with
 * the others suppressed onto it.
 */
public final class Lab implements AutoCloseable {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String prefix;
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final List<String> namespaces = new ArrayList<>();

    private Lab(String prefix) {
        this.prefix = prefix;
    }

    /** A lab with a fresh prefix. */
    public static Lab create() {
        SecureRandom random = new SecureRandom();
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(10));
        for (int attempt = 0; attempt < 20; attempt++) {
            StringBuilder p = new StringBuilder("vt");
            for (int i = 0; i < 5; i++) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String prefix = p.toString();
            String namespaces = runner.run(List.of("ip", "netns", "list"), null).stdout();
            String links = runner.run(List.of("ip", "-o", "link", "show"), null).stdout();
            if (!namespaces.contains(prefix) && !links.contains(prefix)) {
                return new Lab(prefix);
            }
        }
        throw new IllegalStateException("no free lab prefix after 20 attempts");
    }

    /** Whether this machine can run labs: root, and each of {@code tools} on the PATH. Null if so, else why not. */
    public static String unavailableReason(String... tools) {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            return "needs root (network namespaces, nftables); running as " + user;
        }
        for (String tool : tools) {
            boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"), new String[] {"/usr/sbin",
                    "/sbin"}).flatMap(Stream::of).anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found) {
                return "needs '" + tool + "' on the PATH (Debian package: see ./vrouter's TOOL_PACKAGE)";
            }
        }
        return null;
    }

    public String prefix() {
        return prefix;
    }

    /** The full name of a namespace or root link: prefix + suffix, at most 15 characters (IFNAMSIZ). */
    public String name(String suffix) {
        String name = prefix + suffix;
        if (name.length() > 15) {
            throw new IllegalArgumentException("name " + name + " is longer than 15 characters");
        }
        return name;
    }

    /** Creates namespace {@code prefix+suffix} with loopback up; returns its name. */
    public String namespace(String suffix) {
        String ns = name(suffix);
        runner.check(List.of("ip", "netns", "add", ns), null);
        namespaces.add(ns);
        undo.push(() -> {
            // by handle: a pid read as text must never become "kill -9 -1"
            runner.run(List.of("ip", "netns", "pids", ns), null).stdout().lines()
                    .map(String::trim).filter(pid -> pid.matches("[1-9][0-9]*") && !pid.equals("1"))
                    .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
            runner.check(List.of("ip", "netns", "del", ns), null);
        });
        exec(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair from {@code nsA/ifA} to {@code nsB/ifB}; a null namespace is the root namespace. */
    public void veth(String nsA, String ifA, String nsB, String ifB, String macA) {
        List<String> cmd = new ArrayList<>(List.of("ip", "link", "add", ifA));
        if (macA != null) {
            cmd.addAll(List.of("address", macA));
        }
        if (nsA != null) {
            cmd.addAll(List.of("netns", nsA));
        }
        cmd.addAll(List.of("type", "veth", "peer", "name", ifB));
        if (nsB != null) {
            cmd.addAll(List.of("netns", nsB));
        }
        runner.check(cmd, null);
        if (nsA == null || nsB == null) {
            String rootIf = nsA == null ? ifA : ifB;
            undo.push(() -> runner.run(List.of("ip", "link", "del", rootIf), null));
        }
    }

    /** Runs {@code argv} inside {@code ns} and fails with its stderr on a non-zero exit. */
    public CommandResult exec(String ns, String... argv) {
        return runner.check(inNs(ns, argv), null);
    }

    /** Runs inside {@code ns}, whatever the exit code. */
    public CommandResult tryExec(String ns, String... argv) {
        return runner.run(inNs(ns, argv), null);
    }

    /** Runs with stdin inside {@code ns}. */
    public CommandResult execWithInput(String ns, String stdin, String... argv) {
        return runner.check(inNs(ns, argv), stdin);
    }

    /** Starts a background process inside {@code ns}; it is killed on close. Output goes to {@code log}. */
    public Process spawn(String ns, Path log, String... argv) {
        try {
            Process process = new ProcessBuilder(inNs(ns, argv)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            undo.push(() -> kill(process));
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", argv) + " in " + ns + ": " + e, e);
        }
    }

    /** Registers an extra undo step (files, processes started elsewhere). */
    public void onClose(Runnable step) {
        undo.push(step);
    }

    /** The directory {@code ip netns exec} bind-mounts over /etc for {@code ns}: where its resolv.conf goes. */
    public Path etcOf(String ns) {
        Path dir = Path.of("/etc/netns", ns);
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create " + dir + ": " + e, e);
            }
            undo.push(() -> deleteTree(dir));
        }
        return dir;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> inNs(String ns, String... argv) {
        List<String> cmd = new ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(List.of(argv));
        return cmd;
    }
}

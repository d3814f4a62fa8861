package io.vrouter.hostagent;

import io.vrouter.platform.files.FileTrees;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the backend acts on a host's kernel: iproute2 commands, rtnetlink ({@link Rtnetlink}: links, the hot path of a
 * VM's start), {@code /sys}, {@code /proc} and {@code /run/netns} of the machine this process runs on: a host agent runs on the host it acts on (in a test fixture, in the namespace that
 * plays that host). The one class here that runs commands.
 */
final class LinuxHost {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
    private final Rtnetlink rtnetlink = new Rtnetlink();

    /** Runs and throws naming the command and its stderr when it fails. */
    CommandResult check(String... argv) {
        try {
            return runner.check(List.of(argv), null);
        } catch (RuntimeException e) {
            throw new HostAgentException(e.getMessage(), e);
        }
    }

    CommandResult run(String... argv) {
        return runner.run(List.of(argv), null);
    }

    CommandResult runWithInput(String stdin, String... argv) {
        return runner.run(List.of(argv), stdin);
    }

    /** The rtnetlink of this host: link requests from this process instead of {@code ip} processes. */
    Rtnetlink rtnetlink() {
        return rtnetlink;
    }

    /**
     * Whether this process's network namespace has the link. Asked over rtnetlink, not {@code /sys}: a host agent
     * entered into its host's namespace by {@code nsenter --net} (a host played by a namespace, which must keep the
     * machine's mount namespace so that the namespaces it makes are seen by everyone) sees the machine's {@code /sys},
     * not its own.
     */
    boolean linkExists(String ifname) {
        return rtnetlink.in(null, s -> s.link(ifname) != null);
    }

    /** Whether namespace {@code ns} exists and has the link. */
    boolean linkExistsIn(String ns, String ifname) {
        return namespaceExists(ns) && rtnetlink.in(ns, s -> s.link(ifname) != null);
    }

    /** The links of this process's network namespace (over rtnetlink, see {@link #linkExists}). */
    List<String> links() {
        return rtnetlink.in(null, s -> s.links().stream().map(Rtnetlink.Link::name).toList());
    }

    /** The links of a namespace, each with its bridge (or null); empty when the namespace does not exist. */
    Map<String, String> linksIn(String ns) {
        Map<String, String> masters = new HashMap<>();
        if (!namespaceExists(ns)) {
            return masters;
        }
        List<Rtnetlink.Link> links = rtnetlink.in(ns, Rtnetlink.Session::links);
        Map<Integer, String> names = new HashMap<>();
        links.forEach(link -> names.put(link.index(), link.name()));
        links.forEach(link -> masters.put(link.name(), link.master() == 0 ? null : names.get(link.master())));
        return masters;
    }

    boolean namespaceExists(String ns) {
        return Files.exists(Path.of("/run/netns", ns));
    }

    List<String> namespaces() {
        List<String> names = new ArrayList<>();
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (var entries = Files.list(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new HostAgentException("cannot list /run/netns: " + e, e);
        }
        return names;
    }

    /** Creates namespace {@code ns} unless it exists; true when it did not exist before this call. */
    boolean addNamespace(String ns) {
        if (namespaceExists(ns)) {
            return false;
        }
        var r = run("ip", "netns", "add", ns);
        if (!r.succeeded() && !namespaceExists(ns)) {
            throw new HostAgentException("cannot create namespace " + ns + ": " + r.stderr().strip());
        }
        return true;
    }

    /** Deletes namespace {@code ns} (its links go with it); nothing when it does not exist. */
    void deleteNamespace(String ns) {
        rtnetlink.forget(ns); // a socket kept open in it would keep it alive
        if (!namespaceExists(ns)) {
            return;
        }
        var r = run("ip", "netns", "del", ns);
        if (!r.succeeded() && namespaceExists(ns)) {
            throw new HostAgentException("cannot remove namespace " + ns + ": " + r.stderr().strip());
        }
    }

    /** Deletes a directory and everything in it; nothing when it does not exist. */
    static void deleteTree(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (UncheckedIOException e) {
            throw new HostAgentException(e.getMessage(), e.getCause());
        }
    }

    /** The pids of processes in a namespace; never pid 1, never anything not a number. */
    List<Long> pidsIn(String ns) {
        List<Long> pids = new ArrayList<>();
        if (!namespaceExists(ns)) {
            return pids;
        }
        run("ip", "netns", "pids", ns).stdout().lines().map(String::trim)
                .filter(pid -> pid.matches("[1-9][0-9]*") && !pid.equals("1"))
                .forEach(pid -> pids.add(Long.parseLong(pid)));
        return pids;
    }

    /** SIGTERM to every process in the namespace, SIGKILL to those alive after {@code grace}. */
    void killAllIn(String ns, Duration grace) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (long pid : pidsIn(ns)) {
            ProcessHandle.of(pid).ifPresent(handles::add);
        }
        terminate(handles, grace);
    }

    static void terminate(List<ProcessHandle> handles, Duration grace) {
        handles.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : handles) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception timeoutOrInterrupt) {
                // killed below
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    /** The command line of a live process, or null. */
    static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** A route of the host's main table: its destination (a CIDR) and its device. */
    record Route(String destination, String device) {
    }

    /** The host's IPv4 routes of the main table, "default" excluded. */
    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        try {
            for (JsonNode r : JSON.readTree(check("ip", "-j", "-4", "route", "show").stdout())) {
                String dst = r.path("dst").asText();
                if (!dst.equals("default")) {
                    routes.add(new Route(dst.contains("/") ? dst : dst + "/32", r.path("dev").asText()));
                }
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot read the host's routes: " + e, e);
        }
        return routes;
    }

    /** The IPv4 addresses of the host (root namespace). */
    List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (JsonNode link : JSON.readTree(check("ip", "-j", "-4", "addr", "show").stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    addresses.add(a.path("local").asText());
                }
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot read the host's addresses: " + e, e);
        }
        return addresses;
    }

    /** The IPv4 addresses (with prefix) of one interface inside a namespace (null: the host's own). */
    List<String> addressesIn(String ns, String ifname) {
        List<String> addresses = new ArrayList<>();
        CommandResult r = ns == null ? run("ip", "-j", "-4", "addr", "show", "dev", ifname)
                : run("ip", "-n", ns, "-j", "-4", "addr", "show", "dev", ifname);
        if (!r.succeeded()) {
            return addresses;
        }
        try {
            for (JsonNode link : JSON.readTree(r.stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            }
        } catch (IOException e) {
            return addresses;
        }
        return addresses;
    }
}

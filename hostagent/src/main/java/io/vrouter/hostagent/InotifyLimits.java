package io.vrouter.hostagent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's inotify limits, raised to what a host full of routers needs (docs/operations.md).
 *
 * <p>Why: every router's dnsmasq holds an inotify instance (it watches the directories the agent writes a new
 * host's lease and name into, which is how a lease is served without a reload), and so does the keepalived of each
 * router of a VRRP pair (its tracked stand-down file). Linux counts instances per user, all of root's processes on
 * the host together, and allows 128 by default ({@code fs.inotify.max_user_instances}): 64 routers of pairs. The
 * next router's dnsmasq exits at once ("failed to create inotify: Too many open files"), is restarted and exits
 * again, and its guests get no lease; with 50 pairs on one host, the last 18 pairs' guests had none.
 *
 * <p>How: when the node connects the host, a limit below its floor is raised to the floor ({@value #INSTANCES}
 * instances; {@value #WATCHES} watches, kernels before 5.11 allowing 8,192 and a router's dnsmasq watching three
 * directories). An instance costs the kernel little until it watches. A limit already higher is left alone. A host
 * where the agent cannot write them (not root, a read-only {@code /proc/sys}) is logged with the command to run; it
 * is never an error: a host with few routers does not need it.
 */
final class InotifyLimits {
    private static final Logger LOG = LoggerFactory.getLogger(InotifyLimits.class);
    static final long INSTANCES = 8192;
    static final long WATCHES = 65_536;
    static final Path KERNEL = Path.of("/proc/sys/fs/inotify");
    static final String MAX_INSTANCES = "max_user_instances";
    static final String MAX_WATCHES = "max_user_watches";

    private final Path dir;

    /** @param dir where the two limits are, as files ({@link #KERNEL} on a host) */
    InotifyLimits(Path dir) {
        this.dir = dir;
    }

    static InotifyLimits ofKernel() {
        return new InotifyLimits(KERNEL);
    }

    /** Raises each limit below its floor; what was raised ("max_user_instances 128 -> 8192"), empty when nothing was. */
    List<String> ensure() {
        List<String> raised = new ArrayList<>();
        raise(MAX_INSTANCES, INSTANCES, raised);
        raise(MAX_WATCHES, WATCHES, raised);
        if (!raised.isEmpty()) {
            LOG.info("raised the inotify limits {} (each router's dnsmasq and each pair router's keepalived take an instance)",
                    raised);
        }
        return raised;
    }

    private void raise(String name, long floor, List<String> raised) {
        Path file = dir.resolve(name);
        long now;
        try {
            now = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return; // not Linux, or a kernel without inotify: nothing to raise
        }
        if (now >= floor) {
            return;
        }
        try {
            Files.writeString(file, floor + "\n");
            raised.add(name + " " + now + " -> " + floor);
        } catch (IOException e) {
            LOG.warn("fs.inotify.{} is {}: this host's routers past about {} may get no DHCP (dnsmasq needs an instance each)"
                    + " and the agent cannot raise it ({}); run: sysctl fs.inotify.{}={} (and put it in /etc/sysctl.d/)",
                    name, now, now / 2, e.toString(), name, floor);
        }
    }
}

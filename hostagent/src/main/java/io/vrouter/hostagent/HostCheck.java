package io.vrouter.hostagent;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Whether this host can run Netns VMs: run as root, with what VMs need: iproute2 ({@code ip}), nftables ({@code nft})
 * and dnsmasq for the routers' agents, busybox with udhcpc for user VMs. The answer names everything missing at once,
 * with the Debian packages that bring it; the host agent reports it on {@code /host/connect}.
 */
public final class HostCheck {
    /** Tool -> Debian package. */
    static final Map<String, String> TOOLS = new java.util.LinkedHashMap<>();

    static {
        TOOLS.put("ip", "iproute2");
        TOOLS.put("nft", "nftables");
        TOOLS.put("dnsmasq", "dnsmasq-base");
        TOOLS.put("busybox", "busybox");
    }

    private final Predicate<String> onPath;
    private final boolean root;
    private final Predicate<String> busyboxHasApplet;

    public HostCheck() {
        this(HostCheck::onPath, isRoot(), HostCheck::busyboxHas);
    }

    HostCheck(Predicate<String> onPath, boolean root, Predicate<String> busyboxHasApplet) {
        this.onPath = onPath;
        this.root = root;
        this.busyboxHasApplet = busyboxHasApplet;
    }

    /** Null when this machine can run Netns VMs, else everything that is missing. */
    public String problems() {
        List<String> missing = new ArrayList<>();
        if (!root) {
            missing.add("root (network namespaces need it; running as " + System.getProperty("user.name") + ")");
        }
        List<String> packages = new ArrayList<>();
        TOOLS.forEach((tool, pkg) -> {
            if (!onPath.test(tool)) {
                missing.add(tool + " (" + pkg + ")");
                packages.add(pkg);
            }
        });
        if (onPath.test("busybox") && !busyboxHasApplet.test("udhcpc")) {
            missing.add("busybox's udhcpc applet (busybox)");
            packages.add("busybox");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "missing " + String.join(", ", missing)
                + (packages.isEmpty() ? "" : "; install with: apt-get install " + String.join(" ", packages.stream().distinct().toList()));
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return false;
    }

    public static boolean onPath(String tool) {
        return Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")), Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static boolean busyboxHas(String applet) {
        try {
            Process p = new ProcessBuilder("busybox", "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out.lines().anyMatch(applet::equals);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package io.vrouter.agent.linux;

import io.vrouter.agent.dataplane.DataplaneException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds interfaces by MAC in the agent's network namespace, reading /sys/class/net (which {@code ip netns exec}
 * re-mounts for the namespace). Cached; a miss re-reads, since nics can be hot-plugged.
 */
public final class Interfaces {

    private final Path sysClassNet;
    private volatile Map<String, String> byMac = Map.of();

    public Interfaces() {
        this(Path.of("/sys/class/net"));
    }

    Interfaces(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    /** The interface name of {@code mac}; throws naming the MAC and what exists when there is none. */
    public String ifnameOf(String mac) {
        String ifname = byMac.get(mac);
        if (ifname == null) {
            byMac = scan();
            ifname = byMac.get(mac);
        }
        if (ifname == null) {
            throw new DataplaneException("no interface with MAC " + mac + " in this network namespace (have: "
                    + byMac + ")");
        }
        return ifname;
    }

    public boolean exists(String mac) {
        if (byMac.containsKey(mac)) {
            return true;
        }
        byMac = scan();
        return byMac.containsKey(mac);
    }

    private Map<String, String> scan() {
        Map<String, String> found = new HashMap<>();
        try (DirectoryStream<Path> links = Files.newDirectoryStream(sysClassNet)) {
            for (Path link : links) {
                Path address = link.resolve("address");
                if (Files.isReadable(address)) {
                    found.put(Files.readString(address).trim().toLowerCase(Locale.ROOT),
                            link.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot list interfaces in " + sysClassNet + ": " + e, e);
        }
        return found;
    }
}

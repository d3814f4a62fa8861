package io.vrouter.hostagent;


import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The DHCP client of a host's user VMs: per nic, {@code busybox udhcpc} in the VM's namespace with the project's
 * script ({@code netns/udhcpc.script}), which sets the address, the MTU the lease gives (option 26, asked for) and,
 * on the VM's default L3, the default route and
 * the resolver {@code /etc/netns/<namespace>/resolv.conf} ({@code ip netns exec} shows it as
 * {@code /etc/resolv.conf}; the host's own is never written). The clients are supervised: one that dies is started
 * again at once, as a VM's init system would.
 */
final class GuestDhcpClients {
    private static final String SCRIPT_RESOURCE = "/netns/udhcpc.script";

    /** A user VM's nic as its DHCP client sees it; {@code defaultRoute}: the nic of the VM's default L3. */
    record Nic(int deviceId, boolean defaultRoute) {
        String ifname() {
            return NetnsNames.guestIfname(deviceId);
        }
    }

    /** A user VM as its DHCP clients need it; {@code name} becomes the hostname the client sends. */
    record Guest(String vmUuid, String name, List<Nic> nics) {
        Guest {
            nics = List.copyOf(nics);
        }
    }

    private final NetnsHost host;
    private final ProcessSupervisor supervisor;

    GuestDhcpClients(NetnsHost host, ProcessSupervisor supervisor) {
        this.host = host;
        this.supervisor = supervisor;
    }

    /** Ensures a DHCP client runs on every nic of the guest, and keeps them running until the VM is unwatched. */
    void ensureRunning(Guest guest) {
        startMissing(guest);
        supervisor.watch(guest.vmUuid(), new ProcessSupervisor.Watch("a DHCP client of VM " + guest.name() + " (" + guest.vmUuid() + ")",
                Duration.ZERO, () -> allRunning(guest), () -> startMissing(guest)));
    }

    /** Whether a DHCP client runs on every nic of the guest. */
    boolean allRunning(Guest guest) {
        return guest.nics().stream().allMatch(nic -> ProcessSupervisor.livePid(pidFile(guest.vmUuid(), nic), "udhcpc") > 0);
    }

    private void startMissing(Guest guest) {
        String ns = host.names().namespace(guest.vmUuid());
        Path script = script();
        Path etc = NetnsHost.etcOf(ns);
        Path resolv = etc.resolve("resolv.conf");
        Path dir = host.vmDir(guest.vmUuid());
        try {
            Files.createDirectories(etc);
            if (!Files.exists(resolv)) {
                Files.writeString(resolv, ""); // must exist before `ip netns exec` so it is bind-mounted as /etc/resolv.conf
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HostAgentException("cannot prepare " + etc + " for VM " + guest.vmUuid() + ": " + e, e);
        }
        for (Nic nic : guest.nics()) {
            Path pidFile = pidFile(guest.vmUuid(), nic);
            if (ProcessSupervisor.livePid(pidFile, "udhcpc") > 0) {
                continue;
            }
            ProcessSupervisor.spawn(guest.vmUuid(), pidFile, dir.resolve("udhcpc-" + nic.ifname() + ".log"),
                    Map.of("VROUTER_RESOLV", nic.defaultRoute() ? resolv.toString() : "",
                            "VROUTER_DEFAULT_ROUTE", nic.defaultRoute() ? "1" : "0",
                            "VROUTER_LEASE", lease(guest.vmUuid(), nic.deviceId()).toString()),
                    List.of("ip", "netns", "exec", ns, "busybox", "udhcpc", "-f", "-i", nic.ifname(), "-s", script.toString(),
                            "-t", "1000000", "-T", "1", "-A", "1", "-O", "mtu", "-x", "hostname:" + guest.name().replaceAll("[^A-Za-z0-9-]", "-")));
        }
    }

    /** The lease the guest's DHCP client recorded on {@code eth<deviceId>}, or null when it has none. */
    String leaseOf(String vmUuid, int deviceId) {
        try {
            Path lease = lease(vmUuid, deviceId);
            return Files.isRegularFile(lease) ? Files.readString(lease).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** What the guest's DHCP client printed on {@code eth<deviceId>} (which server leased what), for diagnostics. */
    String log(String vmUuid, int deviceId) {
        try {
            Path log = host.vmDir(vmUuid).resolve("udhcpc-" + NetnsNames.guestIfname(deviceId) + ".log");
            return Files.isRegularFile(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private Path pidFile(String vmUuid, Nic nic) {
        return host.vmDir(vmUuid).resolve("udhcpc-" + nic.ifname() + ".pid");
    }

    private Path lease(String vmUuid, int deviceId) {
        return host.vmDir(vmUuid).resolve("lease-" + NetnsNames.guestIfname(deviceId));
    }

    /** The script on the host, written (atomically) when missing or different from the one the server ships. */
    private synchronized Path script() {
        Path workDir = host.workDir();
        Path script = workDir.resolve("udhcpc.script");
        try (InputStream in = GuestDhcpClients.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new HostAgentException("the udhcpc script is missing from the server's resources");
            }
            byte[] content = in.readAllBytes();
            if (!Files.exists(script) || !Arrays.equals(Files.readAllBytes(script), content)) {
                Files.createDirectories(workDir);
                Path tmp = workDir.resolve("udhcpc.script.tmp");
                Files.write(tmp, content);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot write the udhcpc script " + script + ": " + e, e);
        }
        return script;
    }
}

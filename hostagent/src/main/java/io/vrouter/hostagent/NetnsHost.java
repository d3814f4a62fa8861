package io.vrouter.hostagent;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The host a piece of the backend acts on: every piece ({@link Fabric}, {@link VmNamespaces},
 * {@link GuestDhcpClients}, {@link RouterAgentDeployment}, {@link HostCleanup}) is given one and assumes nothing
 * about "the machine this process runs on". Today the management node builds the one for its own machine; a host
 * agent builds the one for the host it runs on.
 *
 * @param id      which host this is, for logs: the host's uuid where the caller knows it, {@link #LOCAL} for the
 *                management node's own machine
 * @param names   the installation's names on this host (its prefix, hence its fabric namespace)
 * @param workDir where the installation's files on this host live: {@code vms/<vm uuid>/}, the DHCP client script,
 *                the prefix file
 * @param kernel  how to run commands on this host and read its state
 */
record NetnsHost(String id, NetnsNames names, Path workDir, LinuxHost kernel) {
    static final String LOCAL = "local";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** The directory of a VM's files on this host (agent jar and config, logs, pid files, DHCP leases). */
    Path vmDir(String vmUuid) {
        return workDir.resolve("vms").resolve(vmUuid);
    }

    /** The directory {@code ip netns exec} bind-mounts over {@code /etc} in namespace {@code ns} (the resolver). */
    static Path etcOf(String ns) {
        return Path.of("/etc/netns", ns);
    }

    /**
     * The host with the installation's prefix: {@code configuredPrefix} when given, else the one saved in
     * {@code workDir}, else a new one free on this host (saved there).
     */
    static NetnsHost open(String id, Path workDir, String configuredPrefix, LinuxHost kernel) {
        String prefix = configuredPrefix;
        Path file = prefixFile(workDir);
        try {
            if (prefix == null && Files.isRegularFile(file)) {
                prefix = Files.readString(file).trim();
            }
            if (prefix == null) {
                prefix = freePrefix(kernel);
                Files.createDirectories(workDir);
                Files.writeString(file, prefix + "\n");
            }
        } catch (IOException e) {
            throw new HostAgentException("cannot read or write the netns name prefix " + file + ": " + e, e);
        }
        return new NetnsHost(id, new NetnsNames(prefix), workDir, kernel);
    }

    /** Whether this installation may already have something on the host (a prefix was chosen before). */
    static boolean hasPrefix(Path workDir, String configuredPrefix) {
        return configuredPrefix != null || Files.isRegularFile(prefixFile(workDir));
    }

    private static Path prefixFile(Path workDir) {
        return workDir.resolve("prefix");
    }

    private static String freePrefix(LinuxHost kernel) {
        SecureRandom random = new SecureRandom();
        List<String> taken = new ArrayList<>(kernel.links());
        taken.addAll(kernel.namespaces());
        for (int attempt = 0; attempt < 50; attempt++) {
            StringBuilder p = new StringBuilder("vn");
            for (int i = 0; i < 4; i++) {
                p.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String candidate = p.toString();
            if (taken.stream().noneMatch(name -> name.startsWith(candidate))) {
                return candidate;
            }
        }
        throw new HostAgentException("no free netns name prefix after 50 attempts");
    }
}

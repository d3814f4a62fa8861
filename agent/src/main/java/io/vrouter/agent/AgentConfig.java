package io.vrouter.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.tls.TlsIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's configuration file (JSON):
 * <pre>{@code
 * {"name": "vr-1", "listenAddress": "10.0.0.5", "port": 7272, "secret": "...", "dataDir": "/var/lib/vrouter-agent",
 *  "dataplane": "linux", "logLevel": "info", "cleanOnStop": false,
 *  "tls": {"key": "/etc/vrouter-agent/agent.key", "certificate": "/etc/vrouter-agent/agent.crt",
 *          "authority": "/etc/vrouter-agent/ca.crt"},
 *  "managementNodeAddresses": ["10.0.0.1"]}
 * }</pre>
 *
 * @param tls                     the agent's key, certificate and its authority's certificate (PEM files); required
 *                                unless {@code plainHttp} is true
 * @param plainHttp               serve plain HTTP without TLS: for labs and the benchmark's baseline only
 * @param managementNodeAddresses the addresses (or subnets) the management node calls from: the agent's firewall drops
 *                                its port for every other source; empty: any source on the management nic
 */
public record AgentConfig(String name, String listenAddress, Integer port, String secret, String dataDir,
        String dataplane, String logLevel, boolean cleanOnStop, TlsFiles tls, boolean plainHttp,
        List<String> managementNodeAddresses) {

    private static final Set<String> DATAPLANES = Set.of("linux", "recording");
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    /** Where the agent's TLS identity is (written by the management node at deploy time). */
    public record TlsFiles(String key, String certificate, String authority) {
        public TlsIdentity read() {
            return TlsIdentity.read(Path.of(key), Path.of(certificate), Path.of(authority));
        }

        /** Replaces the three files with {@code identity}'s (a rotated certificate), each written 0600 and moved into place. */
        public void write(TlsIdentity identity) {
            identity.write(Path.of(key), Path.of(certificate), Path.of(authority));
        }
    }

    /** Reads and checks the file; the exception names the file and the field. */
    public static AgentConfig load(Path file) {
        ObjectMapper json = AgentJson.newMapper();
        AgentConfig raw;
        try {
            raw = json.readValue(file.toFile(), AgentConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read agent config " + file + ": " + e.getMessage(), e);
        }
        try {
            return raw.withDefaults();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("agent config " + file + ": " + e.getMessage(), e);
        }
    }

    AgentConfig withDefaults() {
        String address = listenAddress == null ? "0.0.0.0" : listenAddress;
        if (!Ipv4.isValid(address)) {
            throw new IllegalArgumentException("listenAddress '" + address + "' is not an IPv4 address");
        }
        int p = port == null ? AgentPaths.DEFAULT_PORT : port;
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " is outside 0-65535");
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("secret must be at least 16 characters");
        }
        String dp = dataplane == null ? "linux" : dataplane.toLowerCase(Locale.ROOT);
        if (!DATAPLANES.contains(dp)) {
            throw new IllegalArgumentException("dataplane '" + dataplane + "' is not one of " + DATAPLANES);
        }
        String level = logLevel == null ? "info" : logLevel.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("logLevel '" + logLevel + "' is not one of " + LEVELS);
        }
        if (tls == null && !plainHttp) {
            throw new IllegalArgumentException("tls (key, certificate and authority files) is required; only a lab may"
                    + " set plainHttp: true instead");
        }
        if (tls != null && plainHttp) {
            throw new IllegalArgumentException("tls and plainHttp: true exclude each other");
        }
        if (tls != null && (tls.key() == null || tls.certificate() == null || tls.authority() == null)) {
            throw new IllegalArgumentException("tls needs key, certificate and authority");
        }
        List<String> sources = managementNodeAddresses == null ? List.of() : List.copyOf(managementNodeAddresses);
        for (String source : sources) {
            try {
                Ipv4Cidr.parseNormalising(source);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("managementNodeAddresses: '" + source
                        + "' is not an IPv4 address or CIDR", e);
            }
        }
        String dir = dataDir == null ? "/var/lib/vrouter-agent" : dataDir;
        return new AgentConfig(name == null ? "vrouter-agent" : name, address, p, secret, dir, dp, level,
                cleanOnStop, tls, plainHttp, sources);
    }

    public Path dataDirPath() {
        return Path.of(dataDir);
    }
}

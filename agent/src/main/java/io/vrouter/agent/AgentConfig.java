package io.vrouter.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's configuration file (JSON):
 * <pre>{@code
 * {"name": "vr-1", "listenAddress": "10.0.0.5", "port": 7272, "secret": "...", "dataDir": "/var/lib/vrouter-agent",
 *  "dataplane": "linux", "logLevel": "info", "cleanOnStop": false}
 * }</pre>
 */
public record AgentConfig(String name, String listenAddress, Integer port, String secret, String dataDir,
        String dataplane, String logLevel, boolean cleanOnStop) {

    private static final Set<String> DATAPLANES = Set.of("linux", "recording");
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

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
        String dir = dataDir == null ? "/var/lib/vrouter-agent" : dataDir;
        return new AgentConfig(name == null ? "vrouter-agent" : name, address, p, secret, dir, dp, level,
                cleanOnStop);
    }

    public Path dataDirPath() {
        return Path.of(dataDir);
    }
}

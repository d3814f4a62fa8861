package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.NodeHostAgent;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The host agent of the management node's own machine, in the node's JVM, on loopback with a secret made for this
 * run ({@link HostAgentSettings#ofNodeHost}: files under {@code <data dir>/netns}, the host takes the routers'
 * management gateway, L2s without an uplink are bridges alone). Its processes are detached, so the VMs outlive the
 * node; the next node's agent adopts them.
 */
public final class InProcessHostAgent implements NodeHostAgent {
    private HostAgent agent;
    private HostAgentServer server;
    private Endpoint endpoint;

    @Override
    public synchronized Endpoint start(Path dataDir) {
        if (endpoint == null) {
            String secret = HostAgentMain.newSecret();
            agent = new HostAgent(HostAgentSettings.ofNodeHost(dataDir));
            server = HostAgentServer.start(agent, secret, "127.0.0.1", 0);
            agent.adopt();
            endpoint = new Endpoint("http://127.0.0.1:" + server.port(), secret);
        }
        return endpoint;
    }

    /** The agent, started if needed with its files under {@code dataDir} (tools and tests that look at what it made). */
    public synchronized HostAgent startedAgent(Path dataDir) {
        start(dataDir);
        return agent;
    }

    /** The agent itself, once started (tests and tools that look at what it made); null before. */
    public synchronized HostAgent agent() {
        return agent;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            agent.close();
            server = null;
            agent = null;
            endpoint = null;
        }
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.NodeHostAgent;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.TlsIdentity;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The host agent of the management node's own machine, in the node's JVM, on loopback over mutual TLS (a certificate
 * the node issues it for 127.0.0.1) with a secret made for this run ({@link HostAgentSettings#ofNodeHost}: files under {@code <data dir>/netns}, the host takes the routers'
 * management gateway, L2s without an uplink are bridges alone). Its processes are detached, so the VMs outlive the
 * node; the next node's agent adopts them.
 */
public final class InProcessHostAgent implements NodeHostAgent {
    private HostAgent agent;
    private HostAgentServer server;
    private Endpoint endpoint;

    /**
     * Serves the agent over mutual TLS with {@code identity}, which the node issued in its own JVM for 127.0.0.1:
     * no enrollment, as nothing crosses a network.
     */
    @Override
    public synchronized Endpoint start(Path dataDir, TlsIdentity identity) {
        if (endpoint == null) {
            HostAgent started = startedAgent(dataDir);
            String secret = HostAgentMain.newSecret();
            server = HostAgentServer.start(started, secret, "127.0.0.1", 0, AgentTls.hostAgentContext(identity));
            endpoint = new Endpoint("https://127.0.0.1:" + server.port(), secret);
        }
        return endpoint;
    }

    /**
     * The agent, made if needed with its files under {@code dataDir} and the VMs its last run left adopted (tools and
     * tests that look at what it made); the node serves it over TLS on first use ({@link #start}).
     */
    public synchronized HostAgent startedAgent(Path dataDir) {
        if (agent == null) {
            agent = new HostAgent(HostAgentSettings.ofNodeHost(dataDir));
            agent.adopt();
        }
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
            server = null;
            endpoint = null;
        }
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

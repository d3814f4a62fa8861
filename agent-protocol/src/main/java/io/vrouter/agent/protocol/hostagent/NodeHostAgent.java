package io.vrouter.agent.protocol.hostagent;

import io.vrouter.agent.tls.TlsIdentity;

import java.nio.file.Path;

/**
 * The host agent of the management node's own machine, run by the node itself (in its JVM): how a one-host
 * installation ({@code ./vrouter server}, {@code ./vrouter demo}) runs Netns VMs with nothing more started by hand.
 * The node reaches it over mutual TLS on loopback like any other host's agent. The implementation is the host agent
 * module's; the runnable node composes it.
 */
public interface NodeHostAgent extends AutoCloseable {
    /** No agent of the node's own machine: every Netns host is reached at its address with its secret. */
    NodeHostAgent NONE = new NodeHostAgent() {
        @Override
        public Endpoint start(Path dataDir, TlsIdentity identity) {
            return null;
        }

        @Override
        public void close() {
        }
    };

    /** Where an agent listens and the secret it accepts. */
    record Endpoint(String url, String secret) {
    }

    /**
     * Starts the agent once (later calls return the same endpoint), its files under {@code dataDir}, serving over
     * mutual TLS with {@code identity} (a host agent's certificate naming 127.0.0.1, issued by the node); null when
     * there is none.
     */
    Endpoint start(Path dataDir, TlsIdentity identity);

    @Override
    void close();
}

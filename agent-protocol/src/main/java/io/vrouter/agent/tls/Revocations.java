package io.vrouter.agent.tls;

import java.security.cert.X509Certificate;

/**
 * Certificates the installation's authority issued and then withdrew before they expire: an agent's whose router
 * was destroyed or whose host was removed. The management node asks on every handshake it makes ({@link AgentTls}),
 * so a withdrawn certificate is refused from its next connection on, whatever its validity says.
 */
@FunctionalInterface
public interface Revocations {
    /** Nothing withdrawn: labs and tests, and the agents' side (they trust only the node's certificate). */
    Revocations NONE = certificate -> false;

    /** True when {@code certificate} (a leaf of the installation's authority) must no longer be trusted. */
    boolean isRevoked(X509Certificate certificate);
}

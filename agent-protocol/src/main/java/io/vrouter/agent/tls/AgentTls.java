package io.vrouter.agent.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS between the management node and its agents: TLS 1.3, each side presents its {@link TlsIdentity} and
 * trusts only certificates of its installation's authority that carry the other side's {@link PeerRole}.
 *
 * <ul>
 *   <li>{@link #agentContext}: for an agent's server; the handshake fails unless the client presents a management
 *       node certificate of the authority (no certificate, another authority's, or an agent's: refused).
 *   <li>{@link #nodeContext}: for the management node's client; the agent must present an agent certificate of the
 *       authority, and the JDK's HTTPS client checks it names the address called (the router the node expects).
 * </ul>
 */
public final class AgentTls {
    private static final String PROTOCOL = "TLSv1.3";
    private static final String AES_128_GCM = "TLS_AES_128_GCM_SHA256";
    private static final String CHACHA20_POLY1305 = "TLS_CHACHA20_POLY1305_SHA256";
    /**
     * The cipher suites both sides allow: ChaCha20-Poly1305 and AES-128-GCM (cheaper than the JDK's default AES-256).
     * The server picks, in the order {@link #serverCipherSuites} gives for its JVM.
     */
    public static final String[] CIPHER_SUITES = {CHACHA20_POLY1305, AES_128_GCM};
    /** In the message of a handshake refused for a {@link Revocations revoked} certificate, for callers that explain it. */
    public static final String REVOKED = "is revoked";

    private AgentTls() {
    }

    /** The server side of an agent: accepts only the management node. */
    public static SSLContext agentContext(TlsIdentity agent) {
        return context(agent, PeerRole.MANAGEMENT_NODE, Revocations.NONE);
    }

    /** The client side of the management node: talks only to agents. */
    public static SSLContext nodeContext(TlsIdentity node) {
        return nodeContext(node, Revocations.NONE);
    }

    /** The same, refusing every agent certificate {@code revoked} names (a destroyed router's). */
    public static SSLContext nodeContext(TlsIdentity node, Revocations revoked) {
        return context(node, PeerRole.AGENT, revoked);
    }

    /**
     * The client side of the management node towards host agents: only certificates of role
     * {@link PeerRole#HOST_AGENT} naming the address called (a router agent's certificate is refused).
     */
    public static SSLContext nodeContextForHostAgents(TlsIdentity node) {
        return nodeContextForHostAgents(node, Revocations.NONE);
    }

    /** The same, refusing every host agent certificate {@code revoked} names (a removed host's). */
    public static SSLContext nodeContextForHostAgents(TlsIdentity node, Revocations revoked) {
        return context(node, PeerRole.HOST_AGENT, revoked);
    }

    /**
     * The server side of a host agent: accepts only the management node, as {@link #agentContext}; {@code host} must
     * hold a {@link PeerRole#HOST_AGENT} certificate.
     */
    public static SSLContext hostAgentContext(TlsIdentity host) {
        return context(host, PeerRole.MANAGEMENT_NODE, Revocations.NONE);
    }

    /**
     * {@link #CIPHER_SUITES} in the order an agent's server prefers them in this JVM. AES-128-GCM first where the
     * JVM's optimising compiler (C2) runs the JDK's AES and GHASH intrinsics (AES-NI, carry-less multiply): a
     * 4 MB sync is then decrypted in a few milliseconds. Where it cannot (a JVM limited to the quick JIT, C1, or
     * without the intrinsics), ChaCha20-Poly1305 first: in plain Java it is several times cheaper than AES-GCM
     * (benchmarks.md, "Mutual TLS").
     */
    public static String[] serverCipherSuites() {
        return aesIsFastHere() ? new String[] {AES_128_GCM, CHACHA20_POLY1305} : new String[] {CHACHA20_POLY1305, AES_128_GCM};
    }

    /**
     * C2 available (not stopped at a C1 tier) and {@code UseAES} on (HotSpot turns it on where the processor has
     * AES instructions; the intrinsics' own flags are diagnostic ones, which a running JVM does not show).
     */
    static boolean aesIsFastHere() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4
                    && Boolean.parseBoolean(vm.getVMOption("UseAES").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not a HotSpot JVM, or the flags are not there: assume plain Java
        }
    }

    /**
     * Drops the TLS sessions {@code context} (a node context) cached with peers whose certificate {@code revoked}
     * now names: a resumed session skips the certificate checks, so without this a revoked agent could resume the
     * session it had. Call it after every revocation; the next connection to that address makes a full handshake.
     */
    public static void forgetRevokedSessions(SSLContext context, Revocations revoked) {
        javax.net.ssl.SSLSessionContext sessions = context.getClientSessionContext();
        for (java.util.Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
            if (session == null) {
                continue;
            }
            try {
                java.security.cert.Certificate[] peer = session.getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate leaf && revoked.isRevoked(leaf)) {
                    session.invalidate();
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                session.invalidate(); // no certificate to judge by: nothing an agent's session lacks
            }
        }
    }

    /** What a client of agents sets on its connections: TLS 1.3 and {@link #CIPHER_SUITES}. */
    public static javax.net.ssl.SSLParameters clientParameters(SSLContext context) {
        javax.net.ssl.SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setCipherSuites(CIPHER_SUITES.clone());
        return parameters;
    }

    private static SSLContext context(TlsIdentity own, PeerRole peer, Revocations revoked) {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            // the leaf alone: the peer holds the authority's certificate already
            keys.setKeyEntry("own", own.key(), password, new X509Certificate[] {own.certificate()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);

            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("authority", own.authority());
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager manager : trust.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    pkix = extended;
                }
            }
            if (pkix == null) {
                throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
            }
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagers.getKeyManagers(), new TrustManager[] {new RoleCheck(pkix, peer, java.util.Objects.requireNonNull(revoked, "revoked"))}, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS for " + own.subject() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's PKIX checks (chain to the authority, validity, and on the client side the address), then the peer's
     * role, then the installation's {@link Revocations}. The role check is explicit although the JDK also enforces
     * extended key usage in TLS, so the rule does not depend on an implementation detail.
     */
    private static final class RoleCheck extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final PeerRole expected;
        private final Revocations revoked;

        RoleCheck(X509ExtendedTrustManager pkix, PeerRole expected, Revocations revoked) {
            this.pkix = pkix;
            this.expected = expected;
            this.revoked = revoked;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
            requireRole(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
            requireRole(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
            requireRole(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            requireRole(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            requireRole(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            requireRole(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }

        private void requireRole(X509Certificate[] chain) throws CertificateException {
            X509Certificate leaf = chain[0];
            List<String> usages;
            try {
                usages = leaf.getExtendedKeyUsage();
            } catch (CertificateParsingException e) {
                throw new CertificateException("cannot read the extended key usage of " + leaf.getSubjectX500Principal(), e);
            }
            if (usages == null || !usages.contains(expected.extendedKeyUsage()) || !expected.unit().equals(unitOf(leaf))) {
                throw new CertificateException(leaf.getSubjectX500Principal().getName() + " is not a certificate of a "
                        + expected.unit() + " (extended key usage " + usages + ")");
            }
            if (revoked.isRevoked(leaf)) {
                throw new CertificateException("the certificate of " + leaf.getSubjectX500Principal().getName() + " (serial "
                        + leaf.getSerialNumber().toString(16) + ") " + REVOKED + ": its router or host was removed from this installation"
                        + " (a host added again must be enrolled anew: remove its agent's TLS directory and restart it)");
            }
        }
    }

    /** The subject's organisational unit, where {@link CertificateAuthority#issue} writes the role; null without one. */
    static String unitOf(X509Certificate certificate) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}

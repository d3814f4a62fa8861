package io.vrouter.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.core.AgentResponse;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.AgentReply;
import io.vrouter.agent.protocol.hostagent.AgentTlsTO;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /rotatecertificate}: the agent takes a new key and certificate from the management node and presents them
 * from its next TLS handshake on, without a restart: Jetty reloads its TLS context, connections open now go on with
 * the identity they were made with. The new identity must be of the authority the agent trusts now, for an agent,
 * valid now, with a key that matches the certificate; it is written (the store) before it is used, so that a restart
 * comes back with it.
 */
final class CertificateRotation {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRotation.class);
    private static final ObjectMapper JSON = AgentJson.newMapper();

    private final SslContextFactory.Server factory;
    private final AgentServer.IdentityStore store;
    private TlsIdentity current;

    CertificateRotation(SslContextFactory.Server factory, TlsIdentity current, AgentServer.IdentityStore store) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.current = Objects.requireNonNull(current, "current");
        this.store = Objects.requireNonNull(store, "store");
    }

    synchronized TlsIdentity current() {
        return current;
    }

    synchronized AgentResponse rotate(byte[] body) {
        TlsIdentity next;
        try {
            AgentTlsTO to = JSON.readValue(body, AgentTlsTO.class);
            if (to == null || to.key() == null || to.certificate() == null || to.authority() == null) {
                throw new IllegalArgumentException("key, certificate and authority (PEM) are required");
            }
            next = TlsIdentity.fromPem(to.key(), to.certificate(), to.authority(), "the new identity");
            check(next);
        } catch (java.io.IOException | RuntimeException | GeneralSecurityException e) {
            return new AgentResponse(400, AgentReply.failure(AgentPaths.ROTATE_CERTIFICATE + ": " + e.getMessage()));
        }
        try {
            store.save(next);
            factory.reload(f -> f.setSslContext(AgentTls.agentContext(next)));
        } catch (Exception e) {
            LOG.warn("cannot switch to the new certificate {}: {}", next.subject(), e.toString());
            return new AgentResponse(500, AgentReply.failure(AgentPaths.ROTATE_CERTIFICATE + ": cannot switch to the new certificate: " + e));
        }
        LOG.info("now presenting certificate serial {} (was {}), valid until {}", next.certificate().getSerialNumber().toString(16),
                current.certificate().getSerialNumber().toString(16), next.certificate().getNotAfter().toInstant());
        current = next;
        return new AgentResponse(200, AgentReply.ok());
    }

    /** Same authority, signed by it, valid now, an agent's, and the key is the certificate's. */
    private void check(TlsIdentity next) throws GeneralSecurityException {
        if (!next.authority().equals(current.authority())) {
            throw new CertificateException("the new certificate's authority is not the one this agent trusts");
        }
        next.certificate().verify(current.authority().getPublicKey());
        next.certificate().checkValidity();
        List<String> usages = next.certificate().getExtendedKeyUsage();
        if (usages == null || !usages.contains(PeerRole.AGENT.extendedKeyUsage())) {
            throw new CertificateException("the new certificate is not an agent's");
        }
        byte[] probe = "vrouter certificate rotation".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(next.key());
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(next.certificate().getPublicKey());
        verify.update(probe);
        if (!verify.verify(signature)) {
            throw new CertificateException("the new key is not the new certificate's");
        }
    }
}

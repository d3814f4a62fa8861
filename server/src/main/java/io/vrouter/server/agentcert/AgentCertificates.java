package io.vrouter.server.agentcert;

import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.Revocations;
import io.vrouter.agent.tls.TlsIdentity;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.vrouter.server.agentcert.AgentCertTables.AGENT_CERTIFICATE;
import static io.vrouter.server.agentcert.AgentCertTables.HOLDER;
import static io.vrouter.server.agentcert.AgentCertTables.NOT_AFTER_MS;
import static io.vrouter.server.agentcert.AgentCertTables.REVOKED_MS;
import static io.vrouter.server.agentcert.AgentCertTables.ROLE;
import static io.vrouter.server.agentcert.AgentCertTables.SERIAL;

/**
 * The installation's authority with its ledger: every certificate the node issues to an agent is recorded under its
 * holder (a router on a host, a host's address), and a holder that goes (a router destroyed, a host deleted) has
 * every certificate it was given revoked. The node's TLS contexts towards agents consult this on every handshake
 * ({@link Revocations}): one query by primary key per new connection (connections are kept, so handshakes are rare).
 * The ledger is in the database, so every management node of the installation refuses what any of them revoked.
 *
 * <p>Certificates not in the ledger (issued before it existed, the Simulator's shared one) are not refused: a
 * router or host that predates the ledger and then goes is covered by its certificate's expiry only.
 */
public final class AgentCertificates implements Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCertificates.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final CertificateAuthority authority;
    /** The node's client contexts whose cached sessions a revocation must drop ({@link AgentTls#forgetRevokedSessions}). */
    private final List<SSLContext> guarded = new CopyOnWriteArrayList<>();

    public AgentCertificates(DSLContext dsl, Clock clock, CertificateAuthority authority) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.authority = Objects.requireNonNull(authority, "authority");
    }

    public CertificateAuthority authority() {
        return authority;
    }

    /** The holder of a router's agent certificates while it runs on one host: a copy on another host is another. */
    public static String routerHolder(String routerUuid, String hostUuid) {
        return "router " + routerUuid + " on " + hostUuid;
    }

    /** The holder of a host agent's certificates: the address it was enrolled at (its certificate names it). */
    public static String hostHolder(String managementIp) {
        return "host " + managementIp;
    }

    /** A new key and certificate ({@link CertificateAuthority#issue}), recorded for {@code holder}. */
    public TlsIdentity issue(String holder, PeerRole role, String name, List<String> addresses) {
        TlsIdentity identity = authority.issue(role, name, addresses);
        record(holder, role, identity.certificate());
        return identity;
    }

    /** Records a certificate issued elsewhere with this authority (a host agent's enrollment) for {@code holder}. */
    public void record(String holder, PeerRole role, X509Certificate certificate) {
        dsl.insertInto(AGENT_CERTIFICATE).set(SERIAL, serial(certificate)).set(HOLDER, holder).set(ROLE, role.name())
                .set(NOT_AFTER_MS, certificate.getNotAfter().getTime()).execute();
    }

    /**
     * Revokes every certificate {@code holder} was given and is still good, drops the node's cached TLS sessions with
     * them, and forgets expired rows. Returns how many were revoked.
     */
    public int revoke(String holder) {
        long now = clock.millis();
        int revoked = dsl.update(AGENT_CERTIFICATE).set(REVOKED_MS, now)
                .where(HOLDER.eq(holder)).and(REVOKED_MS.isNull()).and(NOT_AFTER_MS.gt(now)).execute();
        dsl.deleteFrom(AGENT_CERTIFICATE).where(NOT_AFTER_MS.le(now)).execute();
        if (revoked > 0) {
            LOG.info("revoked {} agent certificate(s) of {}", revoked, holder);
            for (SSLContext context : guarded) {
                AgentTls.forgetRevokedSessions(context, this);
            }
        }
        return revoked;
    }

    /** True when the ledger has {@code certificate} as revoked. */
    @Override
    public boolean isRevoked(X509Certificate certificate) {
        return dsl.fetchExists(dsl.selectOne().from(AGENT_CERTIFICATE)
                .where(SERIAL.eq(serial(certificate))).and(REVOKED_MS.isNotNull()));
    }

    /** {@code context} (made with this as its {@link Revocations}) has its revoked sessions dropped at each revocation. */
    public SSLContext guard(SSLContext context) {
        guarded.add(context);
        return context;
    }

    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }
}

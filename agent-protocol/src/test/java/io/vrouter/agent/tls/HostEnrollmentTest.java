package io.vrouter.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vrouter.agent.protocol.hostagent.EnrollBeginCmd;
import io.vrouter.agent.protocol.hostagent.EnrollBeginReply;
import io.vrouter.agent.protocol.hostagent.EnrollFinishCmd;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The enrollment exchange between the node and a host agent, without the network: the agent ends with a certificate
 * of the node's authority for its own key, of role host agent, naming its address; nobody without the secret gets
 * a key certified or an authority planted, on either side.
 */
class HostEnrollmentTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final CertificateAuthority CA = CertificateAuthority.create("test installation");
    private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("another installation");

    @Test
    void theAgentGetsACertificateOfTheAuthorityForItsOwnKey_namingItsAddress() throws Exception {
        HostEnrollment.Applicant agent = new HostEnrollment.Applicant(SECRET);
        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        EnrollBeginReply reply = agent.answer(begin);
        EnrollFinishCmd finish = HostEnrollment.certify(CA, SECRET, begin, reply, "10.0.0.11");
        TlsIdentity identity = agent.finish(finish);

        X509Certificate certificate = identity.certificate();
        certificate.verify(CA.certificate().getPublicKey());
        assertThat(identity.authority()).isEqualTo(CA.certificate());
        assertThat(Base64.getEncoder().encodeToString(certificate.getPublicKey().getEncoded())).isEqualTo(reply.publicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("OU=host-agent");
        assertThat(certificate.getExtendedKeyUsage()).containsExactly(PeerRole.HOST_AGENT.extendedKeyUsage());
        assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(7, "10.0.0.11"));
        assertThat(begin.toString() + reply + finish).as("the secret never crosses the wire").doesNotContain(SECRET);
    }

    @Test
    void aNodeWithoutTheSecret_getsNoKeyMade() {
        HostEnrollment.Applicant agent = new HostEnrollment.Applicant(SECRET);
        assertThatThrownBy(() -> agent.answer(HostEnrollment.begin("another-secret-of-the-same-length")))
                .isInstanceOf(HostEnrollment.Refused.class).hasMessageContaining("does not hold this host's secret");
        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        assertThatThrownBy(() -> agent.answer(new EnrollBeginCmd(begin.nodeNonce(), HostEnrollment.begin(SECRET).nodeProof())))
                .as("a proof of another nonce").isInstanceOf(HostEnrollment.Refused.class);
    }

    @Test
    void anAgentWithoutTheSecret_orWithAKeyItDoesNotHold_isNotCertified() {
        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        EnrollBeginReply reply = new HostEnrollment.Applicant(SECRET).answer(begin);
        assertThatThrownBy(() -> HostEnrollment.certify(CA, "another-secret-of-the-same-length", begin, reply, "10.0.0.11"))
                .isInstanceOf(HostEnrollment.Refused.class).hasMessageContaining("does not hold this secret");

        // an impostor who swaps in its own key cannot make the proof for it
        EnrollBeginReply impostor = new HostEnrollment.Applicant(SECRET).answer(HostEnrollment.begin(SECRET));
        EnrollBeginReply swapped = new EnrollBeginReply(true, null, impostor.publicKey(), reply.agentNonce(), reply.agentProof(),
                impostor.possession());
        assertThatThrownBy(() -> HostEnrollment.certify(CA, SECRET, begin, swapped, "10.0.0.11"))
                .isInstanceOf(HostEnrollment.Refused.class);
    }

    @Test
    void theAgentTrustsNoAuthorityButTheOneAHolderOfTheSecretSent() {
        HostEnrollment.Applicant agent = new HostEnrollment.Applicant(SECRET);
        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        EnrollBeginReply reply = agent.answer(begin);
        EnrollFinishCmd real = HostEnrollment.certify(CA, SECRET, begin, reply, "10.0.0.11");
        // an attacker in the path plants its own authority and a certificate of it for the agent's key
        EnrollFinishCmd planted = HostEnrollment.certify(OTHER_CA, SECRET, begin, reply, "10.0.0.11");
        assertThatThrownBy(() -> agent.finish(new EnrollFinishCmd(real.agentNonce(), planted.certificate(), planted.authority(),
                real.proof()))).isInstanceOf(HostEnrollment.Refused.class).hasMessageContaining("does not hold this host's secret");
        assertThatThrownBy(() -> agent.finish(new EnrollFinishCmd(real.agentNonce(), real.certificate(), real.authority(),
                Base64.getEncoder().encodeToString(new byte[32])))).isInstanceOf(HostEnrollment.Refused.class);

        assertThat(agent.finish(real).authority()).isEqualTo(CA.certificate());
        assertThatThrownBy(() -> agent.finish(real)).as("a replay after the enrollment")
                .isInstanceOf(HostEnrollment.Refused.class).hasMessageContaining("no enrollment is waiting");
    }

    @Test
    void aCertificateThatIsNotAHostAgentsForThisKey_isRefusedByTheAgent() {
        HostEnrollment.Applicant agent = new HostEnrollment.Applicant(SECRET);
        EnrollBeginCmd begin = HostEnrollment.begin(SECRET);
        EnrollBeginReply reply = agent.answer(begin);
        EnrollFinishCmd real = HostEnrollment.certify(CA, SECRET, begin, reply, "10.0.0.11");
        // correctly proven, but a router agent's certificate for another key
        TlsIdentity router = CA.issue(PeerRole.AGENT, "vr-1", List.of("10.0.0.11"));
        String routerPem = Pem.certificate(router.certificate());
        assertThatThrownBy(() -> agent.finish(withProof(real, routerPem))).isInstanceOf(HostEnrollment.Refused.class)
                .hasMessageContaining("not for this agent's key");
    }

    /** {@code finish} with another certificate, proven as a holder of the secret would (a node gone wrong). */
    private static EnrollFinishCmd withProof(EnrollFinishCmd finish, String certificatePem) {
        return HostEnrollment.finish(SECRET, finish.agentNonce(), certificatePem, finish.authority());
    }
}

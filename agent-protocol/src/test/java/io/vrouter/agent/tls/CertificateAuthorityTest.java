package io.vrouter.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    @Test
    void issuedCertificatesChainToTheAuthorityAndCarryTheirRoleAndAddresses() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("installation 1");
        TlsIdentity agent = ca.issue(PeerRole.AGENT, "vr-7", List.of("10.0.0.5", "192.168.1.1"));
        X509Certificate cert = agent.certificate();

        cert.verify(ca.certificate().getPublicKey());
        cert.checkValidity();
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=vr-7,OU=agent,O=vrouter");
        assertThat(cert.getExtendedKeyUsage()).containsExactly(PeerRole.AGENT.extendedKeyUsage());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList()).containsExactly("10.0.0.5", "192.168.1.1");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
    }

    @Test
    void aNameIsNotAnAddress() {
        CertificateAuthority ca = CertificateAuthority.create("installation 1");
        assertThatThrownBy(() -> ca.issue(PeerRole.AGENT, "vr", List.of("localhost")))
                .hasMessageContaining("'localhost' is not an IPv4 address");
        assertThatThrownBy(() -> ca.issue(PeerRole.AGENT, "vr", List.of("10.0.0.05")))
                .hasMessageContaining("is not an IPv4 address");
    }

    @Test
    void theAuthorityIsCreatedOnceWithAPrivateKeyOnlyItsOwnerReads(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tls");
        CertificateAuthority first = CertificateAuthority.loadOrCreate(dir, "installation 1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
        CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, "installation 1");
        assertThat(again.certificate()).isEqualTo(first.certificate());
        // what the reloaded authority issues chains to the same certificate
        again.issue(PeerRole.AGENT, "vr", List.of()).certificate().verify(first.certificate().getPublicKey());
    }

    @Test
    void aKeyOthersCanReadIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tls");
        CertificateAuthority.loadOrCreate(dir, "installation 1");
        Files.setPosixFilePermissions(dir.resolve("ca.key"), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, "installation 1"))
                .hasMessageContaining("ca.key is readable by others (mode rw-r--r--)");
    }

    @Test
    void anIdentityWrittenToFilesReadsBackWhole(@TempDir Path tmp) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("installation 1");
        TlsIdentity agent = ca.issue(PeerRole.AGENT, "vr-7", List.of("10.0.0.5"));
        agent.writeTo(tmp.resolve("agent-tls"));

        Path dir = tmp.resolve("agent-tls");
        TlsIdentity read = TlsIdentity.read(dir.resolve(TlsIdentity.KEY_FILE), dir.resolve(TlsIdentity.CERTIFICATE_FILE),
                dir.resolve(TlsIdentity.AUTHORITY_FILE));
        assertThat(read.certificate()).isEqualTo(agent.certificate());
        assertThat(read.authority()).isEqualTo(ca.certificate());
        assertThat(read.key().getEncoded()).isEqualTo(agent.key().getEncoded());
        for (String file : List.of(TlsIdentity.KEY_FILE, TlsIdentity.CERTIFICATE_FILE, TlsIdentity.AUTHORITY_FILE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file)))).isEqualTo("rw-------");
        }
    }

    @Test
    void renewalIsDueInTheLastThirdOfACertificatesLife_andPastItsEnd() {
        X509Certificate issued = CertificateAuthority.create("renewal").issue(PeerRole.AGENT, "vr", List.of("10.0.0.1")).certificate();
        java.time.Instant from = issued.getNotBefore().toInstant();
        java.time.Instant until = issued.getNotAfter().toInstant();
        java.time.Duration life = java.time.Duration.between(from, until);

        assertThat(CertificateAuthority.renewalDue(issued, java.time.Instant.now())).as("fresh").isFalse();
        assertThat(CertificateAuthority.renewalDue(issued, until.minus(life.dividedBy(3)).minusSeconds(60))).isFalse();
        assertThat(CertificateAuthority.renewalDue(issued, until.minus(life.dividedBy(3)).plusSeconds(60))).isTrue();
        assertThat(CertificateAuthority.renewalDue(issued, until.plusSeconds(1))).as("expired").isTrue();
    }
}

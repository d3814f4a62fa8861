package io.vrouter.agent.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What one party of the installation presents and trusts: its private key, its certificate, and the certificate of
 * the authority that signed it (the only one it trusts). An agent gets its three as files at deploy time; the
 * management node holds its own in memory.
 */
public record TlsIdentity(PrivateKey key, X509Certificate certificate, X509Certificate authority) {

    /** File names an agent's identity uses in its directory. */
    public static final String KEY_FILE = "agent.key";
    public static final String CERTIFICATE_FILE = "agent.crt";
    public static final String AUTHORITY_FILE = "ca.crt";

    public TlsIdentity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(authority, "authority");
    }

    /** Reads the three PEM files; the key must not be readable by others. The exception names the file. */
    public static TlsIdentity read(Path key, Path certificate, Path authority) {
        return new TlsIdentity(Pem.readPrivateKey(KeyFiles.readPrivate(key), key.toString()),
                Pem.readCertificate(KeyFiles.read(certificate), certificate.toString()),
                Pem.readCertificate(KeyFiles.read(authority), authority.toString()));
    }

    /** Writes the three PEM files, each created 0600 and moved into place. */
    public void write(Path key, Path certificate, Path authority) {
        KeyFiles.write(key, Pem.privateKey(this.key));
        KeyFiles.write(certificate, Pem.certificate(this.certificate));
        KeyFiles.write(authority, Pem.certificate(this.authority));
    }

    /** Writes {@link #KEY_FILE}, {@link #CERTIFICATE_FILE} and {@link #AUTHORITY_FILE} into {@code dir} (created 0700). */
    public void writeTo(Path dir) {
        KeyFiles.createPrivateDirectory(dir);
        write(dir.resolve(KEY_FILE), dir.resolve(CERTIFICATE_FILE), dir.resolve(AUTHORITY_FILE));
    }

    /**
     * The three as PEM text, in the order key, certificate, authority: how the management node hands an agent's
     * identity to the host agent that deploys it ({@link #fromPem} on the other side).
     */
    public java.util.List<String> toPem() {
        return java.util.List.of(Pem.privateKey(key), Pem.certificate(certificate), Pem.certificate(authority));
    }

    /** The identity {@link #toPem} gave; the exception names {@code source} when a part is not PEM of its kind. */
    public static TlsIdentity fromPem(String key, String certificate, String authority, String source) {
        return new TlsIdentity(Pem.readPrivateKey(key, source + " key"), Pem.readCertificate(certificate, source + " certificate"),
                Pem.readCertificate(authority, source + " authority"));
    }

    /** The certificate's subject, for messages. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }
}

package io.vrouter.agent.tls;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * The certificate authority of one installation: the management node signs a certificate for itself (role
 * {@link PeerRole#MANAGEMENT_NODE}) and one for every agent it deploys ({@link PeerRole#AGENT}, naming the agent
 * and the addresses the node reaches it at). Keys are EC P-256, signatures ECDSA with SHA-256: small certificates and
 * the cheapest handshakes the JDK offers.
 *
 * <p>On disk ({@link #loadOrCreate}): {@code ca.key} (0600, the authority's private key: whoever reads it can
 * impersonate the node to every agent) and {@code ca.crt}, in a directory created 0700.
 */
public final class CertificateAuthority {
    public static final String KEY_FILE = "ca.key";
    public static final String CERTIFICATE_FILE = "ca.crt";
    /** Issued certificates are valid for this long; agents get a fresh one at every deploy and agent start. */
    public static final Duration ISSUED_VALIDITY = Duration.ofDays(2 * 365);
    private static final Duration AUTHORITY_VALIDITY = Duration.ofDays(20 * 365);
    /** Issued certificates start a little in the past: an appliance's clock may lag the node's. */
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrivateKey key;
    private final X509Certificate certificate;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A new authority, in memory, named {@code name} (e.g. the installation's). */
    public static CertificateAuthority create(String name) {
        KeyPair pair = newKeyPair();
        X500Principal subject = new X500Principal("CN=" + escape(name) + ",O=vrouter");
        Instant now = Instant.now();
        byte[] extensions = Der.sequence(
                extension("2.5.29.19", true, Der.sequence(Der.bool(true))),                  // basicConstraints: cA
                extension("2.5.29.15", true, Der.bitString(new byte[] {0x06}, 1)),           // keyCertSign, cRLSign
                extension("2.5.29.14", false, Der.octetString(keyIdentifier(pair.getPublic()))));
        X509Certificate certificate = sign(pair.getPrivate(), subject, subject, pair.getPublic(),
                now.minus(CLOCK_SKEW), now.plus(AUTHORITY_VALIDITY), extensions);
        return new CertificateAuthority(pair.getPrivate(), certificate);
    }

    /**
     * The authority kept in {@code dir}: read when {@code ca.key} exists (refused when others may read it), else
     * created and written (the directory 0700, the key 0600).
     */
    public static CertificateAuthority loadOrCreate(Path dir, String name) {
        Path keyFile = dir.resolve(KEY_FILE);
        Path certificateFile = dir.resolve(CERTIFICATE_FILE);
        if (Files.exists(keyFile)) {
            return new CertificateAuthority(Pem.readPrivateKey(KeyFiles.readPrivate(keyFile), keyFile.toString()),
                    Pem.readCertificate(KeyFiles.read(certificateFile), certificateFile.toString()));
        }
        CertificateAuthority created = create(name);
        KeyFiles.createPrivateDirectory(dir);
        // the certificate first: a key file is what marks the authority as present
        KeyFiles.write(certificateFile, Pem.certificate(created.certificate));
        KeyFiles.write(keyFile, Pem.privateKey(created.key));
        return created;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A new key and certificate for {@code name} in {@code role}, valid for {@link #ISSUED_VALIDITY}.
     *
     * @param addresses the IPv4 addresses the holder is reached at (subject alternative names): the management node
     *                  checks the agent's certificate names the address it called, as any HTTPS client checks a host
     *                  name; none for the management node's own certificate
     */
    public TlsIdentity issue(PeerRole role, String name, List<String> addresses) {
        KeyPair pair = newKeyPair();
        return new TlsIdentity(pair.getPrivate(), certify(role, name, addresses, pair.getPublic()), certificate);
    }

    /**
     * A certificate for a key made elsewhere (a host agent's, whose private key never leaves its host:
     * {@link HostEnrollment}), as {@link #issue} makes them.
     */
    public X509Certificate certify(PeerRole role, String name, List<String> addresses, PublicKey publicKey) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(publicKey, "publicKey");
        X500Principal subject = new X500Principal("CN=" + escape(name) + ",OU=" + role.unit() + ",O=vrouter");
        Instant now = Instant.now();
        List<byte[]> extensions = new ArrayList<>(List.of(
                extension("2.5.29.19", true, Der.sequence()),                                // basicConstraints: not a CA
                extension("2.5.29.15", true, Der.bitString(new byte[] {(byte) 0x80}, 7)),    // digitalSignature
                extension("2.5.29.37", false, Der.sequence(Der.oid(role.extendedKeyUsage()))),
                extension("2.5.29.35", false, Der.sequence(Der.tagged(0, false, keyIdentifier(certificate.getPublicKey()))))));
        if (!addresses.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String address : addresses) {
                names.add(Der.tagged(7, false, ipv4(address)));                              // iPAddress
            }
            extensions.add(extension("2.5.29.17", false, Der.sequence(names.toArray(byte[][]::new))));
        }
        return sign(key, certificate.getSubjectX500Principal(), subject, publicKey,
                now.minus(CLOCK_SKEW), now.plus(ISSUED_VALIDITY), Der.sequence(extensions.toArray(byte[][]::new)));
    }

    /**
     * True when {@code certificate} is in the last third of its life at {@code now} (or past it): the management
     * node then gives the agent a new one ({@code /rotatecertificate}), months before a 2-year certificate ends.
     */
    public static boolean renewalDue(X509Certificate certificate, Instant now) {
        long from = certificate.getNotBefore().getTime();
        long until = certificate.getNotAfter().getTime();
        return now.toEpochMilli() >= until - (until - from) / 3;
    }

    /** A new EC P-256 key pair, the kind the authority certifies (a host agent makes its own with it). */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has EC P-256", e);
        }
    }

    // ---------------------------------------------------------------- certificate building (RFC 5280 §4.1)

    private static X509Certificate sign(PrivateKey signer, X500Principal issuer, X500Principal subject, PublicKey publicKey,
            Instant notBefore, Instant notAfter, byte[] extensions) {
        byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] tbs = Der.sequence(
                Der.tagged(0, true, Der.integer(BigInteger.TWO)),                              // version 3
                Der.integer(new BigInteger(1, randomBytes(16))),                               // serial, positive
                algorithm,
                issuer.getEncoded(),
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                subject.getEncoded(),
                publicKey.getEncoded(),                                                        // SubjectPublicKeyInfo
                Der.tagged(3, true, extensions));
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initSign(signer);
            signature.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signature.sign(), 0));
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the public key's bits (here of the whole SubjectPublicKeyInfo: any stable hash will do). */
    private static byte[] keyIdentifier(PublicKey key) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** A dotted quad, parsed here: {@code InetAddress.getByName} would look a host name up instead of refusing it. */
    private static byte[] ipv4(String address) {
        String[] parts = address.split("\\.", -1);
        byte[] bytes = new byte[4];
        boolean valid = parts.length == 4;
        for (int i = 0; valid && i < 4; i++) {
            String part = parts[i];
            valid = !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(c -> c >= '0' && c <= '9')
                    && (part.length() == 1 || part.charAt(0) != '0') && Integer.parseInt(part) <= 255;
            if (valid) {
                bytes[i] = (byte) Integer.parseInt(part);
            }
        }
        if (!valid) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 address in dotted form");
        }
        return bytes;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** RFC 4514 escaping of a name's characters that mean something in a distinguished name. */
    private static String escape(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (",+\"\\<>;=#".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + ", serial "
                + HexFormat.of().formatHex(certificate.getSerialNumber().toByteArray()) + "]";
    }
}

package io.vrouter.agent.tls;

import io.vrouter.agent.protocol.hostagent.EnrollBeginCmd;
import io.vrouter.agent.protocol.hostagent.EnrollBeginReply;
import io.vrouter.agent.protocol.hostagent.EnrollFinishCmd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a host agent gets its certificate: enrolled by the management node when the host is added, with the host's
 * secret (the one the operator gives {@code AddNetnsHost agentSecret=}) as the one-time proof on both sides. The
 * private key is made on the host and never leaves it; the secret never crosses the wire.
 *
 * <ol>
 *   <li>Node -> agent ({@link EnrollBeginCmd}): a nonce {@code nN} and {@code HMAC(secret, "node" | nN)}. The agent
 *       refuses a node that cannot prove the secret (HTTP 401), so nobody else gets it to make a key.
 *   <li>Agent -> node ({@link EnrollBeginReply}): a new EC P-256 public key {@code K}, a nonce {@code nA},
 *       {@code HMAC(secret, "agent" | nN | nA | K)} (the key is the host's: only a holder of the secret could bind
 *       it to the node's fresh nonce) and an ECDSA signature with the new key over the same (it holds the private key).
 *   <li>The node checks both, and its authority certifies {@code K} as {@link PeerRole#HOST_AGENT} naming the
 *       address the node calls the agent at (the host's management address).
 *   <li>Node -> agent ({@link EnrollFinishCmd}): the certificate, the authority's certificate and
 *       {@code HMAC(secret, "finish" | nA | certificate | authority)}: the agent trusts only an authority a holder of
 *       the secret sent for this very exchange, checks the certificate is for its key, of that authority, of its
 *       role, and from then on serves mutual TLS only.
 * </ol>
 *
 * <p>An eavesdropper on the management network learns two public certificates; an active attacker without the
 * secret can neither have its key certified nor plant its authority. Each HMAC is over length-prefixed fields under
 * a label of its own, so no message can be replayed as another.
 */
public final class HostEnrollment {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();
    private static final String NODE = "vrouter host enrollment 1: node";
    private static final String AGENT = "vrouter host enrollment 1: agent";
    private static final String FINISH = "vrouter host enrollment 1: finish";

    private HostEnrollment() {
    }

    /** The other side does not hold the secret, or sent something that does not fit the exchange. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- the management node's side

    /** The node's first message for the host with {@code secret}. */
    public static EnrollBeginCmd begin(String secret) {
        byte[] nonce = nonce();
        return new EnrollBeginCmd(B64.encodeToString(nonce), B64.encodeToString(hmac(secret, NODE, nonce)));
    }

    /**
     * Checks the agent's answer to {@code sent} and has {@code authority} certify its key as the host agent at
     * {@code address}; the message that completes the enrollment.
     *
     * @throws Refused the agent does not hold the secret, or its key is not its own
     */
    public static EnrollFinishCmd certify(CertificateAuthority authority, String secret, EnrollBeginCmd sent,
                                          EnrollBeginReply reply, String address) {
        byte[] nodeNonce = decode(sent.nodeNonce(), "nodeNonce");
        byte[] agentNonce = decode(reply.agentNonce(), "agentNonce");
        byte[] publicKey = decode(reply.publicKey(), "publicKey");
        if (!MessageDigest.isEqual(hmac(secret, AGENT, nodeNonce, agentNonce, publicKey), decode(reply.agentProof(), "agentProof"))) {
            throw new Refused("the host agent at " + address + " does not hold this secret");
        }
        PublicKey key = publicKey(publicKey);
        if (!verify(key, decode(reply.possession(), "possession"), transcript(nodeNonce, agentNonce, publicKey))) {
            throw new Refused("the host agent at " + address + " did not prove it holds the key it asked to have certified");
        }
        X509Certificate certificate = authority.certify(PeerRole.HOST_AGENT, "host agent " + address, List.of(address), key);
        return finish(secret, reply.agentNonce(), Pem.certificate(certificate), Pem.certificate(authority.certificate()));
    }

    /** The last message: the two certificates and the proof that a holder of the secret sent them for this nonce. */
    static EnrollFinishCmd finish(String secret, String agentNonce, String certificatePem, String authorityPem) {
        byte[] proof = hmac(secret, FINISH, decode(agentNonce, "agentNonce"), bytes(certificatePem), bytes(authorityPem));
        return new EnrollFinishCmd(agentNonce, certificatePem, authorityPem, B64.encodeToString(proof));
    }

    // ---------------------------------------------------------------- the host agent's side

    /**
     * A host agent waiting to be enrolled: answers {@link EnrollBeginCmd} with a new key, and turns the matching
     * {@link EnrollFinishCmd} into its {@link TlsIdentity}. Thread-safe; the latest begin wins.
     */
    public static final class Applicant {
        private final String secret;
        private KeyPair pending;
        private byte[] pendingNonce;

        public Applicant(String secret) {
            this.secret = Objects.requireNonNull(secret, "secret");
        }

        /** @throws Refused the node does not hold the secret */
        public synchronized EnrollBeginReply answer(EnrollBeginCmd cmd) {
            byte[] nodeNonce = decode(cmd.nodeNonce(), "nodeNonce");
            if (!MessageDigest.isEqual(hmac(secret, NODE, nodeNonce), decode(cmd.nodeProof(), "nodeProof"))) {
                throw new Refused("the caller does not hold this host's secret");
            }
            pending = CertificateAuthority.newKeyPair();
            pendingNonce = nonce();
            byte[] publicKey = pending.getPublic().getEncoded();
            byte[] possession = sign(pending, transcript(nodeNonce, pendingNonce, publicKey));
            return new EnrollBeginReply(true, null, B64.encodeToString(publicKey), B64.encodeToString(pendingNonce),
                    B64.encodeToString(hmac(secret, AGENT, nodeNonce, pendingNonce, publicKey)), B64.encodeToString(possession));
        }

        /**
         * The agent's identity: its pending key, the certificate issued for it, the authority it now trusts.
         *
         * @throws Refused no begin is pending for this nonce, the proof is not of the secret, or the certificate is not
         *                 the authority's, for this key, of a host agent
         */
        public synchronized TlsIdentity finish(EnrollFinishCmd cmd) {
            byte[] nonce = decode(cmd.agentNonce(), "agentNonce");
            if (pending == null || !MessageDigest.isEqual(nonce, pendingNonce)) {
                throw new Refused("no enrollment is waiting for this nonce (begin first)");
            }
            if (cmd.certificate() == null || cmd.authority() == null || !MessageDigest.isEqual(
                    hmac(secret, FINISH, nonce, bytes(cmd.certificate()), bytes(cmd.authority())), decode(cmd.proof(), "proof"))) {
                throw new Refused("the caller does not hold this host's secret");
            }
            X509Certificate certificate = Pem.readCertificate(cmd.certificate(), "the enrollment's certificate");
            X509Certificate authority = Pem.readCertificate(cmd.authority(), "the enrollment's authority");
            try {
                authority.verify(authority.getPublicKey());
                certificate.verify(authority.getPublicKey());
                certificate.checkValidity();
            } catch (GeneralSecurityException e) {
                throw new Refused("the certificate is not one of the authority sent with it: " + e.getMessage());
            }
            if (authority.getBasicConstraints() < 0) {
                throw new Refused("the authority sent is not a certificate authority");
            }
            if (!certificate.getPublicKey().equals(pending.getPublic())) {
                throw new Refused("the certificate is not for this agent's key");
            }
            if (!PeerRole.HOST_AGENT.unit().equals(AgentTls.unitOf(certificate))) {
                throw new Refused("the certificate is not a host agent's: " + certificate.getSubjectX500Principal().getName());
            }
            TlsIdentity identity = new TlsIdentity(pending.getPrivate(), certificate, authority);
            pending = null;
            pendingNonce = null;
            return identity;
        }
    }

    // ---------------------------------------------------------------- primitives

    private static byte[] transcript(byte[] nodeNonce, byte[] agentNonce, byte[] publicKey) {
        return fields(bytes(AGENT), nodeNonce, agentNonce, publicKey);
    }

    private static byte[] hmac(String secret, String label, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bytes(secret), "HmacSHA256"));
            return mac.doFinal(fields(bytes(label), fields(parts)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Each part prefixed with its length, so no two lists of parts encode alike. */
    private static byte[] fields(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    private static byte[] fields(byte[] label, byte[] rest) {
        return fields(new byte[][] {label, rest});
    }

    private static byte[] sign(KeyPair pair, byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(pair.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with a new EC key: " + e.getMessage(), e);
        }
    }

    private static boolean verify(PublicKey key, byte[] signed, byte[] data) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initVerify(key);
            signature.update(data);
            return signature.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static PublicKey publicKey(byte[] der) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new Refused("publicKey is not an EC public key: " + e.getMessage());
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static byte[] decode(String base64, String field) {
        if (base64 == null) {
            throw new Refused(field + " is missing");
        }
        try {
            return UNB64.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new Refused(field + " is not base64");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

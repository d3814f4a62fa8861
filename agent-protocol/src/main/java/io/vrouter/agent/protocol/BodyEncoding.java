package io.vrouter.agent.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

/**
 * Gzip for the agent protocol's big request bodies (a full sync: ~3.8 MB of JSON for 10,000 rules, 5,000 DHCP hosts
 * and 1,000 EIPs, ~0.13 MB compressed). Over TLS every byte of a body passes the node's TLS pipeline and the agent's
 * cipher (the C1-only agent decrypts ChaCha20 in plain Java): compressing first costs ~10 ms of native zlib per sync
 * and takes ~97 % of the bytes out of both (benchmarks.md, "Compressed sync bodies").
 *
 * <p>Negotiated as RFC 7694 describes: an agent that inflates request bodies says so in every reply
 * ({@code Accept-Encoding: gzip}); the node compresses a body over {@link #THRESHOLD} only for an agent whose last
 * reply said so. An agent of the old kind never says it and gets plain bodies; a node of the old kind never
 * compresses. The agent refuses a body that would inflate past {@link #MAX_INFLATED} (a decompression bomb) before
 * any of it is parsed.
 */
public final class BodyEncoding {
    public static final String GZIP = "gzip";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    /** In a reply: the codings the agent accepts in requests (RFC 7694 §3). */
    public static final String ACCEPT_ENCODING = "Accept-Encoding";
    /** Bodies up to this size go as they are: one change is a few hundred bytes, where compressing only costs. */
    public static final int THRESHOLD = 64 * 1024;
    /** What one request may inflate to: the bound the agent sets on plain bodies too (a sync of 50,000 rules is ~15 MB). */
    public static final int MAX_INFLATED = 64 * 1024 * 1024;

    private BodyEncoding() {
    }

    /**
     * {@code body} as gzip at zlib's fastest level: JSON of many alike records shrinks ~30x even there, at a fraction
     * of the higher levels' CPU.
     */
    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 16 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(body);
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Thrown for a body that is not gzip, is cut short, or inflates past the limit. */
    public static final class InvalidBodyException extends Exception {
        private final boolean tooLarge;

        InvalidBodyException(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        /** The body would inflate past the limit (HTTP 413), rather than being malformed (HTTP 400). */
        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /**
     * Inflates a gzip body (one member, RFC 1952), refusing it as soon as its output passes {@code limit} bytes:
     * memory and time stay bounded whatever the ratio of the input.
     */
    public static byte[] gunzip(byte[] body, int limit) throws InvalidBodyException {
        int offset = headerLength(body);
        Inflater inflater = new Inflater(true); // raw deflate: the gzip header and trailer are read here
        try {
            inflater.setInput(body, offset, body.length - offset);
            byte[] out = new byte[Math.min(limit, Math.max(4096, (body.length - offset) * 8))];
            int length = 0;
            while (!inflater.finished()) {
                if (length == out.length) {
                    if (out.length >= limit) {
                        throw new InvalidBodyException("the gzip body inflates past the limit of " + limit + " bytes", true);
                    }
                    out = Arrays.copyOf(out, (int) Math.min(limit, out.length * 2L));
                }
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new InvalidBodyException("the gzip body is cut short", false);
                }
                length += n;
            }
            int trailer = body.length - inflater.getRemaining();
            if (inflater.getRemaining() < 8) {
                throw new InvalidBodyException("the gzip body has no trailer", false);
            }
            CRC32 crc = new CRC32();
            crc.update(out, 0, length);
            if ((int) crc.getValue() != littleEndianInt(body, trailer) || length != littleEndianInt(body, trailer + 4)) {
                throw new InvalidBodyException("the gzip body's checksum or length does not match its content", false);
            }
            if (inflater.getRemaining() != 8) {
                throw new InvalidBodyException("bytes follow the gzip body's trailer", false);
            }
            return length == out.length ? out : Arrays.copyOf(out, length);
        } catch (DataFormatException e) {
            throw new InvalidBodyException("the body is not valid gzip: " + e.getMessage(), false);
        } finally {
            inflater.end();
        }
    }

    /** True when a reply's {@code Accept-Encoding} value lists gzip. */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String name = coding.split(";", 2)[0].trim();
            if (name.equalsIgnoreCase(GZIP)) {
                return true;
            }
        }
        return false;
    }

    /** The length of the gzip member header (RFC 1952 §2.3), checked: magic, deflate, the optional fields. */
    private static int headerLength(byte[] body) throws InvalidBodyException {
        if (body.length < 18 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b || body[2] != 8) {
            throw new InvalidBodyException("the body is not gzip (no gzip header)", false);
        }
        int flags = body[3] & 0xff;
        int offset = 10;
        if ((flags & 0x04) != 0) { // FEXTRA
            offset += 2 + ((body[offset] & 0xff) | (body[offset + 1] & 0xff) << 8);
        }
        for (int flag : new int[] {0x08, 0x10}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & flag) != 0) {
                while (offset < body.length && body[offset] != 0) {
                    offset++;
                }
                offset++;
            }
        }
        if ((flags & 0x02) != 0) { // FHCRC
            offset += 2;
        }
        if (offset >= body.length) {
            throw new InvalidBodyException("the gzip header runs past the body", false);
        }
        return offset;
    }

    private static int littleEndianInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16 | (bytes[at + 3] & 0xff) << 24;
    }
}

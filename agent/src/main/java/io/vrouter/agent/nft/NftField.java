package io.vrouter.agent.nft;

import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.net.Ipv4;
import java.nio.ByteBuffer;

/**
 * One field of a set element's key or value, in the two forms the agent writes it: nft's text (scripts) and the
 * kernel's bytes (netlink). A {@link Prefix} is a range: written as its first address in the key and as its last
 * in the key's end, which is how the kernel stores interval elements of concatenated sets.
 */
sealed interface NftField {

    /** nft's syntax for this field. */
    String text();

    /** Bytes the kernel stores, before the 4-byte alignment concatenations add. */
    int length();

    /** Writes the field; {@code rangeEnd} asks for the last value of a range (the same value for a non-range). */
    void write(ByteBuffer out, boolean rangeEnd);

    default boolean isRange() {
        return false;
    }

    /** Network byte order, whatever order the buffer is set to for netlink's own (host-order) headers. */
    private static void bigEndian(ByteBuffer out, int value, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.put((byte) (value >>> shift));
        }
    }

    static Addr addr(String dottedQuad) {
        return new Addr(Ipv4.parse(dottedQuad).bits());
    }

    /** An IPv4 address ({@code ipv4_addr}), in network byte order. */
    record Addr(int address) implements NftField {
        @Override
        public String text() {
            return Ipv4.ofBits(address).toString();
        }

        @Override
        public int length() {
            return 4;
        }

        @Override
        public void write(ByteBuffer out, boolean rangeEnd) {
            bigEndian(out, address, 4);
        }
    }

    /** A subnet in an interval set: the range of its addresses. */
    record Prefix(Ipv4Cidr cidr) implements NftField {
        @Override
        public String text() {
            return cidr.toString();
        }

        @Override
        public int length() {
            return 4;
        }

        @Override
        public void write(ByteBuffer out, boolean rangeEnd) {
            bigEndian(out, (rangeEnd ? cidr.broadcast() : cidr.network()).bits(), 4);
        }

        @Override
        public boolean isRange() {
            return true;
        }
    }

    /** A TCP/UDP port ({@code inet_service}), in network byte order. */
    record Port(int port) implements NftField {
        @Override
        public String text() {
            return Integer.toString(port);
        }

        @Override
        public int length() {
            return 2;
        }

        @Override
        public void write(ByteBuffer out, boolean rangeEnd) {
            bigEndian(out, port, 2);
        }
    }

    /** An IP protocol ({@code inet_proto}) by its name, which nft's text needs, and its number. */
    enum Proto implements NftField {
        TCP(6), UDP(17);

        private final int number;

        Proto(int number) {
            this.number = number;
        }

        /** "TCP"/"tcp" or "UDP"/"udp", as ZStack's protocolType says it (validated before it gets here). */
        static Proto of(String protocolType) {
            return valueOf(protocolType.toUpperCase(java.util.Locale.ROOT));
        }

        @Override
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public int length() {
            return 1;
        }

        @Override
        public void write(ByteBuffer out, boolean rangeEnd) {
            out.put((byte) number);
        }
    }

    /** An interface name ({@code ifname}): IFNAMSIZ bytes, NUL-padded. */
    record Ifname(String name) implements NftField {
        private static final int IFNAMSIZ = 16;

        public Ifname {
            if (name.isEmpty() || name.length() >= IFNAMSIZ || !printableAscii(name)) {
                throw new IllegalArgumentException("interface name '" + name + "' is not 1-15 ASCII characters");
            }
        }

        @Override
        public String text() {
            return "\"" + name + "\"";
        }

        @Override
        public int length() {
            return IFNAMSIZ;
        }

        @Override
        public void write(ByteBuffer out, boolean rangeEnd) {
            for (int i = 0; i < IFNAMSIZ; i++) {
                out.put(i < name.length() ? (byte) name.charAt(i) : 0);
            }
        }

        /** One of these per element of a sync: a loop over at most 15 characters, no encoder or stream. */
        private static boolean printableAscii(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    return false;
                }
            }
            return true;
        }
    }
}

package io.vrouter.platform.net;

import java.util.Optional;

/**
 * An IPv4 address held as an unsigned 32-bit number, so ranges compare and iterate as numbers. Parsing accepts only
 * the dotted-quad form with decimal octets 0-255 and no leading zeros, which is what users type and what the kernel
 * prints back (and, unlike InetAddress, never looks a name up). The agent's hot paths (nftables elements, conntrack
 * filters) work on {@link #bits()}, the same 32 bits as an {@code int}.
 */
public record Ipv4(long value) implements Comparable<Ipv4> {

    public Ipv4 {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an IPv4 address value: " + value);
        }
    }

    /** The address whose 32 bits are {@code bits} (as netlink carries it, most significant octet first). */
    public static Ipv4 ofBits(int bits) {
        return new Ipv4(bits & 0xFFFFFFFFL);
    }

    public static Optional<Ipv4> tryParse(String text) {
        long value = parseValue(text);
        return value < 0 ? Optional.empty() : Optional.of(new Ipv4(value));
    }

    /** Parses {@code a.b.c.d}; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static Ipv4 parse(String text) {
        long value = parseValue(text);
        if (value < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        return new Ipv4(value);
    }

    public static boolean isValid(String text) {
        return parseValue(text) >= 0;
    }

    /** The address's value, or -1 when the text is not a canonical dotted quad; one pass, no allocation. */
    private static long parseValue(String text) {
        if (text == null) {
            return -1;
        }
        long value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 4 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (i == n) {
                return octets == 4 ? value : -1;
            }
            if (text.charAt(i) != '.' || octets == 4) {
                return -1;
            }
            i++;
        }
    }

    /** The same 32 bits as an {@code int}. */
    public int bits() {
        return (int) value;
    }

    public Ipv4 plus(long delta) {
        return new Ipv4(value + delta);
    }

    @Override
    public int compareTo(Ipv4 other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return ((value >> 24) & 0xFF) + "." + ((value >> 16) & 0xFF) + "." + ((value >> 8) & 0xFF) + "." + (value & 0xFF);
    }
}

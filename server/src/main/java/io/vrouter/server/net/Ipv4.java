package io.vrouter.server.net;

import java.util.Optional;

/**
 * An IPv4 address held as an unsigned 32-bit number, so ranges compare and iterate as numbers.
 * Parsing accepts only the dotted-quad form with decimal octets 0-255 and no leading zeros,
 * which is what users type and what the kernel prints back.
 */
public record Ipv4(long value) implements Comparable<Ipv4> {

    public Ipv4 {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an IPv4 address value: " + value);
        }
    }

    public static Optional<Ipv4> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        long v = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return Optional.empty();
                }
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            v = (v << 8) | octet;
        }
        return Optional.of(new Ipv4(v));
    }

    public static Ipv4 parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not an IPv4 address"));
    }

    public static boolean isValid(String text) {
        return tryParse(text).isPresent();
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

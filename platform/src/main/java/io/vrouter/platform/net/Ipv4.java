package io.vrouter.agent.net;

/** Strict dotted-quad IPv4 parsing and netmask arithmetic on {@code int}s (no DNS lookups, unlike InetAddress). */
public final class Ipv4 {

    private Ipv4() {
    }

    /** Parses {@code a.b.c.d}; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static int parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing");
        }
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    break;
                }
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                throw notAnAddress(text);
            }
            value = (value << 8) | octet;
            octets++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.' || octets == 4) {
                throw notAnAddress(text);
            }
            i++;
        }
        if (octets != 4) {
            throw notAnAddress(text);
        }
        return value;
    }

    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** The prefix length of a netmask such as {@code 255.255.255.0}; rejects non-contiguous masks. */
    public static int prefixLength(String netmask) {
        int mask;
        try {
            mask = parse(netmask);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + netmask + "' is not a netmask");
        }
        int prefix = Integer.bitCount(mask);
        if (mask != maskOf(prefix)) {
            throw new IllegalArgumentException("'" + netmask + "' is not a contiguous netmask");
        }
        return prefix;
    }

    public static int maskOf(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
}

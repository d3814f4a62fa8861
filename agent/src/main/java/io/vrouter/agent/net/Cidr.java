package io.vrouter.agent.net;

/** An IPv4 subnet, normalised to its network address ({@code 10.0.0.7/24} is {@code 10.0.0.0/24}). */
public record Cidr(int network, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-32");
        }
        network &= Ipv4.maskOf(prefixLength);
    }

    /** Parses {@code a.b.c.d/n} or a bare address (a /32). */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Cidr(Ipv4.parse(text), 32);
        }
        String prefix = text.substring(slash + 1);
        // ASCII digits only: Character.isDigit also takes Arabic-Indic and other scripts' digits, which
        // Integer.parseInt then reads as numbers, so "10.0.0.0/٢٤" would pass as a /24
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(prefix) > 32) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: the prefix length must be 0-32");
        }
        try {
            return new Cidr(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: " + e.getMessage());
        }
    }

    /** The subnet of {@code address} under {@code netmask}. */
    public static Cidr of(String address, String netmask) {
        return new Cidr(Ipv4.parse(address), Ipv4.prefixLength(netmask));
    }

    public boolean contains(int address) {
        return (address & Ipv4.maskOf(prefixLength)) == network;
    }

    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefixLength;
    }
}

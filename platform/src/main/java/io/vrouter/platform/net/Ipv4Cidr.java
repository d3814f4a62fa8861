package io.vrouter.platform.net;

import java.util.Optional;

/**
 * An IPv4 network: a network address and a prefix length. {@link #parse} refuses host bits set
 * ({@code 10.0.0.5/24}) because a user who typed that most likely meant something else; the agent, which takes what
 * the management node already checked, normalises instead ({@link #parseNormalising}).
 */
public record Ipv4Cidr(Ipv4 network, int prefixLength) {

    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-32");
        }
        if ((network.value() & ~mask(prefixLength) & 0xFFFFFFFFL) != 0) {
            throw new IllegalArgumentException(network + "/" + prefixLength + " has host bits set");
        }
    }

    public static Optional<Ipv4Cidr> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<Ipv4> address = Ipv4.tryParse(text.substring(0, slash));
        String len = text.substring(slash + 1);
        if (address.isEmpty() || !len.matches("\\d{1,2}")) {
            return Optional.empty();
        }
        int prefix = Integer.parseInt(len);
        if (prefix > 32 || (address.get().value() & ~mask(prefix) & 0xFFFFFFFFL) != 0) {
            return Optional.empty();
        }
        return Optional.of(new Ipv4Cidr(address.get(), prefix));
    }

    public static Ipv4Cidr parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not an IPv4 CIDR such as 192.168.0.0/24 (network address, no host bits)"));
    }

    /**
     * Parses {@code a.b.c.d/n} normalised to its network ({@code 10.0.0.7/24} is {@code 10.0.0.0/24}), or a bare
     * address as a /32.
     */
    public static Ipv4Cidr parseNormalising(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Ipv4Cidr(Ipv4.parse(text), 32);
        }
        String prefix = text.substring(slash + 1);
        // ASCII digits only: Character.isDigit also takes Arabic-Indic and other scripts' digits, which
        // Integer.parseInt then reads as numbers, so "10.0.0.0/٢٤" would pass as a /24
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(prefix) > 32) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: the prefix length must be 0-32");
        }
        try {
            return covering(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: " + e.getMessage());
        }
    }

    /** The network containing {@code address} under {@code netmask}; the netmask must be contiguous. */
    public static Ipv4Cidr of(Ipv4 address, Ipv4 netmask) {
        int prefix = prefixOf(netmask).orElseThrow(() -> new IllegalArgumentException(netmask + " is not a valid netmask"));
        return covering(address, prefix);
    }

    /** The network containing {@code address} under {@code netmask}, both as dotted quads. */
    public static Ipv4Cidr of(String address, String netmask) {
        return covering(Ipv4.parse(address), prefixLength(netmask));
    }

    /** The network of {@code prefixLength} bits that contains {@code address}. */
    public static Ipv4Cidr covering(Ipv4 address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-32");
        }
        return new Ipv4Cidr(new Ipv4(address.value() & mask(prefixLength)), prefixLength);
    }

    /** The prefix length of a contiguous netmask such as 255.255.255.0, or empty. */
    public static Optional<Integer> prefixOf(Ipv4 netmask) {
        long m = netmask.value();
        int prefix = Long.bitCount(m);
        return mask(prefix) == m ? Optional.of(prefix) : Optional.empty();
    }

    /** The prefix length of a netmask such as {@code 255.255.255.0}; throws naming the text when it is not one. */
    public static int prefixLength(String netmask) {
        Ipv4 mask = Ipv4.tryParse(netmask)
                .orElseThrow(() -> new IllegalArgumentException("'" + netmask + "' is not a netmask"));
        return prefixOf(mask)
                .orElseThrow(() -> new IllegalArgumentException("'" + netmask + "' is not a contiguous netmask"));
    }

    static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public Ipv4 netmask() {
        return new Ipv4(mask(prefixLength));
    }

    public Ipv4 broadcast() {
        return new Ipv4(network.value() | (~mask(prefixLength) & 0xFFFFFFFFL));
    }

    public boolean contains(Ipv4 address) {
        return (address.value() & mask(prefixLength)) == network.value();
    }

    public boolean overlaps(Ipv4Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}

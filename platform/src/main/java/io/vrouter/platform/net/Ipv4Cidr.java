package io.vrouter.server.net;

import java.util.Optional;

/**
 * An IPv4 network: a network address and a prefix length. {@link #parse} refuses host bits set
 * ({@code 10.0.0.5/24}) because a user who typed that most likely meant something else.
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

    /** The network containing {@code address} under {@code netmask}; the netmask must be contiguous. */
    public static Ipv4Cidr of(Ipv4 address, Ipv4 netmask) {
        int prefix = prefixOf(netmask).orElseThrow(() -> new IllegalArgumentException(netmask + " is not a valid netmask"));
        return new Ipv4Cidr(new Ipv4(address.value() & mask(prefix)), prefix);
    }

    /** The prefix length of a contiguous netmask such as 255.255.255.0, or empty. */
    public static Optional<Integer> prefixOf(Ipv4 netmask) {
        long m = netmask.value();
        int prefix = Long.bitCount(m);
        return mask(prefix) == m ? Optional.of(prefix) : Optional.empty();
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

package io.vrouter.hostagent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * BIG TCP on the links the backend makes: a link's largest GSO and GRO packet for IPv4 raised above 64 KiB
 * ({@code IFLA_GSO_IPV4_MAX_SIZE}, {@code IFLA_GRO_IPV4_MAX_SIZE}, Linux 6.3).
 *
 * <p>Why: forwarding between namespaces costs per packet, not per byte. A guest's TCP stack builds its packets for
 * its nic's limit and every hop of a routed path (two veths and a bridge per L2, the router's conntrack, NAT and
 * filter chains) then runs once per packet; at 192 KiB instead of 64 KiB it runs a third as often for the same
 * bytes. A packet larger than some later device takes is segmented by the kernel before that device (a physical
 * nic of a VLAN L2 included), as any GSO packet is.
 *
 * <p>How: iproute2 before 6.3 has no keyword for these attributes, so this sends the rtnetlink request itself
 * ({@link Rtnetlink}, in the link's namespace). On a kernel without the
 * attributes, or when the request fails, links keep the kernel's 64 KiB: logged once, never an error.
 */
final class BigTcp {
    private static final Logger LOG = LoggerFactory.getLogger(BigTcp.class);
    /** The size the backend gives its links, and the property that changes it (0 turns BIG TCP off). */
    static final int DEFAULT_SIZE = 196_608;
    static final String SIZE_PROPERTY = "vrouter.netns.bigTcpBytes";
    private static final int LEGACY_MAX = 65_536;

    // linux/if_link.h (the rest: Rtnetlink)
    private static final short IFLA_GSO_IPV4_MAX_SIZE = 63;
    private static final short IFLA_GRO_IPV4_MAX_SIZE = 64;

    private final int size;
    private volatile String unavailable;
    private volatile boolean verified;
    private final Rtnetlink rtnetlink;

    private BigTcp(int size, String unavailable, Rtnetlink rtnetlink) {
        this.size = size;
        this.unavailable = unavailable;
        this.rtnetlink = rtnetlink;
    }

    /** From {@value #SIZE_PROPERTY} (default {@value #DEFAULT_SIZE}), over the host's {@code rtnetlink}. */
    static BigTcp fromEnvironment(Rtnetlink rtnetlink) {
        return of(Integer.getInteger(SIZE_PROPERTY, DEFAULT_SIZE), rtnetlink);
    }

    static BigTcp of(int size) {
        return of(size, new Rtnetlink());
    }

    static BigTcp of(int size, Rtnetlink rtnetlink) {
        return new BigTcp(size, size <= LEGACY_MAX ? "turned off (" + SIZE_PROPERTY + "=" + size + ")" : null, rtnetlink);
    }

    /** The size links get, or 0 when they keep the kernel's default. */
    int size() {
        return unavailable == null ? size : 0;
    }

    String unavailableReason() {
        return unavailable;
    }

    /** Raises the limits of {@code ifnames} in namespace {@code ns}; a failure turns BIG TCP off for the rest of the run. */
    void apply(String ns, List<String> ifnames) {
        if (unavailable != null || ifnames.isEmpty()) {
            return;
        }
        try {
            rtnetlink.in(ns, session -> {
                apply(session, ns, ifnames);
                return null;
            });
        } catch (RuntimeException e) {
            turnOff(e);
        }
    }

    /**
     * The same in a conversation the caller has open in namespace {@code ns} (its other requests and these in one
     * visit of the namespace).
     */
    void apply(Rtnetlink.Session session, String ns, List<String> ifnames) {
        if (unavailable != null || ifnames.isEmpty()) {
            return;
        }
        try {
            for (String ifname : ifnames) {
                int seq = session.nextSeq();
                int error = session.request(setLinkRequest(seq, ifname, size), seq);
                if (error != 0) {
                    throw new IllegalStateException("setting " + ifname + "'s IPv4 GSO/GRO size to " + size + " in " + ns
                            + " failed: " + session.strerror(-error));
                }
            }
            if (!verified) {
                // a kernel before 6.3 acknowledges the request and ignores the attributes it does not know
                int reported = Rtnetlink.linkAttribute(session.converse(Rtnetlink.getLinkRequest(session.nextSeq(), ifnames.get(0))),
                        IFLA_GSO_IPV4_MAX_SIZE);
                if (reported != size) {
                    throw new IllegalStateException("the kernel (" + System.getProperty("os.version") + ") reports "
                            + (reported < 0 ? "no IPv4 GSO size" : "an IPv4 GSO size of " + reported)
                            + " after setting it to " + size + ": no IPv4 BIG TCP before Linux 6.3");
                }
                verified = true;
                LOG.info("links of the netns backend get IPv4 GSO/GRO packets up to {} bytes (BIG TCP)", size);
            }
        } catch (RuntimeException e) {
            turnOff(e);
        }
    }

    private void turnOff(RuntimeException e) {
        unavailable = e.getMessage();
        LOG.warn("BIG TCP turned off for this run: {}; links keep the kernel's 64 KiB packets", unavailable);
    }

    /**
     * The IPv4 GSO maximum size the kernel reports for {@code ifname} in {@code ns}, or -1 when it reports none (a
     * kernel without the attribute ignores it when set, so this is how a caller knows it took).
     */
    int gsoIpv4MaxSize(String ns, String ifname) {
        return rtnetlink.in(ns, session -> Rtnetlink.linkAttribute(session.converse(Rtnetlink.getLinkRequest(session.nextSeq(), ifname)),
                IFLA_GSO_IPV4_MAX_SIZE));
    }

    /** RTM_NEWLINK on an existing link named {@code ifname}: its IPv4 GSO and GRO maximum sizes, acknowledged. */
    static byte[] setLinkRequest(int seq, String ifname, int size) {
        return Rtnetlink.setLinkAttributesRequest(seq, ifname, IFLA_GSO_IPV4_MAX_SIZE, size, IFLA_GRO_IPV4_MAX_SIZE, size);
    }
}

package io.vrouter.hostagent;

import com.sun.jna.LastErrorException;
import io.vrouter.platform.libc.LibC;
import io.vrouter.platform.libc.Netlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
 * <p>How: iproute2 before 6.3 has no keyword for these attributes, so this sends the rtnetlink request itself, from
 * a short-lived thread that has entered the link's namespace (a network namespace is per thread; the thread ends
 * with the request, so no other thread of the node ever runs in a guest's namespace). On a kernel without the
 * attributes, or when the request fails, links keep the kernel's 64 KiB: logged once, never an error.
 */
final class BigTcp {
    private static final Logger LOG = LoggerFactory.getLogger(BigTcp.class);
    /** The size the backend gives its links, and the property that changes it (0 turns BIG TCP off). */
    static final int DEFAULT_SIZE = 196_608;
    static final String SIZE_PROPERTY = "vrouter.netns.bigTcpBytes";
    private static final int LEGACY_MAX = 65_536;

    // linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/sched.h, fcntl.h (the rest: Netlink)
    private static final int NETLINK_ROUTE = 0;
    private static final short RTM_NEWLINK = 16;
    private static final short RTM_GETLINK = 18;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_ACK = 4;
    private static final short IFLA_IFNAME = 3;
    private static final short IFLA_GSO_IPV4_MAX_SIZE = 63;
    private static final short IFLA_GRO_IPV4_MAX_SIZE = 64;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private final int size;
    private volatile String unavailable;
    private volatile boolean verified;
    private LibC libc;

    private BigTcp(int size, String unavailable) {
        this.size = size;
        this.unavailable = unavailable;
    }

    /** From {@value #SIZE_PROPERTY} (default {@value #DEFAULT_SIZE}). */
    static BigTcp fromEnvironment() {
        return of(Integer.getInteger(SIZE_PROPERTY, DEFAULT_SIZE));
    }

    static BigTcp of(int size) {
        return new BigTcp(size, size <= LEGACY_MAX ? "turned off (" + SIZE_PROPERTY + "=" + size + ")" : null);
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
            inNamespace(ns, (c, fd) -> {
                int seq = 1;
                for (String ifname : ifnames) {
                    int error = ackError(converse(c, fd, setLinkRequest(seq, ifname, size)), seq);
                    if (error != 0) {
                        throw new IllegalStateException("setting " + ifname + "'s IPv4 GSO/GRO size to " + size + " in " + ns
                                + " failed: " + c.strerror(-error));
                    }
                    seq++;
                }
                if (!verified) {
                    // a kernel before 6.3 acknowledges the request and ignores the attributes it does not know
                    int reported = linkAttribute(converse(c, fd, getLinkRequest(seq, ifnames.get(0))), IFLA_GSO_IPV4_MAX_SIZE);
                    if (reported != size) {
                        throw new IllegalStateException("the kernel (" + System.getProperty("os.version") + ") reports "
                                + (reported < 0 ? "no IPv4 GSO size" : "an IPv4 GSO size of " + reported)
                                + " after setting it to " + size + ": no IPv4 BIG TCP before Linux 6.3");
                    }
                    verified = true;
                    LOG.info("links of the netns backend get IPv4 GSO/GRO packets up to {} bytes (BIG TCP)", size);
                }
                return null;
            });
        } catch (RuntimeException e) {
            unavailable = e.getMessage();
            LOG.warn("BIG TCP turned off for this run: {}; links keep the kernel's 64 KiB packets", unavailable);
        }
    }

    /**
     * The IPv4 GSO maximum size the kernel reports for {@code ifname} in {@code ns}, or -1 when it reports none (a
     * kernel without the attribute ignores it when set, so this is how a caller knows it took).
     */
    int gsoIpv4MaxSize(String ns, String ifname) {
        return inNamespace(ns, (c, fd) -> linkAttribute(converse(c, fd, getLinkRequest(1, ifname)), IFLA_GSO_IPV4_MAX_SIZE));
    }

    private interface Conversation<T> {
        T run(LibC c, int fd);
    }

    /**
     * Runs {@code conversation} on an rtnetlink socket of namespace {@code ns}, from a thread of its own that enters
     * the namespace and ends with the conversation.
     */
    private <T> T inNamespace(String ns, Conversation<T> conversation) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                result.set(inThisThread(ns, conversation));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "rtnetlink-" + ns);
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking rtnetlink in " + ns, e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private <T> T inThisThread(String ns, Conversation<T> conversation) {
        LibC c = libc();
        int nsFd = open(c, "/run/netns/" + ns);
        try {
            c.setns(nsFd, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot enter namespace " + ns + ": " + c.strerror(e.getErrorCode()), e);
        } finally {
            c.close(nsFd);
        }
        int fd;
        try {
            fd = Netlink.open(c, NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open an rtnetlink socket in " + ns + ": " + c.strerror(e.getErrorCode()), e);
        }
        try {
            return conversation.run(c, fd);
        } catch (LastErrorException e) {
            throw new IllegalStateException("rtnetlink in " + ns + ": " + c.strerror(e.getErrorCode()), e);
        } finally {
            c.close(fd);
        }
    }

    /** Sends one request to the kernel and returns its one reply. */
    private static ByteBuffer converse(LibC c, int fd, byte[] request) {
        c.sendto(fd, request, request.length, 0, Netlink.kernelAddress(), Netlink.ADDRESS_LENGTH);
        byte[] reply = new byte[16 * 1024];
        long n = c.recv(fd, reply, reply.length, 0);
        return ByteBuffer.wrap(reply, 0, (int) n).slice().order(ByteOrder.nativeOrder());
    }

    /** RTM_NEWLINK on an existing link named {@code ifname}: its IPv4 GSO and GRO maximum sizes, acknowledged. */
    static byte[] setLinkRequest(int seq, String ifname, int size) {
        ByteBuffer b = linkRequest(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), seq, ifname, 16);
        b.putShort((short) 8).putShort(IFLA_GSO_IPV4_MAX_SIZE).putInt(size);
        b.putShort((short) 8).putShort(IFLA_GRO_IPV4_MAX_SIZE).putInt(size);
        return b.array();
    }

    /** RTM_GETLINK for the link named {@code ifname}. */
    static byte[] getLinkRequest(int seq, String ifname) {
        return linkRequest(RTM_GETLINK, NLM_F_REQUEST, seq, ifname, 0).array();
    }

    /** nlmsghdr, an ifinfomsg that names no index, IFLA_IFNAME; positioned for {@code extra} bytes of attributes. */
    private static ByteBuffer linkRequest(short type, short flags, int seq, String ifname, int extra) {
        byte[] name = (ifname + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameAttr = align(4 + name.length);
        int length = 16 + 16 + nameAttr + extra;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort(type).putShort(flags).putInt(seq).putInt(0);
        b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
        b.putShort((short) (4 + name.length)).putShort(IFLA_IFNAME).put(name);
        b.position(32 + nameAttr);
        return b;
    }

    /** The errno (negative) of the kernel's acknowledgement of request {@code seq}, 0 for success. */
    static int ackError(ByteBuffer reply, int seq) {
        if (reply.limit() < 20 || reply.getShort(4) != Netlink.NLMSG_ERROR || reply.getInt(8) != seq) {
            throw new IllegalStateException("unexpected rtnetlink reply (" + reply.limit() + " bytes)");
        }
        return reply.getInt(16);
    }

    /** A u32 attribute of the link an RTM_NEWLINK reply describes, or -1 when absent; an error reply throws. */
    static int linkAttribute(ByteBuffer reply, short attribute) {
        if (reply.limit() >= 20 && reply.getShort(4) == Netlink.NLMSG_ERROR) {
            throw new IllegalStateException("rtnetlink refused the request: errno " + -reply.getInt(16));
        }
        int end = Math.min(reply.limit(), reply.getInt(0));
        for (int at = 32; at + 4 <= end; ) {
            int length = Short.toUnsignedInt(reply.getShort(at));
            if (length < 4) {
                break;
            }
            if ((reply.getShort(at + 2) & 0x3fff) == attribute && length >= 8) {
                return reply.getInt(at + 4);
            }
            at += align(length);
        }
        return -1;
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    private static int open(LibC c, String path) {
        try {
            return c.open(path, O_RDONLY_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IllegalStateException("cannot open " + path + ": " + c.strerror(e.getErrorCode()), e);
        }
    }

    private synchronized LibC libc() {
        if (libc == null) {
            libc = LibC.load();
        }
        return libc;
    }
}

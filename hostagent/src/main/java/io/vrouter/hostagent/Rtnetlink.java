package io.vrouter.hostagent;

import com.sun.jna.LastErrorException;
import io.vrouter.platform.libc.LibC;
import io.vrouter.platform.libc.Netlink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The host agent's rtnetlink: the link requests of a VM's plumbing ({@link Fabric#plug}: a veth pair made straight
 * into the VM's namespace, on its bridge and up) and of {@link BigTcp}, sent from this process instead of one
 * {@code ip} process per request.
 *
 * <p>Why: a VM's start made about eight {@code ip} processes; each is a fork and exec of a binary that reads its
 * configuration, 3-5 ms on a quiet host and 20-40 ms on a loaded one (docs/benchmarks.md, create -> lease), while the
 * request itself costs the kernel microseconds.
 *
 * <p>How: a network namespace is per thread, so a conversation in a namespace runs on a short-lived thread that enters
 * it ({@code setns}) and ends with the conversation: no other thread of the process ever runs in a VM's namespace. A
 * conversation in the process's own namespace ({@code ns} null) runs on the caller's thread, and so do those in a
 * namespace whose socket is kept ({@link #keepOpen}: the fabric's), as a socket stays in the namespace it was opened
 * in: on a loaded host every thread handed work waits for a core, so a VM's start makes as few as it can. The messages are built
 * and parsed by the static methods here (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/veth.h), each
 * tested byte for byte.
 */
final class Rtnetlink {
    // linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if.h, linux/veth.h, linux/sched.h, fcntl.h
    private static final int NETLINK_ROUTE = 0;
    static final short RTM_NEWLINK = 16;
    static final short RTM_DELLINK = 17;
    static final short RTM_GETLINK = 18;
    static final short NLM_F_REQUEST = 1;
    static final short NLM_F_ACK = 4;
    static final short NLM_F_DUMP = 0x300;
    static final short NLM_F_EXCL = 0x200;
    static final short NLM_F_CREATE = 0x400;
    private static final short NLMSG_DONE = 3;
    static final short IFLA_ADDRESS = 1;
    static final short IFLA_IFNAME = 3;
    static final short IFLA_MASTER = 10;
    static final short IFLA_LINKINFO = 18;
    static final short IFLA_NET_NS_FD = 28;
    static final short IFLA_INFO_KIND = 1;
    static final short IFLA_INFO_DATA = 2;
    static final short VETH_INFO_PEER = 1;
    static final int IFF_UP = 1;
    private static final int HEADER = 16;
    private static final int IFINFOMSG = 16;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int ENODEV = 19;

    /** A link as a dump of its namespace shows it: {@code master} is the index of its bridge, 0 for none. */
    record Link(int index, String name, int master, boolean up) {
    }

    /** What a conversation does on its socket. */
    interface Conversation<T> {
        T run(Session session);
    }

    private volatile LibC libc;
    /** Namespaces whose socket stays open between conversations ({@link #keepOpen}), and those sockets. */
    private final Set<String> kept = ConcurrentHashMap.newKeySet();
    private final Map<String, KeptSession> open = new ConcurrentHashMap<>();

    /** A kept socket and the namespace it was opened in (its inode: a namespace made again under the name is another). */
    private record KeptSession(Session session, Object inode) {
    }

    /**
     * Conversations in {@code ns} reuse one socket from now on, from the caller's thread: a socket stays in the
     * namespace it was opened in, so only its opening needs a thread that enters the namespace. For a namespace every
     * VM's start talks to (the fabric's); a namespace made again under the same name gets a new socket.
     */
    void keepOpen(String ns) {
        kept.add(ns);
    }

    /** Closes the kept socket of {@code ns}, if any (its namespace is being removed: the socket would keep it alive). */
    void forget(String ns) {
        synchronized (kept) {
            KeptSession k = open.remove(ns);
            if (k != null) {
                k.session().close();
            }
        }
    }

    /** Closes every kept socket. */
    void close() {
        synchronized (kept) {
            open.values().forEach(k -> k.session().close());
            open.clear();
        }
    }

    /**
     * Runs {@code conversation} on an rtnetlink socket of namespace {@code ns} (null: this process's own): a kept one,
     * or one opened by a thread that entered the namespace and ends with the conversation. Failures are
     * {@link HostAgentException}s naming the namespace.
     */
    <T> T in(String ns, Conversation<T> conversation) {
        if (ns == null) {
            return inThisThread(null, conversation);
        }
        if (kept.contains(ns)) {
            return inKept(ns, conversation);
        }
        return onThreadIn(ns, () -> inThisThread(ns, conversation));
    }

    private <T> T inKept(String ns, Conversation<T> conversation) {
        Object inode;
        try {
            inode = Files.getAttribute(Path.of("/run/netns", ns), "unix:ino");
        } catch (IOException | UnsupportedOperationException e) {
            throw new HostAgentException("cannot open namespace " + ns + " (/run/netns/" + ns + "): " + e, e);
        }
        synchronized (kept) {
            KeptSession k = open.get(ns);
            if (k == null || !k.inode().equals(inode)) {
                if (k != null) {
                    k.session().close();
                }
                k = new KeptSession(onThreadIn(ns, () -> openSession(ns)), inode);
                open.put(ns, k);
            }
            try {
                return conversation.run(k.session());
            } catch (LastErrorException e) {
                throw new HostAgentException("rtnetlink in " + where(ns) + ": " + libc().strerror(e.getErrorCode()), e);
            }
        }
    }

    /** Runs {@code work} on a thread of its own that enters {@code ns} first and ends with the work. */
    private <T> T onThreadIn(String ns, java.util.function.Supplier<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                enter(ns);
                result.set(work.get());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "rtnetlink-" + ns);
        worker.setDaemon(true);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join(); // a conversation is a handful of syscalls: never leave a thread behind in a namespace
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** Moves the calling thread into namespace {@code ns}. */
    private void enter(String ns) {
        LibC c = libc();
        int nsFd = openNamespace(c, ns);
        try {
            c.setns(nsFd, CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new HostAgentException("cannot enter namespace " + ns + ": " + c.strerror(e.getErrorCode()), e);
        } finally {
            c.close(nsFd);
        }
    }

    /** A socket in the calling thread's namespace ({@code ns} names it for messages). */
    private Session openSession(String ns) {
        LibC c = libc();
        try {
            return new Session(c, Netlink.open(c, NETLINK_ROUTE), ns);
        } catch (LastErrorException e) {
            throw new HostAgentException("cannot open an rtnetlink socket in " + where(ns) + ": " + c.strerror(e.getErrorCode()), e);
        }
    }

    private <T> T inThisThread(String ns, Conversation<T> conversation) {
        Session session = openSession(ns);
        try {
            return conversation.run(session);
        } catch (LastErrorException e) {
            throw new HostAgentException("rtnetlink in " + where(ns) + ": " + libc().strerror(e.getErrorCode()), e);
        } finally {
            session.close();
        }
    }

    private static String where(String ns) {
        return ns == null ? "the host's namespace" : "namespace " + ns;
    }

    private static int openNamespace(LibC c, String ns) {
        try {
            return c.open("/run/netns/" + ns, O_RDONLY_CLOEXEC);
        } catch (LastErrorException e) {
            throw new HostAgentException("cannot open namespace " + ns + " (/run/netns/" + ns + "): " + c.strerror(e.getErrorCode()), e);
        }
    }

    private LibC libc() {
        LibC c = libc;
        if (c == null) {
            synchronized (this) {
                if (libc == null) {
                    libc = LibC.load();
                }
                c = libc;
            }
        }
        return c;
    }

    /** One rtnetlink socket in one namespace, used by the thread that opened it. */
    static final class Session {
        private final LibC c;
        private final int fd;
        private final String ns;
        private int seq;

        private Session(LibC c, int fd, String ns) {
            this.c = c;
            this.fd = fd;
            this.ns = ns;
        }

        /** The links of the namespace. */
        List<Link> links() {
            int s = ++seq;
            send(dumpLinksRequest(s));
            List<Link> links = new ArrayList<>();
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                long n = c.recv(fd, buffer, buffer.length, 0);
                ByteBuffer reply = ByteBuffer.wrap(buffer, 0, (int) n).order(ByteOrder.nativeOrder());
                for (int at = 0; at + HEADER <= n; ) {
                    int length = reply.getInt(at);
                    short type = reply.getShort(at + 4);
                    if (length < HEADER) {
                        throw new HostAgentException("malformed rtnetlink reply in " + where(ns) + " (message of " + length + " bytes)");
                    }
                    if (type == NLMSG_DONE) {
                        return links;
                    }
                    if (type == Netlink.NLMSG_ERROR) {
                        throw new HostAgentException("cannot list the links of " + where(ns) + ": " + c.strerror(-reply.getInt(at + 16)));
                    }
                    if (type == RTM_NEWLINK) {
                        links.add(parseLink(reply.slice(at, length).order(ByteOrder.nativeOrder())));
                    }
                    at += align(length);
                }
            }
        }

        /** The link named {@code name}, or null when the namespace has none. */
        Link link(String name) {
            int s = ++seq;
            ByteBuffer reply = converse(getLinkRequest(s, name));
            if (reply.getShort(4) == Netlink.NLMSG_ERROR) {
                int errno = -reply.getInt(16);
                if (errno == ENODEV) {
                    return null;
                }
                throw new HostAgentException("cannot read link " + name + " in " + where(ns) + ": " + c.strerror(errno));
            }
            return parseLink(reply);
        }

        /**
         * A veth pair: {@code name} here, on bridge {@code masterIndex} (0: none) and up, and {@code peer} with
         * {@code peerMac} (null: the kernel's) in namespace {@code peerNs}, down (set it up there).
         */
        void addVeth(String name, int masterIndex, String peer, String peerMac, String peerNs) {
            int nsFd = openNamespace(c, peerNs);
            try {
                acknowledged(addVethRequest(++seq, name, masterIndex, peer, mac(peerMac), nsFd),
                        "cannot create veth " + name + " (its other end " + peer + " in namespace " + peerNs + ")");
            } finally {
                c.close(nsFd);
            }
        }

        /** Puts link {@code name} on bridge {@code masterIndex} (0: leaves its master alone) and up. */
        void setUp(String name, int masterIndex) {
            acknowledged(setLinkRequest(++seq, name, masterIndex, IFF_UP, IFF_UP),
                    masterIndex == 0 ? "cannot set " + name + " up" : "cannot put " + name + " on bridge index " + masterIndex + " and up");
        }

        /** Removes link {@code name}; false when there is none. */
        boolean delete(String name) {
            int s = ++seq;
            int errno = -ackError(converse(deleteLinkRequest(s, name)), s);
            if (errno == ENODEV) {
                return false;
            }
            if (errno != 0) {
                throw new HostAgentException("cannot remove link " + name + " in " + where(ns) + ": " + c.strerror(errno));
            }
            return true;
        }

        /** Sends a request built for {@link #nextSeq} and returns the kernel's errno (negative) for it, 0 for success. */
        int request(byte[] message, int seq) {
            return ackError(converse(message), seq);
        }

        int nextSeq() {
            return ++seq;
        }

        /** The kernel's one reply to a request that is not a dump. */
        ByteBuffer converse(byte[] request) {
            send(request);
            byte[] reply = new byte[16 * 1024];
            long n = c.recv(fd, reply, reply.length, 0);
            return ByteBuffer.wrap(reply, 0, (int) n).slice().order(ByteOrder.nativeOrder());
        }

        String strerror(int errno) {
            return c.strerror(errno);
        }

        private void close() {
            c.close(fd);
        }

        private void acknowledged(byte[] request, String what) {
            int errno = -ackError(converse(request), seq);
            if (errno != 0) {
                throw new HostAgentException(what + " in " + where(ns) + ": " + c.strerror(errno));
            }
        }

        private void send(byte[] request) {
            c.sendto(fd, request, request.length, 0, Netlink.kernelAddress(), Netlink.ADDRESS_LENGTH);
        }
    }

    // ---------------------------------------------------------------- messages

    /** RTM_GETLINK for every link of the namespace. */
    static byte[] dumpLinksRequest(int seq) {
        Message m = new Message(RTM_GETLINK, (short) (NLM_F_REQUEST | NLM_F_DUMP), seq);
        m.ifinfo(0, 0, 0);
        return m.bytes();
    }

    /** RTM_GETLINK for the link named {@code name}. */
    static byte[] getLinkRequest(int seq, String name) {
        Message m = new Message(RTM_GETLINK, NLM_F_REQUEST, seq);
        m.ifinfo(0, 0, 0);
        m.string(IFLA_IFNAME, name);
        return m.bytes();
    }

    /**
     * RTM_NEWLINK on the existing link {@code name}: {@code flags} under {@code change} (IFF_UP: up), on bridge
     * {@code masterIndex} when not 0; acknowledged.
     */
    static byte[] setLinkRequest(int seq, String name, int masterIndex, int flags, int change) {
        Message m = new Message(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), seq);
        m.ifinfo(0, flags, change);
        m.string(IFLA_IFNAME, name);
        if (masterIndex != 0) {
            m.u32(IFLA_MASTER, masterIndex);
        }
        return m.bytes();
    }

    /** RTM_NEWLINK on the existing link {@code name} with u32 attributes (type, value pairs); acknowledged. */
    static byte[] setLinkAttributesRequest(int seq, String name, int... typesAndValues) {
        Message m = new Message(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), seq);
        m.ifinfo(0, 0, 0);
        m.string(IFLA_IFNAME, name);
        for (int i = 0; i + 1 < typesAndValues.length; i += 2) {
            m.u32((short) typesAndValues[i], typesAndValues[i + 1]);
        }
        return m.bytes();
    }

    /** RTM_DELLINK of the link named {@code name}; acknowledged. */
    static byte[] deleteLinkRequest(int seq, String name) {
        Message m = new Message(RTM_DELLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), seq);
        m.ifinfo(0, 0, 0);
        m.string(IFLA_IFNAME, name);
        return m.bytes();
    }

    /**
     * RTM_NEWLINK that creates (never replaces) a veth pair, as {@code ip link add NAME up master BRIDGE type veth peer
     * name PEER address MAC netns NS} would: the peer's own ifinfomsg and attributes go inside VETH_INFO_PEER.
     */
    static byte[] addVethRequest(int seq, String name, int masterIndex, String peer, byte[] peerMac, int peerNsFd) {
        Message m = new Message(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), seq);
        m.ifinfo(0, IFF_UP, IFF_UP);
        m.string(IFLA_IFNAME, name);
        if (masterIndex != 0) {
            m.u32(IFLA_MASTER, masterIndex);
        }
        int linkInfo = m.begin(IFLA_LINKINFO);
        m.string(IFLA_INFO_KIND, "veth");
        int data = m.begin(IFLA_INFO_DATA);
        int peerInfo = m.begin(VETH_INFO_PEER);
        // not up here: the kernel configures the peer before it links the pair, and a veth without its peer refuses
        // to go up (ENOTCONN); the caller sets it up in its namespace
        m.ifinfo(0, 0, 0);
        m.string(IFLA_IFNAME, peer);
        if (peerMac != null) {
            m.bytes(IFLA_ADDRESS, peerMac);
        }
        m.u32(IFLA_NET_NS_FD, peerNsFd);
        m.end(peerInfo);
        m.end(data);
        m.end(linkInfo);
        return m.bytes();
    }

    /** The errno (negative) of the kernel's acknowledgement of request {@code seq}, 0 for success. */
    static int ackError(ByteBuffer reply, int seq) {
        if (reply.limit() < 20 || reply.getShort(4) != Netlink.NLMSG_ERROR || reply.getInt(8) != seq) {
            throw new HostAgentException("unexpected rtnetlink reply (" + reply.limit() + " bytes) to request " + seq);
        }
        return reply.getInt(16);
    }

    /** The link an RTM_NEWLINK message (a reply or a dump's part, starting at its header) describes. */
    static Link parseLink(ByteBuffer message) {
        int end = Math.min(message.limit(), message.getInt(0));
        int index = message.getInt(HEADER + 4);
        int flags = message.getInt(HEADER + 8);
        String name = null;
        int master = 0;
        for (int at = HEADER + IFINFOMSG; at + 4 <= end; ) {
            int length = Short.toUnsignedInt(message.getShort(at));
            if (length < 4) {
                break;
            }
            int type = message.getShort(at + 2) & 0x3fff;
            if (type == IFLA_IFNAME) {
                int n = 0;
                while (n < length - 4 && message.get(at + 4 + n) != 0) {
                    n++;
                }
                byte[] raw = new byte[n];
                message.get(at + 4, raw);
                name = new String(raw, StandardCharsets.US_ASCII);
            } else if (type == IFLA_MASTER && length >= 8) {
                master = message.getInt(at + 4);
            }
            at += align(length);
        }
        return new Link(index, name, master, (flags & IFF_UP) != 0);
    }

    /** A u32 attribute of the link an RTM_NEWLINK reply describes, or -1 when absent; an error reply throws. */
    static int linkAttribute(ByteBuffer reply, short attribute) {
        if (reply.limit() >= 20 && reply.getShort(4) == Netlink.NLMSG_ERROR) {
            throw new HostAgentException("rtnetlink refused the request: errno " + -reply.getInt(16));
        }
        int end = Math.min(reply.limit(), reply.getInt(0));
        for (int at = HEADER + IFINFOMSG; at + 4 <= end; ) {
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

    /** {@code fa:16:3e:00:00:01} as its six bytes; null stays null. */
    static byte[] mac(String mac) {
        if (mac == null) {
            return null;
        }
        String hex = mac.replace(":", "");
        if (hex.length() != 12) {
            throw new HostAgentException("not a MAC address: " + mac);
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new HostAgentException("not a MAC address: " + mac, e);
        }
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** A netlink message under construction: header, ifinfomsg, attributes (nested ones with begin/end). */
    private static final class Message {
        private ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

        Message(short type, short flags, int seq) {
            b.putInt(0).putShort(type).putShort(flags).putInt(seq).putInt(0);
        }

        void ifinfo(int index, int flags, int change) {
            room(IFINFOMSG);
            b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        }

        void string(short type, String value) {
            bytes(type, (value + "\0").getBytes(StandardCharsets.US_ASCII));
        }

        void u32(short type, int value) {
            room(8);
            b.putShort((short) 8).putShort(type).putInt(value);
        }

        void bytes(short type, byte[] value) {
            room(align(4 + value.length));
            b.putShort((short) (4 + value.length)).putShort(type).put(value);
            pad();
        }

        /** Starts a nested attribute; returns where, for {@link #end}. */
        int begin(short type) {
            room(4);
            int at = b.position();
            b.putShort((short) 0).putShort(type);
            return at;
        }

        void end(int at) {
            b.putShort(at, (short) (b.position() - at));
        }

        byte[] bytes() {
            b.putInt(0, b.position());
            byte[] out = new byte[b.position()];
            b.get(0, out);
            return out;
        }

        private void pad() {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
        }

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.nativeOrder());
                bigger.put(b.array(), 0, b.position());
                b = bigger;
            }
        }
    }
}

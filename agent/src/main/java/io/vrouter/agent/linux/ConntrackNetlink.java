package io.vrouter.agent.linux;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Conntrack} over ctnetlink in the agent's process, with libnetfilter_conntrack (the library the
 * {@code conntrack} command is built on): one dump of the IPv4 table tests every entry against all the removed
 * mappings at once, then the matches are deleted. No process is started, so removing a mapping costs a netlink
 * round trip plus a walk of the router's table rather than a fork and exec per VIP or port.
 */
final class ConntrackNetlink implements Conntrack {

    private static final Logger LOG = LoggerFactory.getLogger(ConntrackNetlink.class);

    /** The parts of libnetfilter_conntrack/libnetfilter_conntrack.h the agent uses. */
    interface LibNetfilterConntrack extends Library {
        Pointer nfct_open(byte subsystem, int subscriptions);

        int nfct_close(Pointer handle);

        int nfct_callback_register(Pointer handle, int types, DumpCallback callback, Pointer data);

        void nfct_callback_unregister(Pointer handle);

        int nfct_query(Pointer handle, int query, Pointer data);

        int nfct_get_attr_u32(Pointer ct, int attr);

        short nfct_get_attr_u16(Pointer ct, int attr);

        byte nfct_get_attr_u8(Pointer ct, int attr);

        Pointer nfct_clone(Pointer ct);

        void nfct_destroy(Pointer ct);
    }

    interface DumpCallback extends Callback {
        int invoke(int type, Pointer ct, Pointer data);
    }

    // values from libnetfilter_conntrack.h and linux/netfilter/nfnetlink.h
    private static final byte CONNTRACK = 1; // NFNL_SUBSYS_CTNETLINK
    private static final int NFCT_T_ALL = 7;
    private static final int NFCT_CB_CONTINUE = 1;
    private static final int NFCT_Q_DESTROY = 2;
    private static final int NFCT_Q_DUMP = 5;
    private static final int ATTR_ORIG_IPV4_DST = 1;
    private static final int ATTR_REPL_IPV4_DST = 3;
    private static final int ATTR_ORIG_PORT_DST = 9;
    private static final int ATTR_ORIG_L4PROTO = 17;
    private static final int AF_INET = 2;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final String LIBRARY = "libnetfilter_conntrack.so.3";

    /** A removed mapping, with addresses and ports as the library returns them (network byte order). */
    private record Mapping(int vip, int proto, int portStart, int portEnd) {

        static Mapping of(EipTO eip) {
            return toOrFrom(eip.vipIp());
        }

        /** Every flow to the address, or translated to it (its replies come to it). */
        static Mapping toOrFrom(String address) {
            return new Mapping(wire(Ipv4.parse(address).bits()), 0, 0, 0);
        }

        static Mapping of(PortForwardingRuleTO rule) {
            int proto = rule.protocolType().toUpperCase(Locale.ROOT).equals("UDP") ? IPPROTO_UDP : IPPROTO_TCP;
            return new Mapping(wire(Ipv4.parse(rule.vipIp()).bits()), proto, rule.vipPortStart(), rule.vipPortEnd());
        }

        boolean isEip() {
            return proto == 0;
        }
    }

    private final LibNetfilterConntrack lib;
    private final Pointer handle;
    private final Memory family = new Memory(4);
    /** One callback for the agent's life: JNA allocates a native trampoline per callback object. */
    private final DumpCallback collect = this::collect;
    /** What the running dump looks for and what it found; only touched under this object's lock. */
    private List<Mapping> dumpFor = List.of();
    private final List<Pointer> matches = new ArrayList<>();

    private ConntrackNetlink(LibNetfilterConntrack lib, Pointer handle) {
        this.lib = lib;
        this.handle = handle;
        family.setInt(0, AF_INET);
    }

    static ConntrackNetlink open() {
        LibNetfilterConntrack lib = Native.load(LIBRARY, LibNetfilterConntrack.class);
        Pointer handle = lib.nfct_open(CONNTRACK, 0);
        if (handle == null) {
            throw new IllegalStateException("nfct_open failed (errno " + Native.getLastError() + ")");
        }
        return new ConntrackNetlink(lib, handle);
    }

    @Override
    public synchronized void forget(List<EipTO> eips, List<PortForwardingRuleTO> rules) {
        List<Mapping> mappings = new ArrayList<>(eips.size() + rules.size());
        eips.forEach(eip -> mappings.add(Mapping.of(eip)));
        rules.forEach(rule -> mappings.add(Mapping.of(rule)));
        forget(mappings);
    }

    @Override
    public synchronized void forgetAddresses(List<String> addresses) {
        forget(addresses.stream().map(Mapping::toOrFrom).toList());
    }

    private void forget(List<Mapping> mappings) {
        if (mappings.isEmpty()) {
            return;
        }
        // the library frees each entry when the callback returns, and a handle cannot be queried from inside its
        // own dump: matches are cloned during the dump and deleted after it
        matches.clear();
        dumpFor = mappings;
        lib.nfct_callback_register(handle, NFCT_T_ALL, collect, null);
        try {
            if (lib.nfct_query(handle, NFCT_Q_DUMP, family) < 0) {
                LOG.warn("conntrack dump failed (errno {}); flows of {} removed mappings may go on until they time out",
                        Native.getLastError(), mappings.size());
            }
        } finally {
            lib.nfct_callback_unregister(handle);
            dumpFor = List.of();
        }
        int deleted = 0;
        for (Pointer ct : matches) {
            // an entry may have expired since the dump: that is fine
            if (lib.nfct_query(handle, NFCT_Q_DESTROY, ct) == 0) {
                deleted++;
            }
            lib.nfct_destroy(ct);
        }
        LOG.debug("deleted {} of {} conntrack entries matching {} removed mappings", deleted, matches.size(),
                mappings.size());
    }

    private int collect(int type, Pointer ct, Pointer data) {
        if (matchesAny(ct, dumpFor)) {
            matches.add(lib.nfct_clone(ct));
        }
        return NFCT_CB_CONTINUE;
    }

    private boolean matchesAny(Pointer ct, List<Mapping> mappings) {
        int origDst = lib.nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST);
        int replyDst = lib.nfct_get_attr_u32(ct, ATTR_REPL_IPV4_DST);
        int proto = Byte.toUnsignedInt(lib.nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO));
        for (Mapping m : mappings) {
            if (m.isEip()) {
                if (origDst == m.vip() || replyDst == m.vip()) {
                    return true;
                }
            } else if (origDst == m.vip() && proto == m.proto()) {
                int port = Short.toUnsignedInt(host(lib.nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST)));
                if (port >= m.portStart() && port <= m.portEnd()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    /** An address as the library returns it: network-order bytes read as a native u32. */
    private static int wire(int address) {
        return BIG_ENDIAN ? address : Integer.reverseBytes(address);
    }

    /** A port the library returned (network order) in host order. */
    private static short host(short wirePort) {
        return BIG_ENDIAN ? wirePort : Short.reverseBytes(wirePort);
    }

    @Override
    public String describe() {
        return "libnetfilter_conntrack in the agent's process";
    }

    @Override
    public synchronized void close() {
        lib.nfct_close(handle);
    }
}

package io.vrouter.agent.nft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the agent's nft scripts through one {@link NftChannel}: each call is one kernel transaction, so a
 * script applies whole or not at all. Whether a script is needed at all is the dataplane's call (it skips syncs
 * of the state already applied); a rewrite asked for is always applied, since it is how the agent repairs a
 * table changed behind its back.
 */
public final class Nft implements AutoCloseable {

    private final NftChannel channel;
    /** Element changes go here when the agent may open a netfilter socket (root); else through {@link #channel}. */
    private final NftNetlink netlink;

    private Nft(NftChannel channel, NftNetlink netlink) {
        this.channel = channel;
        this.netlink = netlink;
    }

    /** Scripts through {@code channel}; element changes over the agent's own netlink socket when it opens. */
    public static Nft open(NftChannel channel) {
        Logger log = LoggerFactory.getLogger(Nft.class);
        try {
            NftNetlink netlink = NftNetlink.open();
            log.info("nftables element changes over the agent's own netlink socket");
            return new Nft(channel, netlink);
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot open a netfilter netlink socket ({}); element changes go through {} instead",
                    e.toString(), channel.describe());
            return new Nft(channel, null);
        }
    }

    /** Replaces the agent's whole table. */
    public void applyFull(String script) {
        channel.apply(script);
    }

    /** Applies element changes as one transaction; nothing when there are none. */
    public void applyElements(NftElementChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (netlink != null) {
            netlink.apply(changes);
        } else {
            channel.apply(changes.script());
        }
    }

    /** The netlink batch {@link #applyElements} would send, encoded and dropped; its size in bytes. */
    public static int encode(NftElementChanges changes) {
        return NftNetlinkBatch.encode(changes, 1).length();
    }

    /** Removes the agent's table (for a clean stop); fine if it is absent. */
    public void deleteTable() {
        String table = NftLayout.FAMILY + " " + NftLayout.TABLE;
        // "add" first makes the delete succeed whether or not the table exists
        channel.apply("add table " + table + "\ndelete table " + table + "\n");
    }

    /** Whether the agent's table is in the kernel (a dry run of deleting it succeeds). */
    public boolean tableExists() {
        return channel.accepts("delete table " + NftLayout.FAMILY + " " + NftLayout.TABLE + "\n");
    }

    /**
     * Whether the kernel can offload established flows to a flowtable. Checked as a dry run on a dummy table,
     * which the kernel validates without keeping anything.
     */
    public boolean flowtableSupported(String anyIfname) {
        String probe = "table ip vrouter_probe {\n  flowtable f { hook ingress priority 0; devices = { \"" + anyIfname
                + "\" }; }\n}\n";
        return channel.accepts(probe);
    }

    public String channel() {
        return channel.describe() + (netlink == null ? "" : ", element changes over netlink");
    }

    @Override
    public void close() {
        if (netlink != null) {
            netlink.close();
        }
        channel.close();
    }
}

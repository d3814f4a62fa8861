package io.vrouter.agent.nft;

/**
 * Applies the agent's nft scripts through one {@link NftChannel}: each call is one kernel transaction, so a
 * script applies whole or not at all. Whether a script is needed at all is the dataplane's call (it skips syncs
 * of the state already applied); a rewrite asked for is always applied, since it is how the agent repairs a
 * table changed behind its back.
 */
public final class Nft implements AutoCloseable {

    private final NftChannel channel;

    public Nft(NftChannel channel) {
        this.channel = channel;
    }

    /** Replaces the agent's whole table. */
    public void applyFull(String script) {
        channel.apply(script);
    }

    /** Applies element changes; nothing when there are none. */
    public void applyIncremental(String script) {
        if (!script.isEmpty()) {
            channel.apply(script);
        }
    }

    /** Removes the agent's table (for a clean stop); fine if it is absent. */
    public void deleteTable() {
        String table = NftLayout.FAMILY + " " + NftLayout.TABLE;
        // "add" first makes the delete succeed whether or not the table exists
        channel.apply("add table " + table + "\ndelete table " + table + "\n");
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
        return channel.describe();
    }

    @Override
    public void close() {
        channel.close();
    }
}

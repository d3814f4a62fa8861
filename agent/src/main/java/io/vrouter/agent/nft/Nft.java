package io.vrouter.agent.nft;

/**
 * Applies the agent's nft scripts through one {@link NftChannel}: each call is one kernel transaction, so a
 * script applies whole or not at all. Remembers the last full script so that re-applying the same state leaves
 * the kernel untouched.
 */
public final class Nft implements AutoCloseable {

    private final NftChannel channel;
    private String lastFullScript;

    public Nft(NftChannel channel) {
        this.channel = channel;
    }

    /** Applies a full script unless it equals the last one applied. Returns true if nft ran. */
    public boolean applyFull(String script) {
        if (script.equals(lastFullScript)) {
            return false;
        }
        lastFullScript = null;
        channel.apply(script);
        lastFullScript = script;
        return true;
    }

    /** Applies element changes; the remembered full script no longer describes the kernel after this. */
    public void applyIncremental(String script) {
        if (script.isEmpty()) {
            return;
        }
        lastFullScript = null;
        channel.apply(script);
    }

    /** Removes the agent's table (for a clean stop); fine if it is absent. */
    public void deleteTable() {
        lastFullScript = null;
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

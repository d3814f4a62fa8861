package io.vrouter.agent.nft;

import io.vrouter.agent.process.CommandResult;
import io.vrouter.agent.process.CommandRunner;
import java.util.List;

/**
 * Applies nft scripts with {@code nft -f -}: each call is one kernel transaction, so a script applies whole or
 * not at all. Remembers the last full script so that re-applying the same state leaves the kernel untouched.
 */
public final class Nft {

    private final CommandRunner runner;
    private String lastFullScript;

    public Nft(CommandRunner runner) {
        this.runner = runner;
    }

    /** Applies a full script unless it equals the last one applied. Returns true if nft ran. */
    public boolean applyFull(String script) {
        if (script.equals(lastFullScript)) {
            return false;
        }
        lastFullScript = null;
        runner.check(List.of("nft", "-f", "-"), script);
        lastFullScript = script;
        return true;
    }

    /** Applies element changes; the remembered full script no longer describes the kernel after this. */
    public void applyIncremental(String script) {
        if (script.isEmpty()) {
            return;
        }
        lastFullScript = null;
        runner.check(List.of("nft", "-f", "-"), script);
    }

    /** Removes the agent's table (for a clean stop); fine if it is absent. */
    public void deleteTable() {
        lastFullScript = null;
        runner.run(List.of("nft", "delete", "table", NftLayout.FAMILY, NftLayout.TABLE), null);
    }

    /**
     * Whether the kernel can offload established flows to a flowtable. Checked with {@code nft -c} on a dummy
     * table, which the kernel validates without keeping anything.
     */
    public boolean flowtableSupported(String anyIfname) {
        String probe = "table ip vrouter_probe {\n  flowtable f { hook ingress priority 0; devices = { \"" + anyIfname
                + "\" }; }\n}\n";
        CommandResult result = runner.run(List.of("nft", "-c", "-f", "-"), probe);
        return result.succeeded();
    }
}

package io.vrouter.agent.nft;

import io.vrouter.platform.process.CommandRunner;
import java.util.List;

/** One {@code nft -f -} process per script: the fallback when libnftables cannot be loaded into the agent. */
final class NftProcessChannel implements NftChannel {

    private final CommandRunner runner;

    NftProcessChannel(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void apply(String script) {
        runner.check(List.of("nft", "-f", "-"), script);
    }

    @Override
    public boolean accepts(String script) {
        return runner.run(List.of("nft", "-c", "-f", "-"), script).succeeded();
    }

    @Override
    public String describe() {
        return "the nft command (one process per script)";
    }

    @Override
    public void close() {
    }
}

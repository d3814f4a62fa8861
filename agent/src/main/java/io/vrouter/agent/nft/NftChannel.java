package io.vrouter.agent.nft;

import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.platform.process.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where nft scripts go. Each {@link #apply} is one kernel transaction: the script applies whole or not at all.
 *
 * <p>The agent talks to the kernel through libnftables in its own process ({@link LibNftablesChannel}): an
 * {@code nft} process per command costs a fork, an exec and a dynamic link (12-16 ms on a 2-core router), more
 * than the netlink transaction itself. When the library cannot be loaded the agent falls back to one {@code nft}
 * process per script ({@link NftProcessChannel}), slower but the same semantics.
 */
public interface NftChannel extends AutoCloseable {

    /** Applies the script as one transaction; throws with nft's own error message when the kernel refuses it. */
    void apply(String script) throws DataplaneException;

    /** Whether the kernel would accept the script; nothing is applied. */
    boolean accepts(String script);

    /** For logs: which channel this is. */
    String describe();

    @Override
    void close();

    /** libnftables when it loads, else the nft command. */
    static NftChannel open(CommandRunner runner) {
        Logger log = LoggerFactory.getLogger(NftChannel.class);
        try {
            NftChannel channel = LibNftablesChannel.open();
            log.info("nftables through {}", channel.describe());
            return channel;
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot load libnftables ({}); running one nft process per command instead", e.toString());
            return new NftProcessChannel(runner);
        }
    }
}

package io.vrouter.agent.linux;

import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the connection-tracking entries of removed NAT mappings; without this, established flows keep their
 * NAT binding and go on after the rule is gone. Best effort: the rule itself is already removed, and an entry
 * that survives dies with its timeout.
 *
 * <p>What a mapping's flows are: for an EIP, every entry whose original destination is the VIP (flows into the
 * EIP) or whose reply destination is the VIP (flows the guest started, leaving with the EIP's address); for a
 * port forwarding rule, entries of its protocol whose original destination is the VIP and a port of its range.
 */
public interface Conntrack extends AutoCloseable {

    /** Deletes the entries of all these mappings and returns when they are gone. */
    void forget(List<EipTO> eips, List<PortForwardingRuleTO> rules);

    /**
     * Deletes every entry to or translated to one of these addresses (original or reply destination), as for an EIP:
     * for addresses the router stopped holding, so that a flow still going is translated anew on its next packet.
     */
    void forgetAddresses(List<String> addresses);

    String describe();

    @Override
    void close();

    /** In the agent's process through libnetfilter_conntrack when it loads, else the conntrack command. */
    static Conntrack open(CommandRunner runner) {
        Logger log = LoggerFactory.getLogger(Conntrack.class);
        try {
            Conntrack netlink = ConntrackNetlink.open();
            log.info("connection tracking through {}", netlink.describe());
            return netlink;
        } catch (LinkageError | RuntimeException e) {
            log.warn("cannot use libnetfilter_conntrack ({}); running conntrack processes instead", e.toString());
            return new ConntrackProcesses(runner);
        }
    }
}

package io.vrouter.agent.linux;

import io.vrouter.agent.process.CommandResult;
import io.vrouter.agent.process.CommandRunner;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the connection-tracking entries of a removed NAT mapping; without this, established flows keep their
 * NAT binding and go on after the rule is gone. Best effort: the rule itself is already removed, and an entry
 * that survives dies with its timeout.
 */
public final class Conntrack {

    private static final Logger LOG = LoggerFactory.getLogger(Conntrack.class);
    /** Up to this many ports a range is cleaned port by port; beyond, by VIP and private IP (one process). */
    private static final int PER_PORT_LIMIT = 8;

    private final CommandRunner runner;

    public Conntrack(CommandRunner runner) {
        this.runner = runner;
    }

    /** Flows into the EIP (original destination = VIP) and out of it (reply destination = VIP). */
    public void forget(EipTO eip) {
        delete(List.of("conntrack", "-D", "-d", eip.vipIp()));
        delete(List.of("conntrack", "-D", "-q", eip.vipIp()));
    }

    public void forget(PortForwardingRuleTO rule) {
        String proto = rule.protocolType().toLowerCase(Locale.ROOT);
        int ports = rule.vipPortEnd() - rule.vipPortStart() + 1;
        if (ports <= PER_PORT_LIMIT) {
            for (int port = rule.vipPortStart(); port <= rule.vipPortEnd(); port++) {
                delete(List.of("conntrack", "-D", "-p", proto, "-d", rule.vipIp(), "--dport", Integer.toString(port)));
            }
        } else {
            delete(List.of("conntrack", "-D", "-p", proto, "-d", rule.vipIp(), "-r", rule.privateIp()));
        }
    }

    private void delete(List<String> argv) {
        CommandResult result = runner.run(new ArrayList<>(argv), null);
        // conntrack exits 1 when nothing matched; that is the common, fine case
        if (!result.succeeded() && !result.stderr().contains("0 flow entries")) {
            LOG.warn("{} failed: {}", String.join(" ", argv), result.stderr().strip());
        }
    }
}

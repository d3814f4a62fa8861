package io.vrouter.agent.linux;

import io.vrouter.platform.threads.DaemonThreads;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback {@link Conntrack}: one {@code conntrack -D} process per VIP, port or direction, run in parallel.
 * Each costs a fork and exec (12+ ms on a 2-core router), which is why the agent prefers netlink in-process.
 */
final class ConntrackProcesses implements Conntrack {

    private static final Logger LOG = LoggerFactory.getLogger(Conntrack.class);
    /** Up to this many ports a range is cleaned port by port; beyond, by VIP and private IP (one process). */
    private static final int PER_PORT_LIMIT = 8;

    private final CommandRunner runner;

    ConntrackProcesses(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public void forget(List<EipTO> eips, List<PortForwardingRuleTO> rules) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        eips.forEach(eip -> running.addAll(forget(eip)));
        rules.forEach(rule -> running.addAll(forget(rule)));
        running.forEach(CompletableFuture::join);
    }

    @Override
    public void forgetAddresses(List<String> addresses) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        addresses.forEach(address -> running.addAll(forgetAddress(address)));
        running.forEach(CompletableFuture::join);
    }

    @Override
    public String describe() {
        return "conntrack processes";
    }

    @Override
    public void close() {
    }

    private List<CompletableFuture<Void>> forget(EipTO eip) {
        return forgetAddress(eip.vipIp());
    }

    private List<CompletableFuture<Void>> forgetAddress(String address) {
        return List.of(delete(List.of("conntrack", "-D", "-d", address)),
                delete(List.of("conntrack", "-D", "-q", address)));
    }

    private List<CompletableFuture<Void>> forget(PortForwardingRuleTO rule) {
        String proto = rule.protocolType().toLowerCase(Locale.ROOT);
        int ports = rule.vipPortEnd() - rule.vipPortStart() + 1;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        if (ports <= PER_PORT_LIMIT) {
            for (int port = rule.vipPortStart(); port <= rule.vipPortEnd(); port++) {
                running.add(delete(List.of("conntrack", "-D", "-p", proto, "-d", rule.vipIp(), "--dport",
                        Integer.toString(port))));
            }
        } else {
            // conntrack has no port ranges: all flows from this VIP to this private IP
            running.add(delete(List.of("conntrack", "-D", "-p", proto, "-d", rule.vipIp(), "-r", rule.privateIp())));
        }
        return running;
    }

    private CompletableFuture<Void> delete(List<String> argv) {
        return CompletableFuture.runAsync(() -> {
            CommandResult result = runner.run(argv, null);
            // conntrack exits 1 when nothing matched; that is the common, fine case
            if (!result.succeeded() && !result.stderr().contains("0 flow entries")) {
                LOG.warn("{} failed: {}", String.join(" ", argv), result.stderr().strip());
            }
        }, WORKERS);
    }

    /** Daemon threads, so a stuck deletion never keeps the agent from exiting. */
    private static final java.util.concurrent.ExecutorService WORKERS =
            java.util.concurrent.Executors.newCachedThreadPool(DaemonThreads.named("conntrack"));
}

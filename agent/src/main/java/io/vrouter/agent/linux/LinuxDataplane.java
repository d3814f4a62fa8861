package io.vrouter.agent.linux;

import io.vrouter.platform.threads.DaemonThreads;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.dataplane.Dataplane;
import io.vrouter.agent.dataplane.Health;
import io.vrouter.agent.dnsmasq.DnsmasqService;
import io.vrouter.agent.nft.Nft;
import io.vrouter.agent.nft.NftChannel;
import io.vrouter.agent.nft.NftElementChanges;
import io.vrouter.agent.nft.NftRenderer;
import io.vrouter.platform.process.CommandResult;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real dataplane, for an agent running inside the router's network namespace (or VM), as root.
 *
 * <p>A rewrite re-applies nics and VIP addresses (idempotent), replaces the agent's nftables table in one
 * transaction, and makes dnsmasq's files match. Any other command, sync commands included, touches only what its
 * delta changes: map elements, VIP addresses, host files. Any failure marks the dataplane for a rewrite on the
 * next command (kube-proxy's rule: partial updates only on top of a state known to be right).
 */
public final class LinuxDataplane implements Dataplane {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxDataplane.class);
    /** Up to this many removed EIPs/rules, a command's reply waits for their conntrack entries to go. */
    private static final int WAIT_FOR_CONNTRACK_UP_TO = 4;

    /**
     * @param listenAddress the agent's address; its interface is the management nic, the only one from which
     *                      the agent port is reachable
     * @param cleanOnClose  remove the nftables table on stop (default: leave it, so traffic keeps flowing while
     *                      the agent restarts, and the next rewrite replaces it)
     */
    public record Settings(Path dataDir, String listenAddress, int agentPort, boolean cleanOnClose,
            List<String> managementNodeAddresses) {
        public Settings(Path dataDir, String listenAddress, int agentPort, boolean cleanOnClose) {
            this(dataDir, listenAddress, agentPort, cleanOnClose, List.of());
        }
    }

    private final Settings settings;
    private final Interfaces interfaces;
    private final IpCommands ip;
    private final Nft nft;
    private final NftRenderer renderer;
    private final DnsmasqService dnsmasq;
    private final Conntrack conntrack;
    private final Function<String, String> ifnameOfMac;
    /** Bulk conntrack cleanups, one at a time, off the request path. */
    private final java.util.concurrent.ExecutorService conntrackBackground =
            java.util.concurrent.Executors.newSingleThreadExecutor(DaemonThreads.named("conntrack-cleanup"));
    /** True while a VRRP pair's keepalived owns the VIP addresses (they float with the master). */
    private volatile java.util.function.BooleanSupplier vipAddressesFloat = () -> false;
    /** The kernel and files are not known to match the desired state: the next command rewrites them. */
    private volatile boolean needsRewrite = true;

    public LinuxDataplane(Settings settings, CommandRunner runner) {
        this.settings = settings;
        this.interfaces = new Interfaces();
        this.ifnameOfMac = interfaces::ifnameOf;
        this.ip = new IpCommands(runner, interfaces);
        this.nft = Nft.open(NftChannel.open(runner));
        this.conntrack = Conntrack.open(runner);
        ip.enableForwarding();
        boolean flowtable = nft.flowtableSupported("lo");
        if (!flowtable) {
            LOG.info("this kernel has no nftables flowtable support; forwarding without the fast path");
        }
        String managementIfname = ifnameOfAddress(runner, settings.listenAddress());
        if (managementIfname == null) {
            LOG.info("listening on {}: the agent port is closed on every nic but the one /configurenic calls"
                    + " Management", settings.listenAddress());
        }
        this.renderer = new NftRenderer(new NftRenderer.Options(flowtable, settings.agentPort(), managementIfname,
                settings.managementNodeAddresses()));
        if (!nft.tableExists()) {
            // a first start: the port is guarded before it opens; a restart keeps the table it finds (forwarding goes on)
            nft.applyFull(renderer.fullScript(new DesiredState(), ifnameOfMac));
        }
        this.dnsmasq = new DnsmasqService(settings.dataDir().resolve("dnsmasq"), runner);
        dnsmasq.adoptPrevious();
        JitWarmup.startInBackground();
    }

    /**
     * Compiles the code of a big sync now, on made-up state, touching neither the kernel nor a file (a warm spare
     * agent's boot, before it knows its router): a dataplane made later in this JVM then skips its own warm-up.
     */
    public static void warmUpBeforeStart() {
        JitWarmup.runNow();
    }

    @Override
    public String name() {
        return "linux";
    }

    /** Hands the VIP addresses to keepalived while {@code floating} says so: the dataplane then leaves them alone. */
    public void vipAddressesFloatWhen(java.util.function.BooleanSupplier floating) {
        this.vipAddressesFloat = floating;
    }

    /**
     * The agent's table is rewritten whole only when the kernel's state is not known to match the last desired
     * state (agent start, a failed command, {@link #reapply}) or when nics change (they move interfaces between
     * sets). Otherwise a sync command is applied as its delta against the known state, in one transaction: a
     * reconnect's syncs load each element once instead of re-loading the whole table once per service.
     */
    @Override
    public void apply(StateDelta delta, DesiredState state) {
        if (!needsRewrite && !delta.changesState()) {
            // a sync of exactly what is applied: the kernel and files are known to match already
            LOG.debug("full sync of an unchanged state: nothing to do");
            return;
        }
        // nics move interfaces between sets and dnsmasq's interface list: rare, so they rewrite everything
        boolean rewrite = needsRewrite || !delta.nics().isEmpty();
        needsRewrite = true;
        if (rewrite) {
            rewrite(delta, state);
        } else {
            incremental(delta, state);
        }
        needsRewrite = false;
    }

    /** What /init asks for: make the kernel and files match the state, whatever happened to them meanwhile. */
    @Override
    public void reapply(DesiredState state) {
        needsRewrite = true;
        apply(StateDelta.fullSyncOnly(), state);
    }

    /** Makes addresses, the whole table and dnsmasq's files match the state, whatever they were. */
    private void rewrite(StateDelta delta, DesiredState state) {
        long start = System.nanoTime();
        ip.requireInterfaces(state.nics().values());
        List<NicInfo> gone = new ArrayList<>();
        for (NicInfo nic : delta.nics().removed()) {
            NicInfo now = state.nic(nic.mac());
            // a nic that changed its address loses the old one (a pair's last router taking the gateway as its own)
            if (now == null || !now.ip().equals(nic.ip()) || !now.netmask().equals(nic.netmask())) {
                gone.add(nic);
            }
        }
        ip.unconfigure(gone);
        ip.configure(new ArrayList<>(state.nics().values()));
        if (!vipAddressesFloat.getAsBoolean()) {
            ip.removeVips(delta.vips().removed());
            ip.syncVips(state);
        }
        long t1 = System.nanoTime();
        String script = renderer.fullScript(state, ifnameOfMac);
        long t2 = System.nanoTime();
        nft.applyFull(script);
        long t3 = System.nanoTime();
        dnsmasq.sync(state, delta, ifnameOfMac);
        long t4 = System.nanoTime();
        forgetConnections(delta);
        // rewrites are rare and the expensive thing: say where the time went
        LOG.info("rewrite in {} ms: addresses {} ms, nft render {} ms + apply {} ms ({} KiB), dnsmasq {} ms",
                ms(System.nanoTime() - start), ms(t1 - start), ms(t2 - t1), ms(t3 - t2), script.length() / 1024,
                ms(t4 - t3));
    }

    private void incremental(StateDelta delta, DesiredState state) {
        long start = System.nanoTime();
        if (!vipAddressesFloat.getAsBoolean()) {
            ip.removeVips(delta.vips().removed());
            ip.addVips(delta.vips().added());
        }
        NftElementChanges changes = renderer.elementChanges(delta, state, ifnameOfMac);
        long t1 = System.nanoTime();
        nft.applyElements(changes);
        long t2 = System.nanoTime();
        if (!delta.dhcp().isEmpty() || delta.dnsChanged()) {
            if (delta.fullSync()) {
                dnsmasq.sync(state, delta, ifnameOfMac); // a rebuild: whole shards and one reload, not a file per host
            } else {
                dnsmasq.update(delta, state, ifnameOfMac);
            }
        }
        long t3 = System.nanoTime();
        forgetConnections(delta);
        if (delta.fullSync()) {
            LOG.info("sync applied as its delta in {} ms: addresses + nft render {} ms, nft apply {} ms ({} element"
                    + " changes), dnsmasq {} ms", ms(System.nanoTime() - start), ms(t1 - start), ms(t2 - t1),
                    changes.size(), ms(t3 - t2));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * After the rules are gone, so no new flow can pick up the old mapping in between. A command removing a few
     * mappings waits for the deletions (its reply means the flows are gone); a sync removing many hands them to
     * a background thread, so that walking a busy router's table never holds a sync's reply.
     */
    private void forgetConnections(StateDelta delta) {
        List<EipTO> eips = delta.eips().removed();
        List<PortForwardingRuleTO> rules = delta.portForwardings().removed();
        int mappings = eips.size() + rules.size();
        if (mappings == 0) {
            return;
        }
        if (mappings <= WAIT_FOR_CONNTRACK_UP_TO) {
            conntrack.forget(eips, rules);
            return;
        }
        conntrackBackground.execute(() -> {
            long start = System.nanoTime();
            try {
                conntrack.forget(eips, rules);
                LOG.info("forgot the connections of {} removed mappings in {} ms", mappings,
                        ms(System.nanoTime() - start));
            } catch (RuntimeException e) {
                LOG.warn("conntrack cleanup of {} mappings failed: {}", mappings, e.toString());
            }
        });
    }

    @Override
    public void forgetFlowsOf(List<String> addresses) {
        if (!addresses.isEmpty()) {
            conntrack.forgetAddresses(addresses);
            LOG.info("forgot the connections to or translated to {}, addresses this router no longer holds", addresses);
        }
    }

    /** False while a failed apply left the kernel unknown; the next command then does a full sync. */
    @Override
    public boolean inSync() {
        return !needsRewrite;
    }

    @Override
    public Health health() {
        return dnsmasq.health();
    }

    public DnsmasqService dnsmasq() {
        return dnsmasq;
    }

    @Override
    public void close() {
        conntrackBackground.shutdownNow();
        dnsmasq.close();
        if (settings.cleanOnClose()) {
            nft.deleteTable();
            LOG.info("removed the agent's nftables table");
        }
        nft.close();
        conntrack.close();
    }

    private static String ifnameOfAddress(CommandRunner runner, String address) {
        if (address == null || address.equals("0.0.0.0")) {
            return null;
        }
        CommandResult result = runner.run(List.of("ip", "-j", "-4", "addr", "show"), null);
        try {
            for (JsonNode link : new ObjectMapper().readTree(result.stdout())) {
                for (JsonNode a : link.path("addr_info")) {
                    if (address.equals(a.path("local").asText())) {
                        return link.path("ifname").asText();
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read addresses: {}", e.toString());
        }
        return null;
    }
}

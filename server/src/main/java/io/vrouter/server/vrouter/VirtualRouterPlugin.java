package io.vrouter.server.vrouter;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.host.HostOwnership;
import io.vrouter.server.image.Images;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.server.vip.Vips;
import io.vrouter.server.networkservice.NetworkServices;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.task.TaskQueues;
import io.vrouter.server.vm.VmApis;
import io.vrouter.server.vm.VmInstances;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vrouter.agent.protocol.AgentClient;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The virtual router provider as one piece: offerings, routers, the provider plugin, the ping tracker and their
 * APIs, wired here so the management node's composition root adds it with a few lines.
 */
public final class VirtualRouterPlugin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualRouterPlugin.class);
    /** Every running router is synced this often, so whatever no change marked (or a lost retry) converges. */
    private static final Duration RESYNC_INTERVAL = Duration.ofMinutes(5);

    private final VirtualRouterOfferings offerings;
    private final VirtualRouters routers;
    private final VirtualRouterProvider provider;
    private final DesiredRouterState desired;
    private final PingTracker pingTracker;
    /** Which hosts' routers this node pings, reconnects at start and resyncs on its own (several nodes share a database). */
    private final HostOwnership ownership;
    private final RouterFailover failover;
    private final RouterRepository repository;
    private final HaPairs pairs;
    private final java.util.concurrent.ExecutorService commandExecutor;
    private final TaskQueues commandQueues;
    private final java.util.concurrent.ExecutorService syncExecutor;
    private final TaskQueues syncQueues;

    public VirtualRouterPlugin(DSLContext dsl, Clock clock, TaskQueues queues, GlobalConfigs configs, Tags tags,
                               VmInstances vms, NetworkServices services, InstanceOfferings instanceOfferings,
                               Images images, AgentPackage agentPackage, Vips vips, Eips eips, PortForwardingRules portForwardings,
                               SSLContext agentTls, HostOwnership ownership) {
        this.ownership = ownership;
        this.repository = new RouterRepository(dsl, clock);
        this.pairs = new HaPairs(repository, tags, configs, new io.vrouter.server.l3.IpAllocator(dsl, clock));
        this.desired = new DesiredRouterState(repository, services,
                io.vrouter.server.networkservice.DhcpMtu.define(configs), pairs);
        // mutual TLS to every agent (agentTls: the node's identity of the installation's authority)
        HttpClient http = AgentClient.newHttpClient(Duration.ofSeconds(5), agentTls);
        // agent commands get their own threads: a reconnect waits for its commands while holding a thread of the
        // node's pool, so commands queued on that same pool could starve behind a thousand reconnects (seen at 1,000
        // routers after a restart)
        this.commandExecutor = TaskQueues.boundedExecutor("vr-cmd", 64, 1_000_000);
        this.commandQueues = new TaskQueues(commandExecutor, io.vrouter.server.task.TaskClock.system());
        RouterCommands commands = new RouterCommands(commandQueues, configs, tags, http);
        // syncs wait for their commands, and connects (on the node's pool) wait for syncs: a pool of their own each
        this.syncExecutor = TaskQueues.boundedExecutor("vr-sync", 64, 1_000_000);
        this.syncQueues = new TaskQueues(syncExecutor, io.vrouter.server.task.TaskClock.system());
        this.offerings = new VirtualRouterOfferings(dsl, instanceOfferings, images, services, tags);
        this.routers = new VirtualRouters(repository, desired, commands, offerings, vms, queues, syncQueues, configs, tags,
                agentPackage, pairs);
        RouterRules rules = new RouterRules(routers, repository, services, offerings, eips, portForwardings, vips,
                new io.vrouter.server.vm.VmDirectory(dsl));
        this.provider = new VirtualRouterProvider(routers, rules);
        this.pingTracker = new PingTracker(routers, configs, this::trackedRouters);
        this.failover = new RouterFailover(repository, routers, vms);
        desired.setRuleSource(rules);
        vips.setRouters(rules);
        services.registerProvider(provider);
        vms.addExtension(routers);
    }

    /** The boot parameters of appliance VMs (their agent secret), for the VM lifecycle, before the plugin exists. */
    public static Function<String, Map<String, String>> bootParams(DSLContext dsl, Clock clock) {
        RouterRepository repository = new RouterRepository(dsl, clock);
        return vmUuid -> repository.find(vmUuid).map(r -> Map.of("agentSecret", r.secret())).orElse(Map.<String, String>of());
    }

    public VirtualRouters routers() {
        return routers;
    }

    /**
     * The second router of a VRRP pair goes on another host than the first when one can take it (docs/ha.md), and
     * the pairs' alarms are counted in {@code vrouter.ha.pairs.alarmed}.
     */
    public void useHosts(io.vrouter.server.host.Hosts hosts, io.micrometer.core.instrument.MeterRegistry metrics) {
        routers.usePlacement(PairPlacement.of(hosts));
        pairs.bindMetrics(metrics);
    }

    /** What the node thinks of the VRRP pair of a guest L3: NONE, NO_MASTER or TWO_MASTERS (tests, the demo). */
    public String haAlarmOf(String guestL3) {
        return pairs.alarmOf(guestL3).name();
    }

    /** Every router of a guest L3 (two for a VRRP pair). */
    public List<String> routersOf(String guestL3) {
        return repository.routersOf(guestL3);
    }

    public DesiredRouterState desiredState() {
        return desired;
    }

    /**
     * For tests and scale runs: waits until the router has no sync queued, running or waiting for a retry; false
     * when it still had one after the timeout.
     */
    public boolean awaitRouterSynced(String vrUuid, Duration timeout) throws InterruptedException {
        return routers.sync().awaitIdle(vrUuid, timeout);
    }

    /** What moves routers off a host confirmed dead (a host-failure listener). */
    public RouterFailover failover() {
        return failover;
    }

    public PingTracker pingTracker() {
        return pingTracker;
    }

    /** The whole state a router's agent should hold now, from the database. */
    public DesiredRouterState.State desiredStateOf(String vrUuid) {
        return desired.of(repository.find(vrUuid).orElseThrow());
    }

    /** The running routers on the hosts this node tracks. */
    List<String> trackedRouters() {
        return repository.runningRoutersOn(ownership.ownedHosts());
    }

    /**
     * Reconnects every running router of the hosts this node tracks (after a management node start) and starts
     * pinging; routers of hosts this node takes over later are reconnected then if their last node left them
     * Connecting or Disconnected (a Connected one keeps running untouched: the pings watch it from now on).
     */
    public void start() {
        var all = trackedRouters();
        repository.clearStaleConnecting(all);
        // every running router is reconnected below; until it is, it says so (its agent may have lost its state)
        repository.markConnecting(all);
        int orphans = repository.dropOrphanClaims(VirtualRouters.ORPHAN_CLAIM_AGE);
        if (orphans > 0) {
            LOG.warn("dropped {} claim(s) of routers whose creation the previous run never finished", orphans);
        }
        if (!all.isEmpty()) {
            LOG.info("reconnecting {} running virtual routers", all.size());
        }
        all.forEach(routers::reconnectInBackground);
        ownership.onChange(hosts -> repository.runningRoutersOn(hosts).forEach(routers::reconnectUnlessConnected));
        pingTracker.start();
        routers.sync().startResync(RESYNC_INTERVAL, this::trackedRouters);
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        offerings.registerApis(catalogue, registry, queries);
        registry.register(VmApis.vmInventory("VirtualRouterVm", "virtual_router_vm_view")
                .strings("applianceVmType", "managementNetworkUuid", "publicNetworkUuid")
                .field("defaultRouteL3NetworkUuid", FieldType.STRING)
                .strings("virtualRouterOfferingUuid", "status", "haStatus")
                .expand(Expansion.one("virtualRouterOffering", "VirtualRouterOffering", "virtualRouterOfferingUuid", "uuid"))
                .expand(Expansion.many("eip", Eips.VIRTUAL_ROUTER_EIP, "uuid", "virtualRouterUuid"))
                .expand(Expansion.many("vip", Vips.VIRTUAL_ROUTER_VIP, "uuid", "virtualRouterUuid"))
                .expand(Expansion.many("portForwarding", PortForwardingRules.VIRTUAL_ROUTER_PORT_FORWARDING, "uuid", "virtualRouterUuid"))
                .build());
        queries.register("QueryVirtualRouterVm", "VirtualRouterVm", "vm-instances/appliances/virtual-routers");
        catalogue.register(ApiDefinition.of("ReconnectVirtualRouter",
                "Reconnect a virtual router: upgrade its agent if needed, restart it, reapply every network service",
                call -> {
                    routers.reconnect(call.string("vmInstanceUuid"));
                    return Replies.inventory(queries.inventory("VirtualRouterVm", call.string("vmInstanceUuid")));
                },
                ApiParam.required("vmInstanceUuid", ParamType.UUID, "the virtual router VM")));
    }

    @Override
    public void close() {
        pingTracker.close();
        failover.close();
        routers.haWatch().close();
        pairs.close();
        routers.sync().close();
        syncQueues.beginShutdown();
        syncExecutor.shutdownNow();
        commandQueues.beginShutdown();
        commandExecutor.shutdownNow();
    }
}

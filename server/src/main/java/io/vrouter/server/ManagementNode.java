package io.vrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vrouter.agent.protocol.InProcessAgents;
import io.vrouter.agent.protocol.hostagent.NodeHostAgent;
import io.vrouter.server.account.Accounts;
import io.vrouter.server.account.LoginThrottle;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.db.Database;
import io.vrouter.server.http.ApiServer;
import io.vrouter.server.http.Json;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryEngine;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.vrouter.VirtualRouterSettings;
import io.vrouter.server.zone.Zones;
import io.vrouter.server.cluster.Clusters;
import io.vrouter.server.host.Hosts;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.l3.IpRanges;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.managementnode.ManagementNodes;
import io.vrouter.server.hostfailure.HostFailureDetector;
import io.vrouter.server.hypervisor.simulator.SimulatorHostLiveness;

import io.vrouter.server.hypervisor.Hypervisors;
import io.vrouter.server.hypervisor.netns.NetnsPlugin;
import io.vrouter.server.hypervisor.netns.NetnsSettings;
import io.vrouter.server.hypervisor.simulator.SimulatorHypervisor;
import io.vrouter.server.backupstorage.BackupStorages;
import io.vrouter.server.image.Images;
import io.vrouter.server.l3.IpAllocator;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.task.TaskClock;
import io.vrouter.server.task.TaskQueues;
import io.vrouter.server.vm.VmApis;
import io.vrouter.server.vm.VmInstances;
import io.vrouter.server.task.FlowJournal;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.networkservice.NetworkServices;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.server.vrouter.AgentPackage;
import io.vrouter.server.vrouter.VirtualRouterPlugin;
import io.vrouter.server.vrouter.simulator.SimulatorRouterAgents;
import io.vrouter.server.console.ConsoleFiles;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.events.EventStream;
import io.vrouter.server.events.LiveEvents;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.server.vip.Vips;
import io.vrouter.server.zstack.ZStackWire;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;

/**
 * The composition root: creates every package's service in dependency order, lets each register its APIs,
 * inventories, global configs and tag formats, then opens the HTTP port. No container, no reflection: what the
 * node is made of is readable here, top to bottom.
 */
public final class ManagementNode implements AutoCloseable {
    public static final String VERSION = "0.1.0";

    private final NodeOptions options;
    private final Database database;
    private final ApiCatalogue catalogue;
    private final QueryEngine queryEngine;
    private final GlobalConfigs globalConfigs;
    private final Tags tags;
    // infrastructure read APIs, for the packages that build on them
    private final Zones zones;
    private final Clusters clusters;
    private final Hosts hosts;
    private final ManagementNodes managementNodes;
    private final HostFailureDetector hostFailures;
    private final L2Networks l2Networks;
    private final IpRanges ipRanges;
    private final L3Networks l3Networks;
    private final ApiServer apiServer;
    private final PrometheusMeterRegistry metrics;
    private final ExecutorService taskExecutor;
    private final TaskQueues taskQueues;
    private final Hypervisors hypervisors;
    private final SimulatorHypervisor simulator;
    private final VmInstances vms;
    private final FlowJournal flowJournal;
    private AutoCloseable journalRetry = () -> { };
    private final NetworkServices networkServices;
    private final SimulatorRouterAgents simulatorAgents;
    private final VirtualRouterPlugin virtualRouters;
    private final Vips vips;
    private final Eips eips;
    private final PortForwardingRules portForwarding;
    private final NetnsPlugin netns;
    private final ZStackWire zstackWire;
    private final Accounts accounts;
    private final QueryApis queries;
    private final DataDirectory dataDir;
    private final LiveEvents liveEvents;
    private final EventStream eventStream;
    private int port;

    /**
     * @param inProcessAgents runs the agents of Simulator routers in this JVM (the agent module's
     *                        {@code InProcessAgentHost}); the node closes it
     */
    public ManagementNode(NodeOptions options, Clock clock, InProcessAgents inProcessAgents) {
        this(options, clock, inProcessAgents, NodeHostAgent.NONE);
    }

    /**
     * @param inProcessAgents runs the agents of Simulator routers in this JVM (the agent module's
     *                        {@code InProcessAgentHost}); the node closes it
     * @param nodeHostAgent   the host agent of this machine, run by the node (the host agent module's
     *                        {@code InProcessHostAgent}): a Netns host at one of this machine's addresses needs no agent
     *                        started by hand; the node closes it
     */
    public ManagementNode(NodeOptions options, Clock clock, InProcessAgents inProcessAgents, NodeHostAgent nodeHostAgent) {
        this.options = options;
        this.dataDir = DataDirectory.open(options.dataDir());
        String url = options.dbUrl() != null ? options.dbUrl() : Database.h2FileUrl(options.dataDir());
        this.database = Database.open(url, options.dbUser(), options.dbPassword(), 32);
        try {
            dataDir.restrictFiles(); // the database files H2 just created
            ObjectMapper json = Json.newMapper();
            this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.catalogue = new ApiCatalogue();
            QueryRegistry registry = new QueryRegistry();
            this.queryEngine = new QueryEngine(database.dsl(), registry);
            this.queries = new QueryApis(catalogue, queryEngine);

            this.globalConfigs = new GlobalConfigs(database.dsl(), clock);
            globalConfigs.registerApis(catalogue, registry, queries);

            this.accounts = new Accounts(database.dsl(), clock, globalConfigs, new LoginThrottle(clock, metrics));
            accounts.registerApis(catalogue);
            accounts.ensureAdmin(options.adminPassword(), options.dataDir().resolve("admin-password"));

            ResourceTypes resourceTypes = new ResourceTypes(database.dsl());
            accounts.registerResourceType(resourceTypes);
            this.tags = new Tags(database.dsl(), clock, resourceTypes);
            tags.registerApis(catalogue, registry, queries);
            VirtualRouterSettings.register(globalConfigs, tags);

            // ---- infrastructure: zones, clusters, hosts, L2 and L3 networks, IP ranges (parent before child)
            this.zones = new Zones(database.dsl(), clock, tags, resourceTypes);
            zones.registerApis(catalogue, registry, queries);
            this.clusters = new Clusters(database.dsl(), clock, tags, resourceTypes);
            clusters.registerApis(catalogue, registry, queries);
            clusters.registerDeletionGuards(zones);
            this.l2Networks = new L2Networks(database.dsl(), clock, tags, resourceTypes);
            l2Networks.registerApis(catalogue, registry, queries);
            l2Networks.registerDeletionGuards(zones);
            this.hosts = new Hosts(database.dsl(), clock, tags, resourceTypes, clusters, l2Networks);
            hosts.registerApis(catalogue, registry, queries);
            hosts.registerDeletionGuards(clusters);
            // ---- this node among the nodes sharing the database, and the hosts it tracks
            this.managementNodes = new ManagementNodes(database.dsl(), clock, globalConfigs, hosts::uuids, localHostName());
            managementNodes.registerApis(catalogue, registry, queries);
            hosts.onAdded(managementNodes::adopt);
            this.ipRanges = new IpRanges(database.dsl(), clock, tags, resourceTypes);
            this.l3Networks = new L3Networks(database.dsl(), clock, tags, resourceTypes, ipRanges);
            l3Networks.registerApis(catalogue, registry, queries); // registers the IP ranges' APIs too
            l3Networks.registerDeletionGuards(l2Networks);
            // ---- end of infrastructure

            // ---- resources: images, offerings, VMs on the hypervisor backends
            this.taskExecutor = TaskQueues.boundedExecutor("task", 512, 100_000);
            this.taskQueues = new TaskQueues(taskExecutor, TaskClock.system(), metrics);
            this.hypervisors = new Hypervisors();
            this.simulator = new SimulatorHypervisor();
            hypervisors.register(simulator);
            IpAllocator ipAllocator = new IpAllocator(database.dsl(), clock);
            BackupStorages backupStorages = new BackupStorages(database.dsl(), clock, tags);
            backupStorages.registerApis(catalogue, registry, queries, resourceTypes);
            backupStorages.registerDeletionCascades(zones);
            Images images = new Images(database.dsl(), clock, tags, backupStorages);
            images.registerApis(catalogue, registry, queries, resourceTypes);
            InstanceOfferings offerings = new InstanceOfferings(database.dsl(), clock, tags);
            offerings.registerApis(catalogue, registry, queries, resourceTypes);
            // what flows leave half done when the node dies; this process's runs carry a new id at every start
            // runs are written under this node's membership uuid, so other nodes ask the membership whether it lives
            this.flowJournal = new FlowJournal(database.dsl(), clock, managementNodes.uuid());
            io.micrometer.core.instrument.Gauge.builder("vrouter_flow_undo_pending", flowJournal, FlowJournal::pendingCount)
                    .description("recorded flow steps waiting for an undo (left by a crash, or whose undo failed)").register(metrics);
            this.vms = new VmInstances(database.dsl(), clock, hosts, l2Networks, l3Networks, ipAllocator, hypervisors, taskQueues,
                    VirtualRouterPlugin.bootParams(database.dsl(), clock), flowJournal);
            vms.registerDeletionGuards(zones, clusters, hosts, l2Networks, l3Networks, images, offerings);
            new VmApis(l3Networks, vms, images, offerings).registerApis(catalogue, registry, queries, resourceTypes);

            // ---- VIPs, EIPs, port forwarding (issue 6). Until the virtual router provider calls
            // vips.setRouters, they are records only. VM destroy detaches them.
            this.vips = new Vips(database.dsl(), clock, ipAllocator, tags);
            vips.registerApis(catalogue, registry, queries, resourceTypes);
            this.eips = new Eips(database.dsl(), clock, vips, tags);
            eips.registerApis(catalogue, registry, queries, resourceTypes);
            this.portForwarding = new PortForwardingRules(database.dsl(), clock, vips, tags);
            portForwarding.registerApis(catalogue, registry, queries, resourceTypes);
            // VM destroy detaches the VM's rules of every kind on VIPs
            vms.addExtension(vips);

            // ---- network services and the virtual router provider
            this.networkServices = new NetworkServices(database.dsl(), clock);
            networkServices.registerApis(catalogue, registry, queries);
            vms.addExtension(networkServices);
            // netns backend: the agent jar is the shipped package when there is one (see NetnsPlugin.agentPackage)
            NetnsSettings netnsSettings = NetnsSettings.fromEnvironment(options.dataDir());
            AgentPackage agentPackage = NetnsPlugin.agentPackage(netnsSettings, VERSION);
            // the installation's certificate authority: agents get certificates of it, the node presents one (docs/tls.md)
            CertificateAuthority agentAuthority = CertificateAuthority.loadOrCreate(options.dataDir().resolve("tls"),
                    "vrouter installation");
            // every certificate given to an agent is recorded; a destroyed router's or deleted host's is refused
            io.vrouter.server.agentcert.AgentCertificates agentCertificates =
                    new io.vrouter.server.agentcert.AgentCertificates(database.dsl(), java.time.Clock.systemUTC(), agentAuthority);
            SSLContext agentTls = agentCertificates.guard(AgentTls.nodeContext(agentAuthority.issue(PeerRole.MANAGEMENT_NODE,
                    "management node", java.util.List.of()), agentCertificates));
            // the Simulator's agents share one address, so their certificate names it rather than a router
            inProcessAgents.useTls(AgentTls.agentContext(agentAuthority.issue(PeerRole.AGENT, "simulator agents",
                    java.util.List.of("127.0.0.1"))));
            this.simulatorAgents = new SimulatorRouterAgents(agentPackage, inProcessAgents);
            simulator.setApplianceRuntime(simulatorAgents);
            this.virtualRouters = new VirtualRouterPlugin(database.dsl(), clock, taskQueues, globalConfigs, tags, vms,
                    networkServices, offerings, images, agentPackage, vips, eips, portForwarding, agentTls, managementNodes);
            virtualRouters.routers().registerAgents(SimulatorHypervisor.TYPE, simulatorAgents);
            virtualRouters.useHosts(hosts, metrics);
            virtualRouters.registerApis(catalogue, registry, queries);
            l3Networks.onDnsChanged(virtualRouters.routers()::guestL3Changed);
            networkServices.onServicesChanged(virtualRouters.routers()::guestL3Changed);

            // ---- dead hosts: confirmed by the rule of the hostfailure package, their routers re-created elsewhere, what
            // a returning host still holds of them destroyed before it is Connected
            this.hostFailures = new HostFailureDetector(hosts, managementNodes, globalConfigs);
            hostFailures.registerLiveness(new SimulatorHostLiveness(simulator));
            hostFailures.addListener(virtualRouters.failover());
            hostFailures.addListener(new io.vrouter.server.hostfailure.HostFailureListener() {
                @Override
                public void agentLost(io.vrouter.server.host.HostRecord host) {
                    // they may well run (nothing on the data path needs the agent): nobody can tell
                    int unknown = vms.markUnknownOn(host.uuid());
                    org.slf4j.LoggerFactory.getLogger(ManagementNode.class).warn("host {} lost its agent: {} VM(s) Unknown",
                            host.name(), unknown);
                }

                @Override
                public void hostReturned(io.vrouter.server.host.HostRecord host) {
                    vms.markKnownOn(host.uuid()); // its agent answers again (a Netns host's reconnect did it already)
                    vms.reconcileHypervisors(); // what the host kept of VMs still its own runs again
                }
            });
            hosts.registerConnectGate(host -> vms.destroyFencedCopies(host.uuid()));

            // ---- netns backend: VMs as network namespaces on this host, AddNetnsHost, real router agents
            this.netns = new NetnsPlugin(netnsSettings, database.dsl(), hypervisors, hosts, l2Networks, vms, globalConfigs,
                    virtualRouters.routers(), nodeHostAgent, agentCertificates);
            netns.registerApis(catalogue, queries);
            hostFailures.registerLiveness(netns.liveness());
            // ---- end of netns backend

            ApiDispatcher dispatcher = new ApiDispatcher(catalogue, accounts, json, metrics);
            this.apiServer = new ApiServer(dispatcher, catalogue, queries, json, metrics, VERSION);
            // ---- ZStack's own wire (RPC envelope, REST v1) on the same port, in front of the same dispatcher
            this.zstackWire = new ZStackWire(catalogue, dispatcher, apiServer, clock);

            // ---- the web console: its files at /, live events (router statuses, API outcomes) at /v1/events
            this.liveEvents = new LiveEvents();
            virtualRouters.routers().onStatusChanged((vr, status) -> liveEvents.status("VirtualRouterVm", vr, status));
            dispatcher.onOutcome(liveEvents::apiCall);
            this.eventStream = new EventStream(liveEvents, accounts, json);
            apiServer.extend(eventStream::addRoutes);
            apiServer.extend(ConsoleFiles.fromEnvironment()::addRoutes);
        } catch (RuntimeException e) {
            inProcessAgents.close();
            nodeHostAgent.close();
            database.close();
            throw e;
        }
    }

    private static String localHostName() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Opens the API port; returns the URL clients use. */
    public String start() {
        // first undo what dead nodes left half done, then settle what remains mid-operation and let the hypervisors
        // agree. The embedded database is one node's: every run but this process's is a dead run of the node. On a
        // shared database (several nodes) the membership says which nodes are gone: a live node's flows and VM
        // operations are its own to finish, and a node that dies has its runs undone by the others' periodic pass
        java.util.function.Predicate<String> deadNode = sharedDatabase()
                ? managementNodes::isGone : nodeId -> !nodeId.equals(flowJournal.nodeId());
        flowJournal.recover(deadNode);
        // an undo that failed (here or in a flow's own rollback), or a run of a node that died since, is retried
        journalRetry = flowJournal.retryEvery(sharedDatabase() ? Duration.ofSeconds(15) : Duration.ofMinutes(1), deadNode);
        if (sharedDatabase() && managementNodes.othersLive()) {
            // their VMs mid-operation are theirs, and reconciling hosts they drive would undo what they are making
            org.slf4j.LoggerFactory.getLogger(ManagementNode.class).info(
                    "other management nodes are live: VMs mid-operation and the hosts' reconciles are left to them");
        } else {
            vms.recoverAfterRestart();
        }
        accounts.sessions().startPurging();
        port = apiServer.start(options.host(), options.port());
        // join before acting on hosts: the first round tells which hosts (and so which routers) are this node's
        managementNodes.start();
        virtualRouters.start();
        hostFailures.start();
        return url();
    }

    /** Whether the database may be shared with other management nodes (PostgreSQL; the embedded H2 is one node's). */
    private boolean sharedDatabase() {
        return database.dialect() != org.jooq.SQLDialect.H2;
    }

    public String url() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return "http://" + host + ":" + port;
    }

    public Database database() {
        return database;
    }

    public ApiCatalogue catalogue() {
        return catalogue;
    }

    public QueryEngine queryEngine() {
        return queryEngine;
    }

    /** The Query APIs and their REST collections. */
    public QueryApis queries() {
        return queries;
    }

    public GlobalConfigs globalConfigs() {
        return globalConfigs;
    }

    public Tags tags() {
        return tags;
    }

    public SimulatorHypervisor simulator() {
        return simulator;
    }

    public VmInstances vms() {
        return vms;
    }

    public FlowJournal flowJournal() {
        return flowJournal;
    }

    public SimulatorRouterAgents simulatorAgents() {
        return simulatorAgents;
    }

    public VirtualRouterPlugin virtualRouters() {
        return virtualRouters;
    }

    /** The netns backend (its hypervisor: names, cleanup). */
    public NetnsPlugin netns() {
        return netns;
    }

    /** The live events the console streams. */
    public LiveEvents liveEvents() {
        return liveEvents;
    }

    public NetworkServices networkServices() {
        return networkServices;
    }

    public Zones zones() {
        return zones;
    }

    public Clusters clusters() {
        return clusters;
    }

    public Hosts hosts() {
        return hosts;
    }

    /** The host-failure detector: the rule's rounds, its liveness probes by hypervisor type. */
    public HostFailureDetector hostFailures() {
        return hostFailures;
    }

    /** This node's membership: its uuid, the hosts it tracks. */
    public ManagementNodes managementNodes() {
        return managementNodes;
    }

    public L2Networks l2Networks() {
        return l2Networks;
    }

    public IpRanges ipRanges() {
        return ipRanges;
    }

    public L3Networks l3Networks() {
        return l3Networks;
    }

    public Vips vips() {
        return vips;
    }

    public Eips eips() {
        return eips;
    }

    public PortForwardingRules portForwarding() {
        return portForwarding;
    }

    @Override
    public void close() {
        // stop taking requests first, so no request sees a closed database
        try {
            closeQuietly(journalRetry);
            apiServer.close();
            zstackWire.close();
            eventStream.close();
            // leave: the other nodes take this node's hosts at their next round
            managementNodes.close();
            hostFailures.close();
            virtualRouters.close();
            taskQueues.beginShutdown();
            try {
                taskQueues.awaitTermination(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            taskExecutor.shutdownNow();
            accounts.sessions().close();
            simulatorAgents.close();
            netns.close();
            liveEvents.close();
            metrics.close();
            database.close();
            dataDir.restrictFiles(); // anything the database wrote on its way out
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ManagementNode.class).warn("closing {}: {}", closeable, e.toString());
        }
    }
}

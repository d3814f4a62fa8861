package io.vrouter.agent.core;

import io.vrouter.agent.protocol.SecretCheck;

import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.state.DesiredState;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.vrouter.agent.dataplane.Dataplane;
import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.agent.dataplane.Health;
import io.vrouter.agent.protocol.AddDhcpCmd;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.AgentReply;
import io.vrouter.agent.protocol.DnsCmd;
import io.vrouter.agent.protocol.EchoReply;
import io.vrouter.agent.protocol.EipCmd;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.HaStatusCmd;
import io.vrouter.agent.ha.Ha;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.protocol.InitCmd;
import io.vrouter.agent.protocol.NicsCmd;
import io.vrouter.agent.protocol.PingReply;
import io.vrouter.agent.protocol.PortForwardingCmd;
import io.vrouter.agent.protocol.RemoveDhcpCmd;
import io.vrouter.agent.protocol.RemoveSnatCmd;
import io.vrouter.agent.protocol.SetSnatCmd;
import io.vrouter.agent.protocol.StatusReply;
import io.vrouter.agent.protocol.SyncEipCmd;
import io.vrouter.agent.protocol.SyncSnatCmd;
import io.vrouter.agent.protocol.VipsCmd;
import io.vrouter.platform.process.CommandFailedException;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual router agent, without a transport: takes a path, the caller's {@code Authorization} header and a
 * JSON body, and answers with a status and a reply. Commands are validated whole before anything changes, run
 * one at a time, and are applied through the {@link Dataplane}; a command that fails leaves the state as it was.
 * Holds no thread of its own, so a thousand of them fit in one process.
 */
public final class Agent {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** One mapper per process: it is thread-safe and big. */
    private static final ObjectMapper JSON = AgentJson.newMapper();
    private static final long SLOW_COMMAND_NANOS = 100_000_000;

    /** A command's body type and the planner that turns it into a change. */
    private record Route<C>(Class<C> type, BiFunction<DesiredState, C, StateDelta> planner) {
        StateDelta plan(DesiredState state, Object body) {
            return planner.apply(state, type.cast(body));
        }
    }

    private static final Map<String, Route<?>> ROUTES = Map.ofEntries(
            Map.entry(AgentPaths.CONFIGURE_NIC, new Route<>(NicsCmd.class, NicPlanner::configure)),
            Map.entry(AgentPaths.REMOVE_NIC, new Route<>(NicsCmd.class, NicPlanner::remove)),
            Map.entry(AgentPaths.ADD_DHCP, new Route<>(AddDhcpCmd.class, DhcpPlanner::add)),
            Map.entry(AgentPaths.REMOVE_DHCP, new Route<>(RemoveDhcpCmd.class, DhcpPlanner::remove)),
            Map.entry(AgentPaths.SET_DNS, new Route<>(DnsCmd.class, DnsPlanner::set)),
            Map.entry(AgentPaths.REMOVE_DNS, new Route<>(DnsCmd.class, DnsPlanner::remove)),
            Map.entry(AgentPaths.SET_SNAT, new Route<>(SetSnatCmd.class, SnatPlanner::set)),
            Map.entry(AgentPaths.REMOVE_SNAT, new Route<>(RemoveSnatCmd.class, SnatPlanner::remove)),
            Map.entry(AgentPaths.SYNC_SNAT, new Route<>(SyncSnatCmd.class, SnatPlanner::sync)),
            Map.entry(AgentPaths.CREATE_VIP, new Route<>(VipsCmd.class, VipPlanner::create)),
            Map.entry(AgentPaths.REMOVE_VIP, new Route<>(VipsCmd.class, VipPlanner::remove)),
            Map.entry(AgentPaths.SYNC_VIP, new Route<>(VipsCmd.class, VipPlanner::sync)),
            Map.entry(AgentPaths.CREATE_EIP, new Route<>(EipCmd.class, EipPlanner::create)),
            Map.entry(AgentPaths.REMOVE_EIP, new Route<>(EipCmd.class, EipPlanner::remove)),
            Map.entry(AgentPaths.SYNC_EIP, new Route<>(SyncEipCmd.class, EipPlanner::sync)),
            Map.entry(AgentPaths.CREATE_PORT_FORWARDING, new Route<>(PortForwardingCmd.class, PortForwardingPlanner::create)),
            Map.entry(AgentPaths.REVOKE_PORT_FORWARDING, new Route<>(PortForwardingCmd.class, PortForwardingPlanner::revoke)),
            Map.entry(AgentPaths.SYNC_PORT_FORWARDING, new Route<>(PortForwardingCmd.class, PortForwardingPlanner::sync)));

    private final String name;
    private final SecretCheck secret;
    private final Dataplane dataplane;
    private final AgentIdentity identity;
    private final Ha ha;
    private final Object lock = new Object();
    private final DesiredState state = new DesiredState();
    private volatile String uuid;

    /**
     * @param name a label for logs and errors (the VR's name or id)
     * @param secret what callers must present as {@code Authorization: Bearer <secret>}
     */
    public Agent(String name, String secret, Dataplane dataplane, AgentIdentity identity) {
        this(name, secret, dataplane, identity, new RecordingHa());
    }

    /** @param ha the router's part in a VRRP pair (idle until {@code /configureha} enables it) */
    public Agent(String name, String secret, Dataplane dataplane, AgentIdentity identity, Ha ha) {
        this.name = name;
        this.secret = new SecretCheck(secret);
        this.dataplane = dataplane;
        this.identity = identity;
        this.ha = ha;
    }

    public Ha ha() {
        return ha;
    }

    /** True when {@code authorization} carries this agent's secret: for paths served beside {@link #handle}. */
    public boolean authorizes(String authorization) {
        return secret.accepts(authorization);
    }

    public String name() {
        return name;
    }

    public Dataplane dataplane() {
        return dataplane;
    }

    /**
     * Handles one request. {@code path} is one of {@link AgentPaths}; {@code body} may be empty for bodiless
     * commands. Never throws: every failure becomes a {@code success=false} reply.
     */
    public AgentResponse handle(String path, String authorization, byte[] body) {
        if (AgentPaths.ECHO.equals(path)) {
            return new AgentResponse(200, new EchoReply(true, null, identity.version(), identity.md5()));
        }
        if (!secret.accepts(authorization)) {
            // say which agent refused, never what was expected
            return new AgentResponse(401, AgentReply.failure("agent " + name + ": " + path
                    + " needs header Authorization: Bearer <the agent's secret>"));
        }
        if (AgentPaths.PING.equals(path)) {
            Health health = dataplane.health();
            return new AgentResponse(200, new PingReply(true, null, uuid, identity.version(), health.healthy(),
                    health.detail(), identity.md5(), ha.status().state().name()));
        }
        if (AgentPaths.HA_STATUS.equals(path)) {
            // a long poll: outside the lock, so commands go on while the management node waits
            try {
                HaStatusCmd cmd = parse(HaStatusCmd.class, body);
                return new AgentResponse(200, ha.status().await(cmd.knownVersion(), cmd.waitMillis()));
            } catch (InvalidCommandException e) {
                return new AgentResponse(400, AgentReply.failure(path + ": " + e.getMessage()));
            }
        }
        if (AgentPaths.STATUS.equals(path)) {
            return new AgentResponse(200, status());
        }
        if (AgentPaths.ANNOUNCE_HA.equals(path)) {
            // changes no state: outside the lock, so it leaves at once even while a big sync runs
            try {
                int announced = ha.announce();
                LOG.info("agent {}: announced {} floating address(es) again ({})", name, announced, ha.status().state());
                return new AgentResponse(200, AgentReply.ok());
            } catch (RuntimeException e) {
                LOG.warn("agent {}: {} failed: {}", name, path, e.toString());
                return new AgentResponse(500, AgentReply.failure("agent " + name + ": " + path + " failed: " + e.getMessage()));
            }
        }
        Route<?> route = ROUTES.get(path);
        if (route == null && !AgentPaths.INIT.equals(path) && !AgentPaths.CONFIGURE_HA.equals(path)) {
            return new AgentResponse(404, AgentReply.failure("agent " + name + ": unknown path " + path));
        }
        long start = System.nanoTime();
        boolean success = false;
        dataplane.commandStarted(path);
        try {
            AgentResponse response = AgentPaths.INIT.equals(path) ? init(body)
                    : AgentPaths.CONFIGURE_HA.equals(path) ? configureHa(body) : run(path, route, body);
            success = response.status() == 200;
            return response;
        } catch (InvalidCommandException e) {
            return new AgentResponse(400, AgentReply.failure(path + ": " + e.getMessage()));
        } catch (DataplaneException | CommandFailedException e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            LOG.warn("agent {}: {} failed after {} ms: {}", name, path, ms, e.getMessage());
            return new AgentResponse(500, AgentReply.failure("agent " + name + ": " + path + " failed after " + ms
                    + " ms, nothing changed: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("agent {}: {} failed unexpectedly", name, path, e);
            return new AgentResponse(500, AgentReply.failure("agent " + name + ": " + path + " failed: " + e));
        } finally {
            dataplane.commandFinished(path, success);
        }
    }

    private AgentResponse run(String path, Route<?> route, byte[] body) {
        long start = System.nanoTime();
        Object command = parse(route.type(), body);
        long parsed = System.nanoTime();
        synchronized (lock) {
            long locked = System.nanoTime();
            StateDelta delta = route.plan(state, command);
            long planned = System.nanoTime();
            apply(path, delta);
            if (!delta.vips().isEmpty()) {
                // VIPs float with the master: keepalived learns the new set (a reload keeps its state)
                ha.vipsChanged(state);
            }
            long applied = System.nanoTime();
            if (applied - start > SLOW_COMMAND_NANOS) {
                // big syncs are where an operator looks first: say where the time went
                LOG.info("agent {}: {} ({} KiB) took {} ms: parse {} ms, wait {} ms, plan {} ms, apply {} ms", name,
                        path, body.length / 1024, ms(applied - start), ms(parsed - start), ms(locked - parsed),
                        ms(planned - locked), ms(applied - planned));
            }
        }
        return new AgentResponse(200, AgentReply.ok());
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private AgentResponse init(byte[] body) {
        InitCmd cmd = parse(InitCmd.class, body);
        String newUuid = Checks.required("uuid", cmd.uuid());
        synchronized (lock) {
            dataplane.reapply(state);
            uuid = newUuid;
        }
        LOG.info("agent {}: initialised as {}", name, newUuid);
        return new AgentResponse(200, AgentReply.ok());
    }

    /**
     * Makes the router one of a VRRP pair (or a plain one again). Checked whole first: addresses, the nics named
     * (they must have been configured), the VRRP id and the advert interval.
     */
    private AgentResponse configureHa(byte[] body) {
        HaConfig cmd = parse(HaConfig.class, body);
        synchronized (lock) {
            if (cmd.enabled()) {
                HaChecks.check(cmd, state);
            }
            boolean wasHolding = ha.holdsVipAddresses();
            HaConfig before = ha.config();
            ha.configure(cmd.enabled() ? cmd : HaConfig.DISABLED, state);
            if (wasHolding != ha.holdsVipAddresses()) {
                // the VIP addresses change hands between keepalived and the dataplane
                dataplane.reapply(state);
            }
            if (before.enabled() && !cmd.enabled()) {
                // a flow through SNAT that outlives the pair stays translated to the floating address, which is gone
                dataplane.forgetFlowsOf(floatingAddressesGone(before));
            }
        }
        LOG.info("agent {}: HA {}", name, cmd.enabled() ? "enabled (VRID " + cmd.virtualRouterId() + ", peer "
                + cmd.peerAddress() + (cmd.standDown() ? ", standing down" : "") + ")" : "disabled");
        return new AgentResponse(200, AgentReply.ok());
    }

    /** The pair's floating addresses that no nic of the router holds as its own now that the pair is gone. */
    private List<String> floatingAddressesGone(HaConfig pair) {
        Set<String> held = new HashSet<>();
        state.nics().values().forEach(nic -> held.add(nic.ip()));
        return pair.floatingAddresses().stream().map(HaConfig.FloatingAddress::ip).filter(ip -> !held.contains(ip)).toList();
    }

    /** Applies under the lock: state first (the dataplane reads it), rolled back if the dataplane refuses. */
    private void apply(String path, StateDelta delta) {
        if (delta.isNoop()) {
            LOG.debug("agent {}: {} changes nothing", name, path);
            return;
        }
        long start = System.nanoTime();
        state.apply(delta);
        try {
            dataplane.apply(delta, state);
        } catch (RuntimeException e) {
            state.apply(delta.inverse());
            throw e instanceof DataplaneException ? e
                    : e instanceof CommandFailedException ? new DataplaneException(e.getMessage(), e)
                    : new DataplaneException(e.toString(), e);
        }
        LOG.debug("agent {}: {} applied {} in {} us", name, path, delta, (System.nanoTime() - start) / 1000);
    }

    private <C> C parse(Class<C> type, byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidCommandException("missing JSON body");
        }
        try {
            C command = JSON.readValue(body, type);
            if (command == null) {
                throw new InvalidCommandException("body is null, expected a JSON object");
            }
            return command;
        } catch (MismatchedInputException e) {
            throw new InvalidCommandException("field " + fieldPath(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidCommandException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCommandException("unreadable body: " + e.getMessage());
        }
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(root)" : path.toString();
    }

    /** The whole desired state; {@code inSync} is false while the dataplane owes a full sync. */
    public StatusReply status() {
        synchronized (lock) {
            return new StatusReply(true, null, uuid, identity.version(), identity.md5(), dataplane.inSync(),
                    List.copyOf(state.nics().values()), List.copyOf(state.dhcp().values()), List.copyOf(state.dns()),
                    List.copyOf(state.snats().values()), List.copyOf(state.vips().values()),
                    List.copyOf(state.eips().values()), List.copyOf(state.portForwardings().values()));
        }
    }
}

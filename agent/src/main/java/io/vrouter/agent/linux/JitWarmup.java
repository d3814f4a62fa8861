package io.vrouter.agent.linux;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.core.Agent;
import io.vrouter.agent.core.AgentIdentity;
import io.vrouter.agent.core.AgentResponse;
import io.vrouter.agent.state.DesiredState;
import io.vrouter.agent.state.StateDelta;
import io.vrouter.agent.dataplane.Dataplane;
import io.vrouter.agent.dnsmasq.DnsmasqRenderer;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.agent.nft.Nft;
import io.vrouter.agent.nft.NftRenderer;
import io.vrouter.agent.protocol.AddDhcpCmd;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.NicsCmd;
import io.vrouter.agent.protocol.PortForwardingCmd;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SyncEipCmd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the code of a big sync once, at start, on made-up state that never leaves the process: JSON parsing,
 * planning, the desired state, nft element rendering and netlink encoding, dnsmasq host lines. The agent runs
 * with only the quick JIT, which compiles a method after a few hundred calls; without this the first sync after
 * an agent restart (a reconnect's) ran interpreted code and took ~1.8x as long as the next. It runs on a
 * background thread of low priority, through a private {@link Agent} whose dataplane touches neither the kernel
 * nor a file; the real agent serves commands meanwhile.
 */
final class JitWarmup implements Dataplane {

    private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);
    private static final String SECRET = "jit-warmup";
    private static final String PUBLIC_MAC = "02:00:00:00:00:01";
    private static final String GUEST_MAC = "02:00:00:00:00:02";
    /** Enough calls of each method for the quick JIT to compile it, few enough to cost ~0.2 s of CPU once. */
    private static final int RULES = 2_000;
    private static final int ROUNDS = 3;

    private final NftRenderer nft = new NftRenderer(new NftRenderer.Options(false, 7272, null));
    private final DnsmasqRenderer dnsmasq = new DnsmasqRenderer(Path.of("/nonexistent"));

    /** Set once a warm-up ran in this JVM (a warm spare's, before its hand-over): the code is compiled already. */
    private static volatile boolean done;

    JitWarmup() {
    }

    /** Runs the warm-up now, on the calling thread (a warm spare, which has nothing else to do yet). */
    static void runNow() {
        long start = System.nanoTime();
        try {
            new JitWarmup().run();
            done = true;
            LOG.info("JIT warm-up (made-up state, nothing applied) done in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | java.io.IOException e) {
            LOG.warn("JIT warm-up failed (the agent works without it): {}", e.toString());
        }
    }

    /** Runs the warm-up on a background thread, unless one ran in this JVM already. */
    static void startInBackground() {
        if (done) {
            return;
        }
        Thread thread = new Thread(JitWarmup::runNow, "jit-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Package-private for the test that the made-up state is accepted (a rejected one would warm error paths). */
    void run() throws java.io.IOException {
        ObjectMapper json = AgentJson.newMapper();
        Agent agent = new Agent("jit-warmup", SECRET, this, new AgentIdentity("warmup", AgentIdentity.NO_JAR_MD5));
        String auth = AgentPaths.BEARER_PREFIX + SECRET;
        Command command = (path, body) -> {
            AgentResponse response = agent.handle(path, auth, json.writeValueAsBytes(body));
            if (response.status() != 200) {
                throw new IllegalStateException(path + " refused: " + json.writeValueAsString(response.body()));
            }
        };
        command.send(AgentPaths.CONFIGURE_NIC, new NicsCmd(List.of(
                new NicInfo("192.0.2.2", PUBLIC_MAC, "192.0.2.1", "255.255.255.0", true, "Public", null, null, 1500),
                new NicInfo("10.0.0.1", GUEST_MAC, null, "255.255.0.0", false, "Private", null, null, 1500))));
        AddDhcpCmd hosts = new AddDhcpCmd(list(JitWarmup::host), true);
        PortForwardingCmd rules = new PortForwardingCmd(list(JitWarmup::rule));
        SyncEipCmd eips = new SyncEipCmd(list(JitWarmup::eip));
        for (int round = 0; round < ROUNDS; round++) {
            command.send(AgentPaths.ADD_DHCP, hosts);
            command.send(AgentPaths.SYNC_PORT_FORWARDING, rules);
            command.send(AgentPaths.SYNC_EIP, eips);
            command.send(AgentPaths.ADD_DHCP, new AddDhcpCmd(List.of(), true));
            command.send(AgentPaths.SYNC_PORT_FORWARDING, new PortForwardingCmd(List.of()));
            command.send(AgentPaths.SYNC_EIP, new SyncEipCmd(List.of()));
        }
    }

    private interface Command {
        void send(String path, Object body) throws java.io.IOException;
    }

    /** What {@link LinuxDataplane} computes for a delta, without applying it. */
    @Override
    public void apply(StateDelta delta, DesiredState state) {
        Nft.encode(nft.elementChanges(delta, state, mac -> mac.equals(PUBLIC_MAC) ? "eth1" : "eth2"));
        for (DhcpInfo entry : delta.dhcp().added()) {
            dnsmasq.hostLine(entry);
            dnsmasq.nameLine(entry);
            dnsmasq.optionTag(entry);
        }
    }

    @Override
    public String name() {
        return "jit-warmup";
    }

    private static <T> List<T> list(IntFunction<T> make) {
        List<T> list = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            list.add(make.apply(i));
        }
        return list;
    }

    private static String guestIp(int i) {
        return Ipv4.parse("10.0.0.10").plus(i).toString();
    }

    private static DhcpInfo host(int i) {
        String mac = String.format("02:00:01:00:%02x:%02x", i >> 8 & 0xff, i & 0xff);
        return new DhcpInfo(guestIp(i), mac, "255.255.0.0", "10.0.0.1", List.of("10.0.0.1"), "vm-" + i, GUEST_MAC,
                "warmup.test", true, 1500);
    }

    private static PortForwardingRuleTO rule(int i) {
        int port = 1000 + 3 * i; // rules of one VIP must not overlap
        return new PortForwardingRuleTO("warmup-" + i, port, port + (i % 10 == 1 ? 2 : 0), port,
                port + (i % 10 == 1 ? 2 : 0), i % 2 == 0 ? "TCP" : "UDP", "192.0.2.10", PUBLIC_MAC, guestIp(i),
                GUEST_MAC, i % 10 == 0 ? "198.51.100.0/24" : null, false);
    }

    private static EipTO eip(int i) {
        return new EipTO(Ipv4.parse("192.0.2.100").plus(i).toString(), GUEST_MAC, PUBLIC_MAC, guestIp(i), false);
    }
}

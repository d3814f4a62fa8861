package io.vrouter.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.ha.HaState;
import io.vrouter.agent.ha.RecordingHa;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentReply;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.HaStatusCmd;
import io.vrouter.agent.protocol.HaStatusReply;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.NicsCmd;
import io.vrouter.agent.protocol.PingReply;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /configureha} (checked whole, nothing changes on a mistake), {@code /hastatus} as a long poll, ping's haStatus. */
class AgentHaTest {
    private static final ObjectMapper JSON = AgentJson.newMapper();
    private static final String AUTH = "Bearer s3cret";

    private RecordingHa ha;
    private RecordingDataplane dataplane;
    private Agent agent;

    @BeforeEach
    void setUp() {
        ha = new RecordingHa();
        dataplane = new RecordingDataplane();
        agent = new Agent("vr-ha", "s3cret", dataplane, new AgentIdentity("1", "m"), ha);
        assertThat(send("/configurenic", new NicsCmd(Samples.nics())).status()).isEqualTo(200);
    }

    private AgentResponse send(String path, Object body) {
        try {
            return agent.handle(path, AUTH, JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HaConfig config(String peer) {
        return new HaConfig(true, 7, Samples.GUEST_MAC, peer, 100,
                List.of(new HaConfig.FloatingAddress("10.1.0.254", 24, Samples.GUEST_MAC),
                        new HaConfig.FloatingAddress("192.0.2.99", 24, Samples.PUBLIC_MAC)),
                List.of("192.0.2.1"), Samples.PUBLIC_MAC, "192.0.2.11", false);
    }

    @Test
    void configureHaEnablesThePairAndPingReportsTheState() {
        assertThat(((PingReply) send("/ping", java.util.Map.of("uuid", "x")).body()).haStatus()).isEqualTo("NoHa");
        assertThat(send("/configureha", config("10.1.0.2")).status()).isEqualTo(200);
        assertThat(ha.config()).isEqualTo(config("10.1.0.2"));
        assertThat(((PingReply) send("/ping", java.util.Map.of("uuid", "x")).body()).haStatus()).isEqualTo("Backup");
        assertThat(send("/configureha", HaConfig.DISABLED).status()).isEqualTo(200);
        assertThat(ha.status().state()).isEqualTo(HaState.NoHa);
    }

    @Test
    void aWrongConfigurationNamesTheFieldAndChangesNothing() {
        HaConfig good = config("10.1.0.2");
        HaConfig badId = new HaConfig(true, 300, good.vrrpNicMac(), good.peerAddress(), 100, good.floatingAddresses(),
                good.monitorIps(), good.syncNicMac(), good.syncPeerAddress(), false);
        HaConfig unknownNic = new HaConfig(true, 7, "02:00:00:00:09:09", good.peerAddress(), 100, good.floatingAddresses(),
                good.monitorIps(), good.syncNicMac(), good.syncPeerAddress(), false);
        HaConfig badPeer = config("10.1.0.256");
        HaConfig tooFast = new HaConfig(true, 7, good.vrrpNicMac(), good.peerAddress(), 5, good.floatingAddresses(),
                good.monitorIps(), good.syncNicMac(), good.syncPeerAddress(), false);
        assertThat(((AgentReply) send("/configureha", badId).body()).error()).contains("virtualRouterId");
        assertThat(((AgentReply) send("/configureha", unknownNic).body()).error()).contains("vrrpNicMac");
        assertThat(((AgentReply) send("/configureha", badPeer).body()).error()).contains("peerAddress");
        assertThat(((AgentReply) send("/configureha", tooFast).body()).error()).contains("advertIntervalMillis");
        assertThat(send("/configureha", tooFast).status()).isEqualTo(400);
        assertThat(ha.config()).isEqualTo(HaConfig.DISABLED);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void haStatusAnswersAtOnceWhenTheVersionMovedAndWaitsOtherwise() throws Exception {
        send("/configureha", config("10.1.0.2"));
        HaStatusReply now = (HaStatusReply) send("/hastatus", new HaStatusCmd(-1, 5000)).body();
        assertThat(now.haStatus()).isEqualTo("Backup");
        CompletableFuture<HaStatusReply> waiting = CompletableFuture.supplyAsync(() ->
                (HaStatusReply) send("/hastatus", new HaStatusCmd(now.version(), 5000)).body());
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        ha.become(HaState.Master);
        HaStatusReply changed = waiting.get(2, TimeUnit.SECONDS);
        assertThat(changed.haStatus()).isEqualTo("Master");
        assertThat(changed.version()).isGreaterThan(now.version());
        // nothing new: the poll gives up after its wait with the same version
        HaStatusReply unchanged = (HaStatusReply) send("/hastatus", new HaStatusCmd(changed.version(), 50)).body();
        assertThat(unchanged.version()).isEqualTo(changed.version());
    }

    @Test
    void announceHaAnnouncesOnlyAsMaster() {
        send("/configureha", config("10.1.0.2"));
        assertThat(send("/announceha", null).status()).isEqualTo(200);
        assertThat(ha.announcements()).as("a backup holds no floating address").isZero();
        ha.become(HaState.Master);
        assertThat(send("/announceha", null).status()).isEqualTo(200);
        assertThat(ha.announcements()).isEqualTo(1);
        assertThat(agent.handle("/announceha", null, new byte[0]).status()).isEqualTo(401);
    }

    @Test
    void aPairTurnedPlainForgetsTheFlowsOfTheFloatingAddressesItNoLongerHolds() {
        send("/configureha", config("10.1.0.2"));
        // pair -> plain: the kept router's guest nic takes the gateway, the floating public address goes
        NicInfo guest = Samples.guestNic();
        NicInfo gateway = new NicInfo("10.1.0.254", guest.mac(), guest.gateway(), guest.netmask(), guest.isDefaultRoute(),
                guest.category(), guest.l2type(), guest.vni(), guest.mtu());
        assertThat(send("/configurenic", new NicsCmd(List.of(Samples.publicNic(), gateway))).status()).isEqualTo(200);
        dataplane.clearLog();
        assertThat(send("/configureha", HaConfig.DISABLED).status()).isEqualTo(200);
        assertThat(dataplane.operations()).filteredOn(op -> op.kind().equals("forget-flows"))
                .extracting(RecordingDataplane.Operation::detail).containsExactly("192.0.2.99");
        // disabling again (nothing was floating any more) forgets nothing
        dataplane.clearLog();
        send("/configureha", HaConfig.DISABLED);
        assertThat(dataplane.operations()).noneMatch(op -> op.kind().equals("forget-flows"));
    }

    @Test
    void haStatusNeedsTheSecret() {
        assertThat(agent.handle("/hastatus", null, "{}".getBytes()).status()).isEqualTo(401);
    }
}

package io.vrouter.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.agent.dataplane.RecordingDataplane;
import io.vrouter.agent.protocol.AddDhcpCmd;
import io.vrouter.agent.protocol.AgentJson;
import io.vrouter.agent.protocol.AgentReply;
import io.vrouter.agent.protocol.EchoReply;
import io.vrouter.agent.protocol.EipCmd;
import io.vrouter.agent.protocol.InitCmd;
import io.vrouter.agent.protocol.NicsCmd;
import io.vrouter.agent.protocol.PingReply;
import io.vrouter.agent.protocol.PortForwardingCmd;
import io.vrouter.agent.protocol.StatusReply;
import io.vrouter.agent.protocol.SyncEipCmd;
import io.vrouter.agent.protocol.VipsCmd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentTest {

    private static final ObjectMapper JSON = AgentJson.newMapper();
    private static final String AUTH = "Bearer s3cret";

    private RecordingDataplane dataplane;
    private Agent agent;

    @BeforeEach
    void setUp() {
        dataplane = new RecordingDataplane();
        agent = new Agent("vr-test", "s3cret", dataplane, new AgentIdentity("1.2.3", "abc"));
        assertOk(send("/configurenic", new NicsCmd(Samples.nics())));
    }

    private AgentResponse send(String path, Object body) {
        try {
            return agent.handle(path, AUTH, JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private AgentResponse sendRaw(String path, String body) {
        return agent.handle(path, AUTH, body.getBytes());
    }

    private static void assertOk(AgentResponse response) {
        assertThat(response.body()).isEqualTo(AgentReply.ok());
        assertThat(response.status()).isEqualTo(200);
    }

    private static String error(AgentResponse response) {
        assertThat(response.body()).isInstanceOf(AgentReply.class);
        AgentReply reply = (AgentReply) response.body();
        assertThat(reply.success()).isFalse();
        return reply.error();
    }

    // ---------------------------------------------------------------- authentication

    @Test
    void echoNeedsNoSecretAndReportsVersionAndMd5() {
        AgentResponse response = agent.handle("/echo", null, new byte[0]);
        assertThat(response.body()).isEqualTo(new EchoReply(true, null, "1.2.3", "abc"));
    }

    @Test
    void missingOrWrongSecretIs401AndChangesNothing() {
        int applies = dataplane.applyCount();
        byte[] body = "{\"dhcpEntries\":[],\"rebuild\":true}".getBytes();
        AgentResponse missing = agent.handle("/adddhcp", null, body);
        AgentResponse wrong = agent.handle("/adddhcp", "Bearer s3cre", body);
        AgentResponse notBearer = agent.handle("/ping", "s3cret", "{}".getBytes());

        assertThat(missing.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(notBearer.status()).isEqualTo(401);
        assertThat(error(wrong)).isEqualTo(
                "agent vr-test: /adddhcp needs header Authorization: Bearer <the agent's secret>");
        assertThat(dataplane.applyCount()).isEqualTo(applies);
    }

    @Test
    void pingReportsUuidFromInitVersionAndMd5() {
        assertOk(send("/init", new InitCmd("vr-uuid-1", "10.0.0.0/8", "info", List.of(), Map.of())));
        AgentResponse response = agent.handle("/ping", AUTH, "{\"uuid\":\"vr-uuid-1\"}".getBytes());
        assertThat(response.body()).isEqualTo(new PingReply(true, null, "vr-uuid-1", "1.2.3", true, null, "abc"));
    }

    // ---------------------------------------------------------------- validation

    @Test
    void malformedJsonIsRejected() {
        AgentResponse response = sendRaw("/adddhcp", "{\"dhcpEntries\": [");
        assertThat(response.status()).isEqualTo(400);
        assertThat(error(response)).startsWith("/adddhcp: malformed JSON: Unexpected end-of-input");
    }

    @Test
    void wrongTypeNamesTheField() {
        AgentResponse response = sendRaw("/createportforwarding", "{\"rules\":[{\"vipPortStart\":\"http\"}]}");
        assertThat(error(response)).startsWith("/createportforwarding: field rules[0].vipPortStart: Cannot deserialize");
    }

    @Test
    void missingFieldIsNamed() {
        AgentResponse response = sendRaw("/adddhcp", "{\"dhcpEntries\":[{\"mac\":\"02:00:00:00:03:05\"}]}");
        assertThat(error(response)).isEqualTo("/adddhcp: dhcpEntries[0].ip: missing");
    }

    @Test
    void badIpIsNamed() {
        var bad = new io.vrouter.agent.protocol.DhcpInfo("10.1.0.300", "02:00:00:00:03:05", "255.255.255.0", null,
                null, null, Samples.GUEST_MAC, null, true, null);
        assertThat(error(send("/adddhcp", new AddDhcpCmd(List.of(bad), false))))
                .isEqualTo("/adddhcp: dhcpEntries[0].ip: '10.1.0.300' is not an IPv4 address");
    }

    @Test
    void macOfNoConfiguredNicIsRejected() {
        var entry = Samples.dhcp(5);
        var bad = new io.vrouter.agent.protocol.DhcpInfo(entry.ip(), entry.mac(), entry.netmask(), entry.gateway(),
                entry.dns(), null, "02:99:00:00:00:01", null, true, null);
        assertThat(error(send("/adddhcp", new AddDhcpCmd(List.of(bad), false)))).isEqualTo(
                "/adddhcp: dhcpEntries[0].vrNicMac: no nic with MAC 02:99:00:00:00:01 is configured (configured: ["
                        + Samples.PUBLIC_MAC + ", " + Samples.GUEST_MAC + "])");
    }

    @Test
    void portOutsideRangeIsRejected() {
        var rule = Samples.pf("r1", "TCP", 0, 0, 80, 80, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(rule)))))
                .isEqualTo("/createportforwarding: rules[0].vipPortStart: port 0 is outside 1-65535");
        var high = Samples.pf("r1", "TCP", 80, 80, 65536, 65536, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(high)))))
                .isEqualTo("/createportforwarding: rules[0].privatePortStart: port 65536 is outside 1-65535");
    }

    @Test
    void startAfterEndAndDifferentSizesAreRejected() {
        var reversed = Samples.pf("r1", "TCP", 90, 80, 90, 80, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(reversed)))))
                .isEqualTo("/createportforwarding: rules[0]: vipPortStart 90 is after vipPortEnd 80");
        var sizes = Samples.pf("r1", "TCP", 80, 90, 80, 85, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(sizes))))).isEqualTo(
                "/createportforwarding: rules[0]: VIP range 80-90 (11 ports) and private range 80-85 (6 ports) differ in size");
    }

    @Test
    void unknownProtocolAndBadCidrAreRejected() {
        var sctp = Samples.pf("r1", "SCTP", 80, 80, 80, 80, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(sctp)))))
                .isEqualTo("/createportforwarding: rules[0].protocolType: unknown protocol 'SCTP' (TCP or UDP)");
        var cidr = Samples.pf("r1", "TCP", 80, 80, 80, 80, "10.0.0.0/33");
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(cidr)))))
                .isEqualTo("/createportforwarding: rules[0].allowedCidr: '10.0.0.0/33' is not a CIDR: the prefix length must be 0-32");
    }

    @Test
    void overlappingRangesAreRejected() {
        assertOk(send("/createportforwarding", new PortForwardingCmd(List.of(Samples.pf("r1", "TCP", 80, 90, 80, 90, null)))));
        var overlapping = Samples.pf("r2", "tcp", 90, 95, 90, 95, null);
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(overlapping))))).isEqualTo(
                "/createportforwarding: rules[0]: TCP 192.0.2.20:90-95 overlaps rule r1 (80-90)");
        // adjacent ranges and other protocols are fine
        assertOk(send("/createportforwarding", new PortForwardingCmd(List.of(
                Samples.pf("r2", "TCP", 91, 95, 91, 95, null), Samples.pf("r3", "UDP", 80, 90, 80, 90, null)))));
    }

    @Test
    void aCommandAppliesWholeOrNotAtAll() {
        var good = Samples.pf("r1", "TCP", 80, 80, 80, 80, null);
        var bad = Samples.pf("r2", "TCP", 81, 81, 81, 81, "nonsense");
        assertThat(error(send("/createportforwarding", new PortForwardingCmd(List.of(good, bad)))))
                .startsWith("/createportforwarding: rules[1].allowedCidr:");
        assertThat(agent.status().portForwardingRules()).isEmpty();
    }

    @Test
    void dataplaneFailureLeavesStateAsItWas() {
        assertOk(send("/createvip", new VipsCmd(List.of(Samples.vip(20)), false)));
        dataplane.failNextApply("nft: Could not process rule");
        AgentResponse response = send("/createeip", new EipCmd(Samples.eip(20, 5)));
        assertThat(response.status()).isEqualTo(500);
        assertThat(error(response)).matches(
                "agent vr-test: /createeip failed after \\d+ ms, nothing changed: nft: Could not process rule");
        assertThat(agent.status().eips()).isEmpty();
        assertOk(send("/createeip", new EipCmd(Samples.eip(20, 5))));
        assertThat(agent.status().eips()).containsExactly(Samples.eip(20, 5));
    }

    // ---------------------------------------------------------------- semantics

    @Test
    void sameCommandTwiceAppliesOnce() {
        int before = dataplane.applyCount();
        assertOk(send("/adddhcp", new AddDhcpCmd(List.of(Samples.dhcp(5)), false)));
        assertOk(send("/adddhcp", new AddDhcpCmd(List.of(Samples.dhcp(5)), false)));
        assertThat(dataplane.applyCount()).isEqualTo(before + 1);
    }

    @Test
    void defaultHostnameIsTheIpWithDashes() {
        assertOk(send("/adddhcp", new AddDhcpCmd(List.of(Samples.dhcp(5)), false)));
        assertThat(agent.status().dhcpEntries().get(0).hostname()).isEqualTo("10-1-0-5");
    }

    @Test
    void syncReplacesTheSectionAndAsksForAFullSync() {
        assertOk(send("/createvip", new VipsCmd(List.of(Samples.vip(20), Samples.vip(21)), false)));
        assertOk(send("/createeip", new EipCmd(Samples.eip(20, 5))));
        assertOk(send("/synceip", new SyncEipCmd(List.of(Samples.eip(21, 6)))));
        StatusReply status = agent.status();
        assertThat(status.eips()).containsExactly(Samples.eip(21, 6));
        assertThat(dataplane.operations().get(dataplane.operations().size() - 1).detail())
                .startsWith("full sync").contains("eip -1/+1");
        assertThat(dataplane.appliedState().eips()).containsOnlyKeys("192.0.2.21");
    }

    @Test
    void removingANicStillInUseIsRejected() {
        assertOk(send("/adddhcp", new AddDhcpCmd(List.of(Samples.dhcp(5)), false)));
        assertThat(error(send("/removenic", new NicsCmd(List.of(Samples.guestNic())))))
                .isEqualTo("/removenic: nics[0]: nic " + Samples.GUEST_MAC
                        + " is still used by DHCP entry 02:00:00:00:03:05; remove that first");
    }

    @Test
    void unknownPathIs404() {
        AgentResponse response = agent.handle("/frobnicate", AUTH, "{}".getBytes());
        assertThat(response.status()).isEqualTo(404);
        assertThat(error(response)).isEqualTo("agent vr-test: unknown path /frobnicate");
    }
}

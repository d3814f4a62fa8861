package io.vrouter.agent.lab;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.agent.protocol.AgentPaths;
import io.vrouter.agent.tls.AgentTls;
import io.vrouter.agent.tls.CertificateAuthority;
import io.vrouter.agent.tls.PeerRole;
import io.vrouter.agent.tls.TlsIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A virtual router in a box, all in namespaces named after one lab prefix:
 * <pre>
 *   root ns ── &lt;p&gt;m0 ─veth─ mgmt ┐
 *                              [vr]  the real agent, in its own namespace
 *   [sw] brg ─veth─ gst (guest nic)  ┘ ─ pub (public nic) ─veth─ brp [sw]
 *        brg ─ [gu] eth0, [g2] eth0          brp ─ [in] eth0 ("internet": DNS server, web server)
 * </pre>
 * The management link is the only thing in the root namespace; it gets a random /29 out of 100.64.0.0/10 so
 * parallel runs do not clash: .1 is the "management node", .3 another member of the management L3 (a flat
 * network's guest), .2 the router. Guest network 10.1.0.0/24 (router .1), public network 203.0.113.0/24 (internet
 * .1, router .2). With {@code full=false} only the router namespace exists, its nics are veths to nowhere (benchmarks).
 */
public final class RouterLab implements AutoCloseable {

    public static final String PUBLIC_MAC = "02:56:00:00:01:02";
    public static final String GUEST_MAC = "02:56:00:00:02:01";
    public static final String GUEST1_MAC = "02:56:00:00:02:05";
    public static final String GUEST2_MAC = "02:56:00:00:02:06";
    public static final String PUBLIC_IP = "203.0.113.2";
    public static final String INTERNET_IP = "203.0.113.1";
    public static final String GUEST_GATEWAY = "10.1.0.1";

    private final Lab lab;
    private final Path workDir;
    private final String secret;
    private final String managementIp;
    private final String vr;
    private String guest;
    private String guest2;
    private String internet;
    private final String hostIp;
    private final String managementPeerIp;
    private AgentProcess agent;
    /** The lab's own installation authority: it issues the agent's certificate and the "management node"'s. */
    private CertificateAuthority authority;
    private boolean agentTls;

    private RouterLab(Lab lab, Path workDir, boolean full) {
        this.lab = lab;
        this.workDir = workDir;
        byte[] bytes = new byte[18];
        SecureRandom random = new SecureRandom();
        random.nextBytes(bytes);
        this.secret = java.util.HexFormat.of().formatHex(bytes);
        int subnet = random.nextInt(1 << 19);
        int base = (100 << 24) | (64 << 16) | (subnet << 3);
        this.hostIp = io.vrouter.platform.net.Ipv4.ofBits(base + 1).toString();
        this.managementIp = io.vrouter.platform.net.Ipv4.ofBits(base + 2).toString();
        this.managementPeerIp = io.vrouter.platform.net.Ipv4.ofBits(base + 3).toString();

        vr = lab.namespace("vr");
        String rootIf = lab.name("m0");
        lab.veth(null, rootIf, vr, "mgmt", null);
        lab.exec(null, "ip", "addr", "add", hostIp + "/29", "dev", rootIf);
        // a second member of the management L3, as a guest of a flat network is: not the management node
        lab.exec(null, "ip", "addr", "add", managementPeerIp + "/29", "dev", rootIf);
        lab.exec(null, "ip", "link", "set", rootIf, "up");
        lab.exec(vr, "ip", "addr", "add", managementIp + "/29", "dev", "mgmt");
        lab.exec(vr, "ip", "link", "set", "mgmt", "up");
        if (!full) {
            // veth pairs with both ends in the router: not every kernel has the dummy driver
            lab.veth(vr, "pub", vr, "pubx", PUBLIC_MAC);
            lab.veth(vr, "gst", vr, "gstx", GUEST_MAC);
            for (String end : new String[] {"pubx", "gstx"}) {
                lab.exec(vr, "ip", "link", "set", end, "up");
            }
            return;
        }
        String sw = lab.namespace("sw");
        guest = lab.namespace("gu");
        guest2 = lab.namespace("g2");
        internet = lab.namespace("in");
        for (String bridge : new String[] {"brg", "brp"}) {
            lab.exec(sw, "ip", "link", "add", bridge, "type", "bridge");
            lab.exec(sw, "ip", "link", "set", bridge, "up");
        }
        plug(vr, "pub", PUBLIC_MAC, sw, "vrp", "brp");
        plug(vr, "gst", GUEST_MAC, sw, "vrg", "brg");
        plug(guest, "eth0", GUEST1_MAC, sw, "gu0", "brg");
        plug(guest2, "eth0", GUEST2_MAC, sw, "g20", "brg");
        plug(internet, "eth0", null, sw, "in0", "brp");
        lab.exec(internet, "ip", "addr", "add", INTERNET_IP + "/24", "dev", "eth0");
    }

    /** Builds the topology; on failure removes what it made. */
    public static RouterLab create(Path workDir, boolean full) {
        Lab lab = Lab.create();
        try {
            return new RouterLab(lab, workDir, full);
        } catch (RuntimeException e) {
            try {
                lab.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void plug(String ns, String ifname, String mac, String sw, String port, String bridge) {
        lab.veth(ns, ifname, sw, port, mac);
        lab.exec(sw, "ip", "link", "set", port, "master", bridge);
        lab.exec(sw, "ip", "link", "set", port, "up");
        lab.exec(ns, "ip", "link", "set", ifname, "up");
    }

    /** Writes the agent's config and starts it in the router namespace from {@code classpath}, over mutual TLS. */
    public AgentProcess startAgent(String classpath, String logLevel) throws IOException {
        return startAgent(classpath, logLevel, true);
    }

    /**
     * Writes the agent's config and starts it in the router namespace from {@code classpath}: over mutual TLS with a
     * certificate of the lab's authority for the management address, or over plain HTTP (the benchmark's baseline).
     * The management link's root end is the only source the agent's port accepts.
     */
    public AgentProcess startAgent(String classpath, String logLevel, boolean tls) throws IOException {
        Path config = workDir.resolve("agent.json");
        String transport = ",\"plainHttp\":true";
        if (tls) {
            Path dir = workDir.resolve("agent-tls");
            authority().issue(PeerRole.AGENT, lab.prefix() + "-vr", List.of(managementIp)).writeTo(dir);
            transport = ",\"tls\":{\"key\":\"" + dir.resolve(TlsIdentity.KEY_FILE) + "\",\"certificate\":\""
                    + dir.resolve(TlsIdentity.CERTIFICATE_FILE) + "\",\"authority\":\""
                    + dir.resolve(TlsIdentity.AUTHORITY_FILE) + "\"}";
        }
        Files.writeString(config, "{\"name\":\"" + lab.prefix() + "-vr\",\"listenAddress\":\"" + managementIp
                + "\",\"port\":" + AgentPaths.DEFAULT_PORT + ",\"secret\":\"" + secret + "\",\"dataDir\":\""
                + workDir.resolve("agent-data") + "\",\"dataplane\":\"linux\",\"logLevel\":\"" + logLevel
                + "\",\"cleanOnStop\":true" + transport + ",\"managementNodeAddresses\":[\"" + hostIp + "\"]}\n");
        agentTls = tls;
        agent = AgentProcess.start(vr, classpath, config, workDir.resolve("agent.log"), Duration.ofSeconds(60));
        lab.onClose(agent::close);
        return agent;
    }

    /** A client of the running agent, as the management node (with the lab authority's node certificate under TLS). */
    public AgentClient client(Duration timeout) {
        if (!agentTls) {
            return AgentClient.create("http://" + managementIp + ":" + AgentPaths.DEFAULT_PORT, secret, timeout);
        }
        SSLContext node = AgentTls.nodeContext(authority().issue(PeerRole.MANAGEMENT_NODE, "lab node", List.of()));
        return new AgentClient(AgentClient.newHttpClient(timeout, node), agentUrl(), secret, timeout);
    }

    /** The agent's URL: https while it runs with TLS. */
    public String agentUrl() {
        return (agentTls ? "https" : "http") + "://" + managementIp + ":" + AgentPaths.DEFAULT_PORT;
    }

    /** The lab's authority (created on first use). */
    public synchronized CertificateAuthority authority() {
        if (authority == null) {
            authority = CertificateAuthority.create("lab " + lab.prefix());
        }
        return authority;
    }

    /** Another address on the management link's root end: a member of the management L3 that is not the node. */
    public String managementPeerIp() {
        return managementPeerIp;
    }

    /** The root namespace's address on the management link: where the "management node" calls from. */
    public String hostIp() {
        return hostIp;
    }

    public Lab lab() {
        return lab;
    }

    public String routerNs() {
        return vr;
    }

    public String guestNs() {
        return guest;
    }

    public String guest2Ns() {
        return guest2;
    }

    public String internetNs() {
        return internet;
    }

    public String managementIp() {
        return managementIp;
    }

    public String secret() {
        return secret;
    }

    public AgentProcess agent() {
        return agent;
    }

    @Override
    public void close() {
        lab.close();
    }
}

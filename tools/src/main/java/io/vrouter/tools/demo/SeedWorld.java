package io.vrouter.tools.demo;

import io.vrouter.client.ApiClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.platform.process.CommandRunner;
import io.vrouter.hostagent.HostAgent;
import io.vrouter.platform.net.Ipv4Cidr;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The seed's setup on a Netns host, built through the API only: a zone, a Netns cluster and host, three L2s
 * (management, public, guest), a management L3 on a free /24 of 100.64.0.0/10 (the host takes its gateway), a public
 * L3 203.0.113.0/24 with an {@link Outside} at its gateway .1 that answers DNS for {@value #OUTSIDE_NAME} (its range
 * stops at .{@value #PUBLIC_RANGE_LAST}: the addresses above are the outside world's, no router, VM or VIP gets one), a guest L3
 * with that DNS server and the virtual router's DHCP, DNS and SNAT, the VR image and the default
 * {@code CreateVirtualRouterOffering}, a user image and instance offering. Shared by the demo, the end-to-end tests
 * and the netns benchmark.
 */
public final class SeedWorld implements AutoCloseable {
    public static final String OUTSIDE_NAME = "www.outside.test";
    public static final String PUBLIC_CIDR = "203.0.113.0/24";
    public static final String OUTSIDE_IP = "203.0.113.1";
    /** The last address of the public range; the rest of the subnet is left to hosts of the outside world. */
    public static final int PUBLIC_RANGE_LAST = 199;

    public final ApiClient api;
    public final HostAgent hypervisor;
    public final String zone;
    public final String cluster;
    public final String host;
    public final String managementL2;
    public final String publicL2;
    public final String guestL2;
    public final String managementL3;
    public final String managementCidr;
    public final String publicL3;
    public final String guestL3;
    public final String vrImage;
    public final String vrOffering;
    public final String userImage;
    public final String userOffering;
    public final String providerUuid;
    public final Outside outside;
    private int guestNetworks;

    /** Builds it, telling {@code progress} each step. */
    public SeedWorld(ApiClient api, HostAgent hypervisor, Path workDir, Consumer<String> progress) {
        this.api = api;
        this.hypervisor = hypervisor;
        progress.accept("CreateZone name=demo-zone");
        zone = api.create("CreateZone", "name", "demo-zone", "description", "the netns demo");
        progress.accept("CreateCluster hypervisorType=Netns");
        cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "demo-cluster", "hypervisorType", "Netns");
        progress.accept("AddNetnsHost managementIp=127.0.0.1 (this machine: root, iproute2, nftables, dnsmasq, busybox checked)");
        // the tests built on the seed run dozens of guests on this one machine: more CPUs than its cores times the
        // default over-provisioning (a guest is a namespace and an idle DHCP client)
        host = api.create("AddNetnsHost", "clusterUuid", cluster, "name", "demo-host", "managementIp", "127.0.0.1",
                "cpuCapacity", 1000);
        progress.accept("CreateL2NoVlanNetwork x3 (management, public, guest) and AttachL2NetworkToCluster");
        managementL2 = newL2("mgmt0");
        publicL2 = newL2("pub0");
        guestL2 = newL2("guest0");
        managementCidr = freeManagementSubnet();
        progress.accept("CreateL3Network management (system) " + managementCidr + "; the host takes its gateway through a port on its bridge");
        managementL3 = l3(managementL2, "management-l3", true);
        range(managementL3, managementCidr);
        progress.accept("CreateL3Network public " + PUBLIC_CIDR + " (outside world at " + OUTSIDE_IP + ", DNS for " + OUTSIDE_NAME + ")");
        publicL3 = l3(publicL2, "public-l3", false);
        api.ok("AddIpRange", Map.of("l3NetworkUuid", publicL3, "name", "range-public", "startIp", "203.0.113.2",
                "endIp", "203.0.113." + PUBLIC_RANGE_LAST, "netmask", "255.255.255.0", "gateway", OUTSIDE_IP));
        providerUuid = api.query("QueryNetworkServiceProvider", "type", "=", "VirtualRouter").get(0).get("uuid").asText();
        progress.accept("CreateL3Network guest 10.200.0.0/24 with DNS " + OUTSIDE_IP + " and DHCP, DNS, SNAT from the VirtualRouter provider");
        guestL3 = guestL3(guestL2, "guest-l3", "10.200.0.0/24", List.of("DHCP", "DNS", "SNAT"));
        progress.accept("AddImage (the virtual router image) and CreateVirtualRouterOffering (default of the zone)");
        vrImage = api.create("AddImage", "name", "virtual-router-image", "url", "http://images.invalid/vrouter.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate", "system", true);
        vrOffering = api.create("CreateVirtualRouterOffering", "name", "demo-vr-offering", "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 128L << 20, "isDefault", true, "zoneUuid", zone, "managementNetworkUuid", managementL3,
                "publicNetworkUuid", publicL3, "imageUuid", vrImage);
        userImage = api.create("AddImage", "name", "guest-image", "url", "http://images.invalid/guest.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate");
        userOffering = api.create("CreateInstanceOffering", "name", "tiny", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 64L << 20);
        progress.accept("outside world: a namespace on the public bridge with " + OUTSIDE_IP + ", a DNS server and a TCP peer recorder");
        outside = Outside.create(hypervisor, "out", publicL2, OUTSIDE_IP + "/24", OUTSIDE_NAME, workDir);
    }

    /** A new no-VLAN L2 network attached to the cluster. */
    public String newL2(String physicalInterface) {
        String l2 = api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", "l2-" + physicalInterface,
                "physicalInterface", physicalInterface);
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
        return l2;
    }

    private String l3(String l2, String name, boolean system) {
        return api.create("CreateL3Network", "l2NetworkUuid", l2, "name", name, "system", system);
    }

    private void range(String l3, String cidr) {
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", "range-" + l3.substring(0, 6), "networkCidr", cidr));
    }

    /** A new guest L3 (on a new L2 when {@code l2} is null) with the outside's DNS and the given VR services. */
    public String guestL3(String l2, String name, String cidr, List<String> services) {
        return guestL3(l2, name, cidr, OUTSIDE_IP, services);
    }

    /** As above, with {@code dns} as the L3's DNS server. */
    public String guestL3(String l2, String name, String cidr, String dns, List<String> services) {
        String l3 = l3(l2 != null ? l2 : newL2("guest" + (++guestNetworks)), name, false);
        range(l3, cidr);
        api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", dns));
        attach(l3, services);
        return l3;
    }

    public void attach(String l3, List<String> services) {
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices", Map.of(providerUuid, services)));
    }

    /** Attaches those of {@code services} the L3 does not have yet (attaching one twice is refused). */
    public void attachMissing(String l3, List<String> services) {
        List<String> present = new ArrayList<>();
        api.query("QueryL3Network", "uuid", "=", l3).get(0).path("networkServices")
                .forEach(s -> present.add(s.get("networkServiceType").asText()));
        List<String> missing = services.stream().filter(s -> !present.contains(s)).toList();
        if (!missing.isEmpty()) {
            attach(l3, missing);
        }
    }

    /** Creates a user VM on {@code l3}; returns its inventory. */
    public JsonNode userVm(String name, String l3) {
        return api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", userOffering, "imageUuid", userImage,
                "l3NetworkUuids", List.of(l3));
    }

    /** The virtual routers with a nic on {@code l3}. */
    public List<JsonNode> routersOn(String l3) {
        return api.query("QueryVirtualRouterVm", "vmNics.l3NetworkUuid", "=", l3);
    }

    /** The IP of a VM's nic on {@code l3}. */
    public static String ipOn(JsonNode vm, String l3) {
        for (JsonNode nic : vm.get("vmNics")) {
            if (nic.get("l3NetworkUuid").asText().equals(l3)) {
                return nic.get("ip").asText();
            }
        }
        throw new IllegalStateException("VM " + vm.get("uuid").asText() + " has no nic on " + l3);
    }

    public GuestProbe probe(String vmUuid) {
        return new GuestProbe(hypervisor.namespaceOf(vmUuid));
    }

    /** A /24 of 100.64.0.0/10 that no route of this host touches. */
    public static String freeManagementSubnet() {
        CommandRunner runner = new CommandRunner(Duration.ofSeconds(10));
        List<Ipv4Cidr> routes = new ArrayList<>();
        for (String line : runner.check(List.of("ip", "-4", "route", "show", "table", "all"), null).stdout().lines().toList()) {
            String dst = line.trim().split("\\s+")[0];
            if (dst.equals("local") || dst.equals("broadcast")) {
                dst = line.trim().split("\\s+")[1];
            }
            if (!dst.equals("default")) {
                Ipv4Cidr.tryParse(dst.contains("/") ? dst : dst + "/32").ifPresent(routes::add);
            }
        }
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int third = random.nextInt(256);
            int second = 64 + random.nextInt(64);
            Ipv4Cidr candidate = Ipv4Cidr.parse("100." + second + "." + third + ".0/24");
            if (routes.stream().noneMatch(candidate::overlaps)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("no free /24 in 100.64.0.0/10 for the management network");
    }

    @Override
    public void close() {
        outside.close();
    }
}

package io.vrouter.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vrouter.client.ApiClient;
import io.vrouter.hostagent.lab.MultiHostLab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The seed on several hosts, through the API only: a {@link MultiHostLab} plays the hosts and the datacenter network,
 * the management node (in this machine's initial namespace) adds each host by its management address and secret.
 * <ul>
 *   <li>public L2: no VLAN, over the hosts' {@code eth1}, where the outside world lives;</li>
 *   <li>guest L2: VLAN {@value #GUEST_VLAN} over {@code eth1}: guests on different hosts share it, and their router;</li>
 *   <li>management L2: VLAN {@value #MANAGEMENT_VLAN} over the hosts' {@code eth0} (the management underlay), where
 *       this machine holds the management L3's gateway, so that the node reaches the routers' agents.</li>
 * </ul>
 * On a kernel without VLAN devices (no 8021q) the guest and management L2s are no-VLAN L2s over {@code eth2} and
 * {@code eth3} instead (each its own underlay; this machine holds the gateway on {@code eth3}'s).
 * Host 1 offers the most memory, so the allocator (which prefers the host with the most memory left) puts the first
 * router there; guests are placed on the host a caller names.
 */
public final class MultiHostWorld implements AutoCloseable {
    public static final int MANAGEMENT_VLAN = 10;
    public static final int GUEST_VLAN = 100;
    public static final String GUEST_CIDR = "10.200.0.0/24";

    public final ApiClient api;
    public final MultiHostLab lab;
    /** Whether the guest and management L2s are VLANs (the kernel makes VLAN devices). */
    public final boolean vlans;
    public final String zone;
    public final String cluster;
    public final String managementL2;
    public final String publicL2;
    public final String guestL2;
    public final String managementL3;
    public final String publicL3;
    public final String guestL3;
    public final String vrOffering;
    public final String userImage;
    public final String userOffering;
    public final String providerUuid;
    public final Outside outside;
    private final List<String> hostUuids = new ArrayList<>();
    private final Consumer<String> progress;
    private final long cpuCapacity;

    public MultiHostWorld(ApiClient api, MultiHostLab lab, int hosts, Path workDir, Consumer<String> progress) {
        this(api, lab, hosts, workDir, progress, 16);
    }

    /** The same with hosts offering {@code cpuCapacity} CPUs each: every VM reserves one, and a host may carry 100 routers. */
    public MultiHostWorld(ApiClient api, MultiHostLab lab, int hosts, Path workDir, Consumer<String> progress, long cpuCapacity) {
        this.cpuCapacity = cpuCapacity;
        this.api = api;
        this.lab = lab;
        this.progress = progress;
        progress.accept("CreateZone, CreateCluster hypervisorType=Netns");
        zone = api.create("CreateZone", "name", "multihost-zone");
        cluster = api.create("CreateCluster", "zoneUuid", zone, "name", "multihost-cluster", "hypervisorType", "Netns");
        vlans = lab.vlanSupported();
        publicL2 = attached(api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", "public",
                "physicalInterface", MultiHostLab.DATA_INTERFACE));
        if (vlans) {
            progress.accept("L2 networks: public no-VLAN over eth1, guest VLAN " + GUEST_VLAN + " over eth1, management VLAN "
                    + MANAGEMENT_VLAN + " over eth0; attached to the cluster");
            guestL2 = attached(api.create("CreateL2VlanNetwork", "zoneUuid", zone, "name", "guest-vlan",
                    "physicalInterface", MultiHostLab.DATA_INTERFACE, "vlan", GUEST_VLAN));
            managementL2 = attached(api.create("CreateL2VlanNetwork", "zoneUuid", zone, "name", "mgmt-vlan",
                    "physicalInterface", MultiHostLab.MANAGEMENT_INTERFACE, "vlan", MANAGEMENT_VLAN));
        } else {
            progress.accept("L2 networks (this kernel has no VLAN devices): public over eth1, guest over eth2, management over eth3,"
                    + " all no-VLAN; attached to the cluster");
            guestL2 = attached(api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", "guest", "physicalInterface", "eth2"));
            managementL2 = attached(api.create("CreateL2NoVlanNetwork", "zoneUuid", zone, "name", "mgmt", "physicalInterface", "eth3"));
        }
        for (int i = 0; i < hosts; i++) {
            addHost();
        }
        String managementNet = lab.freeManagementSubnet();
        progress.accept("management L3 " + managementNet + ".0/24; this machine takes its gateway on the management L2's underlay");
        managementL3 = api.create("CreateL3Network", "l2NetworkUuid", managementL2, "name", "management-l3", "system", true);
        api.ok("AddIpRange", Map.of("l3NetworkUuid", managementL3, "name", "mgmt", "startIp", managementNet + ".10",
                "endIp", managementNet + ".250", "netmask", "255.255.255.0", "gateway", managementNet + ".1"));
        if (vlans) {
            lab.addManagementVlanAddress(MANAGEMENT_VLAN, managementNet + ".1/24");
        } else {
            lab.addUnderlayAddress("eth3", managementNet + ".1/24");
        }
        progress.accept("public L3 " + SeedWorld.PUBLIC_CIDR + " (outside world at " + SeedWorld.OUTSIDE_IP + " on the data underlay)");
        publicL3 = api.create("CreateL3Network", "l2NetworkUuid", publicL2, "name", "public-l3", "system", false);
        api.ok("AddIpRange", Map.of("l3NetworkUuid", publicL3, "name", "range-public", "startIp", "203.0.113.2",
                "endIp", "203.0.113." + SeedWorld.PUBLIC_RANGE_LAST, "netmask", "255.255.255.0", "gateway", SeedWorld.OUTSIDE_IP));
        providerUuid = api.query("QueryNetworkServiceProvider", "type", "=", "VirtualRouter").get(0).get("uuid").asText();
        progress.accept("guest L3 " + GUEST_CIDR + " on the guest L2: DHCP, DNS, SNAT, EIP, port forwarding from the VirtualRouter provider");
        guestL3 = api.create("CreateL3Network", "l2NetworkUuid", guestL2, "name", "guest-l3", "system", false);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", guestL3, "name", "range-guest", "networkCidr", GUEST_CIDR));
        api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", guestL3, "dns", SeedWorld.OUTSIDE_IP));
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", guestL3, "networkServices",
                Map.of(providerUuid, List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"))));
        String vrImage = api.create("AddImage", "name", "virtual-router-image", "url", "http://images.invalid/vrouter.qcow2",
                "format", "qcow2", "mediaType", "RootVolumeTemplate", "system", true);
        vrOffering = api.create("CreateVirtualRouterOffering", "name", "vr-offering", "cpuNum", 1, "cpuSpeed", 1000,
                "memorySize", 128L << 20, "isDefault", true, "zoneUuid", zone, "managementNetworkUuid", managementL3,
                "publicNetworkUuid", publicL3, "imageUuid", vrImage);
        userImage = api.create("AddImage", "name", "guest-image", "url", "http://images.invalid/guest.qcow2", "format", "qcow2",
                "mediaType", "RootVolumeTemplate");
        userOffering = api.create("CreateInstanceOffering", "name", "tiny", "cpuNum", 1, "cpuSpeed", 1000, "memorySize", 64L << 20);
        String outsideNs = lab.extra("out");
        outside = Outside.create(outsideNs, new Outside.Link() {
            @Override
            public void plug(String ns) {
                lab.plugIntoUnderlay(MultiHostLab.DATA_INTERFACE, ns, lab.extra("out0"));
            }

            @Override
            public void unplug() {
                // the veth goes with the namespace
            }
        }, SeedWorld.OUTSIDE_IP + "/24", SeedWorld.OUTSIDE_NAME, workDir);
    }

    private String attached(String l2) {
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", l2, "clusterUuid", cluster));
        return l2;
    }

    /** A new host of the lab, added through {@code AddNetnsHost}; host 1 offers the most memory. */
    public String addHost() {
        return addHost(0);
    }

    /** A new host offering {@code memoryBytes} (0: 64 GiB for host 1, 16 GiB for the others, as {@link #addHost()}). */
    public String addHost(long memoryBytes) {
        MultiHostLab.Host host = lab.addHost();
        long memory = memoryBytes > 0 ? memoryBytes : host.index() == 1 ? 64L << 30 : 16L << 30;
        progress.accept("AddNetnsHost host" + host.index() + " managementIp=" + host.managementIp() + " agentSecret=(its secret file)");
        String uuid = api.create("AddNetnsHost", "clusterUuid", cluster, "name", "host" + host.index(), "managementIp", host.managementIp(),
                "agentSecret", host.secret(), "cpuCapacity", cpuCapacity, "memoryCapacity", memory);
        hostUuids.add(uuid);
        return uuid;
    }

    /** The uuid of host {@code index} (1-based). */
    public String host(int index) {
        return hostUuids.get(index - 1);
    }

    public List<String> hosts() {
        return List.copyOf(hostUuids);
    }

    /** The lab host a host uuid is. */
    public MultiHostLab.Host labHost(String hostUuid) {
        return lab.hosts().get(hostUuids.indexOf(hostUuid));
    }

    /** A user VM on the guest L3 on host {@code hostUuid}; its inventory. */
    public JsonNode guestOn(String name, String hostUuid) {
        return api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", userOffering, "imageUuid", userImage,
                "l3NetworkUuids", List.of(guestL3), "hostUuid", hostUuid);
    }

    /** A user VM on {@code l3} on host {@code hostUuid}; its inventory. */
    public JsonNode guestOn(String name, String hostUuid, String l3) {
        return api.inventory("CreateVmInstance", "name", name, "instanceOfferingUuid", userOffering, "imageUuid", userImage,
                "l3NetworkUuids", List.of(l3), "hostUuid", hostUuid);
    }

    /** A VXLAN guest network: its pool, the VXLAN L2 and the guest L3 on it. */
    public record Vxlan(String pool, String l2, int vni, String l3) {
    }

    /**
     * A VXLAN guest network through ZStack's calls: {@code CreateL2VxlanNetworkPool}, {@code CreateVniRange}
     * {@code firstVni}-{@code firstVni + 99}, the pool attached to the cluster with the VTEP cidr system tag,
     * {@code CreateL2VxlanNetwork} (VNI allocated), and on it a guest L3 on {@code guestCidr} with DNS, SNAT, EIP and port
     * forwarding from the virtual router, its DNS server the outside's.
     */
    public Vxlan vxlanGuestNetwork(String name, String vtepCidr, int firstVni, String guestCidr) {
        progress.accept("VXLAN pool " + name + " (VNIs " + firstVni + "-" + (firstVni + 99) + ") attached with VTEP cidr " + vtepCidr
                + "; a VXLAN network in it; guest L3 " + guestCidr + " on it");
        String pool = api.create("CreateL2VxlanNetworkPool", "zoneUuid", zone, "name", name + "-pool");
        api.create("CreateVniRange", "l2NetworkUuid", pool, "name", name + "-vnis", "startVni", firstVni, "endVni", firstVni + 99);
        api.ok("AttachL2NetworkToCluster", Map.of("l2NetworkUuid", pool, "clusterUuid", cluster, "systemTags",
                List.of(vtepCidrTag(pool, vtepCidr))));
        JsonNode l2 = api.inventory("CreateL2VxlanNetwork", "poolUuid", pool, "zoneUuid", zone, "name", name);
        String l3 = api.create("CreateL3Network", "l2NetworkUuid", l2.get("uuid").asText(), "name", name + "-l3", "system", false);
        api.ok("AddIpRangeByNetworkCidr", Map.of("l3NetworkUuid", l3, "name", name + "-range", "networkCidr", guestCidr));
        api.ok("AddDnsToL3Network", Map.of("l3NetworkUuid", l3, "dns", SeedWorld.OUTSIDE_IP));
        api.ok("AttachNetworkServiceToL3Network", Map.of("l3NetworkUuid", l3, "networkServices",
                Map.of(providerUuid, List.of("DHCP", "DNS", "SNAT", "Eip", "PortForwarding"))));
        return new Vxlan(pool, l2.get("uuid").asText(), l2.get("vni").asInt(), l3);
    }

    /** ZStack's system tag naming the subnet a pool's VTEPs are in, in this world's cluster. */
    public String vtepCidrTag(String pool, String vtepCidr) {
        return "l2NetworkUuid::" + pool + "::clusterUuid::" + cluster + "::cidr::{" + vtepCidr + "}";
    }

    /** A probe inside a VM, in the namespace its host's agent made for it. */
    public GuestProbe probe(JsonNode vm) {
        return new GuestProbe(namespaceOf(vm));
    }

    /** The namespace of a VM on its host: the host's name prefix and the VM's uuid. */
    public String namespaceOf(JsonNode vm) {
        return labHost(vm.get("hostUuid").asText()).namePrefix() + "-" + vm.get("uuid").asText();
    }

    /** The virtual routers with a nic on {@code l3}. */
    public List<JsonNode> routersOn(String l3) {
        return api.query("QueryVirtualRouterVm", "vmNics.l3NetworkUuid", "=", l3);
    }

    /** The name of a host uuid, for what the demo prints. */
    public String hostName(String hostUuid) {
        return "host" + (hostUuids.indexOf(hostUuid) + 1);
    }

    @Override
    public void close() {
        outside.close();
    }
}

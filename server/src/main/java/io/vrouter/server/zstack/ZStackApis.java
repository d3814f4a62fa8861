package io.vrouter.server.zstack;

import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one table of ZStack's names for the catalogue's APIs: per API, the package of its message class and its REST
 * method and path (read from zstack-utility's apibinding and the SDK's {@code *Action.java}). Everything else is
 * derived by ZStack's own rules: the message is {@code API<Name>Msg}; the reply of a synchronous message (Query*,
 * Get*, LogIn*, LogOut) is {@code API<Name>Reply}, of any other {@code API<Name>Event}, unless declared otherwise.
 * Nothing here repeats a parameter: parameters, validation and handlers stay in the catalogue.
 *
 * <p>An API of the catalogue missing here is still reachable through the RPC envelope under a derived class name
 * ({@code io.vrouter.header.API<Name>Msg}) and logged at start; {@code ZStackApisTest} fails on it.
 */
public final class ZStackApis {
    private static final Logger LOG = LoggerFactory.getLogger(ZStackApis.class);

    private static final String IDENTITY = "org.zstack.header.identity";
    private static final String ZONE = "org.zstack.header.zone";
    private static final String CLUSTER = "org.zstack.header.cluster";
    private static final String HOST = "org.zstack.header.host";
    private static final String SIMULATOR = "org.zstack.header.simulator";
    private static final String L2 = "org.zstack.header.network.l2";
    private static final String VXLAN_POOL = "org.zstack.network.l2.vxlan.vxlanNetworkPool";
    private static final String VXLAN = "org.zstack.network.l2.vxlan.vxlanNetwork";
    private static final String VTEP = "org.zstack.network.l2.vxlan.vtep";
    private static final String L3 = "org.zstack.header.network.l3";
    private static final String SERVICE = "org.zstack.header.network.service";
    private static final String IMAGE = "org.zstack.header.image";
    private static final String BACKUP = "org.zstack.header.storage.backup";
    private static final String OFFERING = "org.zstack.header.configuration";
    private static final String VM = "org.zstack.header.vm";
    private static final String VOLUME = "org.zstack.header.volume";
    private static final String CONFIG = "org.zstack.core.config";
    private static final String TAG = "org.zstack.header.tag";
    private static final String VROUTER = "org.zstack.network.service.virtualrouter";
    private static final String VIP = "org.zstack.network.service.vip";
    private static final String EIP = "org.zstack.network.service.eip";
    private static final String PF = "org.zstack.network.service.portforwarding";
    /** APIs ZStack does not have (the netns backend, deleting a router offering by its own name). */
    static final String VROUTER_OWN = "io.vrouter.header";

    /** A declaration: name, package, "METHOD /path[ /older-path]", optional reply class. */
    private record Declared(String name, String pkg, String rest, String reply) {
    }

    private static Declared api(String name, String pkg, String rest) {
        return new Declared(name, pkg, rest, null);
    }

    private static Declared api(String name, String pkg, String rest, String reply) {
        return new Declared(name, pkg, rest, reply);
    }

    private static final List<Declared> DECLARED = List.of(
            api("LogInByAccount", IDENTITY, "PUT /accounts/login", IDENTITY + ".APILogInReply"),
            api("LogOut", IDENTITY, "DELETE /accounts/sessions/{sessionUuid}"),

            api("CreateZone", ZONE, "POST /zones"),
            api("UpdateZone", ZONE, "PUT /zones/{uuid}/actions"),
            api("DeleteZone", ZONE, "DELETE /zones/{uuid}"),
            api("QueryZone", ZONE, "GET /zones"),

            api("CreateCluster", CLUSTER, "POST /clusters"),
            api("DeleteCluster", CLUSTER, "DELETE /clusters/{uuid}"),
            api("QueryCluster", CLUSTER, "GET /clusters"),

            api("AddSimulatorHost", SIMULATOR, "POST /hosts/simulators", HOST + ".APIAddHostEvent"),
            api("AddNetnsHost", VROUTER_OWN, "POST /hosts/netns", HOST + ".APIAddHostEvent"),
            api("ChangeHostState", HOST, "PUT /hosts/{uuid}/actions"),
            api("ReconnectHost", HOST, "PUT /hosts/{uuid}/actions"),
            api("DeleteHost", HOST, "DELETE /hosts/{uuid}"),
            api("QueryHost", HOST, "GET /hosts"),

            api("CreateL2NoVlanNetwork", L2, "POST /l2-networks/no-vlan", L2 + ".APICreateL2NetworkEvent"),
            api("CreateL2VlanNetwork", L2, "POST /l2-networks/vlan", L2 + ".APICreateL2NetworkEvent"),
            api("DeleteL2Network", L2, "DELETE /l2-networks/{uuid}"),
            api("AttachL2NetworkToCluster", L2, "POST /l2-networks/{l2NetworkUuid}/clusters/{clusterUuid}"),
            api("DetachL2NetworkFromCluster", L2, "DELETE /l2-networks/{l2NetworkUuid}/clusters/{clusterUuid}"),
            api("QueryL2Network", L2, "GET /l2-networks"),
            api("QueryL2VlanNetwork", L2, "GET /l2-networks/vlan"),
            api("CreateL2VxlanNetworkPool", VXLAN_POOL, "POST /l2-networks/vxlan-pool"),
            api("CreateVniRange", VXLAN_POOL, "POST /l2-networks/vxlan-pool/{l2NetworkUuid}/vni-ranges"),
            api("DeleteVniRange", VXLAN_POOL, "DELETE /l2-networks/vxlan-pool/vni-ranges/{uuid}"),
            api("QueryL2VxlanNetworkPool", VXLAN_POOL, "GET /l2-networks/vxlan-pool"),
            api("QueryVniRange", VXLAN_POOL, "GET /l2-networks/vxlan-pool/vni-ranges"),
            api("CreateL2VxlanNetwork", VXLAN, "POST /l2-networks/vxlan"),
            api("QueryL2VxlanNetwork", VXLAN, "GET /l2-networks/vxlan"),
            api("QueryVtep", VTEP, "GET /l2-networks/vteps"),

            api("CreateL3Network", L3, "POST /l3-networks"),
            api("UpdateL3Network", L3, "PUT /l3-networks/{uuid}/actions"),
            api("ChangeL3NetworkState", L3, "PUT /l3-networks/{uuid}/actions"),
            api("DeleteL3Network", L3, "DELETE /l3-networks/{uuid}"),
            api("QueryL3Network", L3, "GET /l3-networks"),
            api("AddDnsToL3Network", L3, "POST /l3-networks/{l3NetworkUuid}/dns"),
            api("RemoveDnsFromL3Network", L3, "DELETE /l3-networks/{l3NetworkUuid}/dns/{dns}"),
            api("AddIpRange", L3, "POST /l3-networks/{l3NetworkUuid}/ip-ranges"),
            api("AddIpRangeByNetworkCidr", L3, "POST /l3-networks/{l3NetworkUuid}/ip-ranges/by-cidr", L3 + ".APIAddIpRangeEvent"),
            api("DeleteIpRange", L3, "DELETE /l3-networks/ip-ranges/{uuid}"),
            api("QueryIpRange", L3, "GET /l3-networks/ip-ranges"),
            api("GetFreeIp", L3, "GET /l3-networks/{l3NetworkUuid}/ip/free /l3-networks/ip/free"),

            api("AttachNetworkServiceToL3Network", SERVICE, "POST /l3-networks/{l3NetworkUuid}/network-services"),
            api("DetachNetworkServiceFromL3Network", SERVICE, "DELETE /l3-networks/{l3NetworkUuid}/network-services"),
            api("QueryNetworkServiceProvider", SERVICE, "GET /network-services/providers"),
            api("QueryNetworkServiceL3NetworkRef", SERVICE, "GET /l3-networks/network-services/refs"),

            api("AddImage", IMAGE, "POST /images"),
            api("DeleteImage", IMAGE, "DELETE /images/{uuid}"),
            api("ExpungeImage", IMAGE, "PUT /images/{imageUuid}/actions"),
            api("QueryImage", IMAGE, "GET /images"),

            api("AddSimulatorBackupStorage", SIMULATOR + ".storage.backup", "POST /backup-storage/simulators", BACKUP + ".APIAddBackupStorageEvent"),
            api("AddSftpBackupStorage", "org.zstack.storage.backup.sftp", "POST /backup-storage/sftp", BACKUP + ".APIAddBackupStorageEvent"),
            api("AttachBackupStorageToZone", BACKUP, "POST /zones/{zoneUuid}/backup-storage/{backupStorageUuid}"),
            api("DetachBackupStorageFromZone", BACKUP, "DELETE /zones/{zoneUuid}/backup-storage/{backupStorageUuid}"),
            api("DeleteBackupStorage", BACKUP, "DELETE /backup-storage/{uuid}"),
            api("QueryBackupStorage", BACKUP, "GET /backup-storage"),

            api("CreateInstanceOffering", OFFERING, "POST /instance-offerings"),
            api("ChangeInstanceOfferingState", OFFERING, "PUT /instance-offerings/{uuid}/actions"),
            api("DeleteInstanceOffering", OFFERING, "DELETE /instance-offerings/{uuid}"),
            api("QueryInstanceOffering", OFFERING, "GET /instance-offerings"),

            api("CreateVmInstance", VM, "POST /vm-instances"),
            api("StartVmInstance", VM, "PUT /vm-instances/{uuid}/actions"),
            api("StopVmInstance", VM, "PUT /vm-instances/{uuid}/actions"),
            api("RebootVmInstance", VM, "PUT /vm-instances/{uuid}/actions"),
            api("DestroyVmInstance", VM, "DELETE /vm-instances/{uuid}"),
            api("QueryVmInstance", VM, "GET /vm-instances"),
            api("QueryVmNic", VM, "GET /vm-instances/nics"),
            api("QueryVolume", VOLUME, "GET /volumes"),

            api("UpdateGlobalConfig", CONFIG, "PUT /global-configurations/{category}/{name}/actions"),
            api("QueryGlobalConfig", CONFIG, "GET /global-configurations"),

            api("CreateSystemTag", TAG, "POST /system-tags"),
            api("CreateUserTag", TAG, "POST /user-tags"),
            api("DeleteTag", TAG, "DELETE /tags/{uuid}"),
            api("QuerySystemTag", TAG, "GET /system-tags"),
            api("QueryUserTag", TAG, "GET /user-tags"),

            api("CreateVirtualRouterOffering", VROUTER, "POST /instance-offerings/virtual-routers", OFFERING + ".APICreateInstanceOfferingEvent"),
            api("UpdateVirtualRouterOffering", VROUTER, "PUT /instance-offerings/virtual-routers/{uuid}/actions"),
            api("DeleteVirtualRouterOffering", VROUTER_OWN, "DELETE /instance-offerings/virtual-routers/{uuid}"),
            api("QueryVirtualRouterOffering", VROUTER, "GET /instance-offerings/virtual-routers"),
            api("QueryVirtualRouterVm", VROUTER, "GET /vm-instances/appliances/virtual-routers"),
            api("ReconnectVirtualRouter", VROUTER, "PUT /vm-instances/appliances/virtual-routers/{vmInstanceUuid}/actions"),

            api("CreateVip", VIP, "POST /vips"),
            api("ChangeVipState", VIP, "PUT /vips/{uuid}/actions"),
            api("DeleteVip", VIP, "DELETE /vips/{uuid}"),
            api("QueryVip", VIP, "GET /vips"),

            api("CreateEip", EIP, "POST /eips"),
            api("AttachEip", EIP, "POST /eips/{eipUuid}/vm-instances/nics/{vmNicUuid}"),
            api("DetachEip", EIP, "DELETE /eips/{uuid}/vm-instances/nics"),
            api("ChangeEipState", EIP, "PUT /eips/{uuid}/actions"),
            api("DeleteEip", EIP, "DELETE /eips/{uuid}"),
            api("GetEipAttachableVmNics", EIP, "GET /eips/{eipUuid}/vm-instances/candidate-nics"),
            api("QueryEip", EIP, "GET /eips"),

            api("CreatePortForwardingRule", PF, "POST /port-forwarding"),
            api("AttachPortForwardingRule", PF, "POST /port-forwarding/{ruleUuid}/vm-instances/nics/{vmNicUuid}"),
            api("DetachPortForwardingRule", PF, "DELETE /port-forwarding/{uuid}/vm-instances/nics"),
            api("ChangePortForwardingRuleState", PF, "PUT /port-forwarding/{uuid}/actions"),
            api("DeletePortForwardingRule", PF, "DELETE /port-forwarding/{uuid}"),
            api("GetPortForwardingAttachableVmNics", PF, "GET /port-forwarding/{ruleUuid}/vm-instances/candidate-nics"),
            api("QueryPortForwardingRule", PF, "GET /port-forwarding"));

    private final Map<String, ZStackApi> byApiName;
    private final Map<String, ZStackApi> bySimpleClass;
    private final List<String> undeclared;

    private ZStackApis(Map<String, ZStackApi> byApiName, List<String> undeclared) {
        this.byApiName = byApiName;
        this.bySimpleClass = byApiName.values().stream()
                .collect(Collectors.toMap(ZStackApi::simpleMessageClass, a -> a));
        this.undeclared = List.copyOf(undeclared);
    }

    /** The ZStack names of every API in the catalogue (declared ones from the table, the rest derived). */
    public static ZStackApis of(ApiCatalogue catalogue) {
        Map<String, Declared> declared = DECLARED.stream().collect(Collectors.toMap(Declared::name, d -> d));
        Map<String, ZStackApi> apis = new LinkedHashMap<>();
        List<String> missing = new java.util.ArrayList<>();
        for (ApiDefinition definition : catalogue.all()) {
            Declared d = declared.get(definition.name());
            if (d == null) {
                missing.add(definition.name());
                d = new Declared(definition.name(), VROUTER_OWN, null, null);
            }
            apis.put(definition.name(), identity(d));
        }
        if (!missing.isEmpty()) {
            LOG.warn("APIs without ZStack names (RPC under {}.API<Name>Msg, no REST v1 path): {}", VROUTER_OWN, missing);
        }
        return new ZStackApis(apis, missing);
    }

    private static ZStackApi identity(Declared d) {
        String name = d.name();
        boolean sync = name.startsWith("Query") || name.startsWith("Get") || name.startsWith("LogIn") || name.equals("LogOut");
        String reply = d.reply() != null ? d.reply() : d.pkg() + ".API" + name + (sync ? "Reply" : "Event");
        String method = null;
        List<String> paths = List.of();
        if (d.rest() != null) {
            String[] words = d.rest().split(" ");
            method = words[0];
            paths = Arrays.asList(words).subList(1, words.length);
        }
        return new ZStackApi(name, d.pkg() + ".API" + name + "Msg", reply, sync, method, paths);
    }

    /**
     * The API a message class names. Matched by the class's simple name ({@code APICreateZoneMsg}), so the
     * packages ZStack moved classes between across releases (0.6 to 5.x) all reach it.
     */
    public Optional<ZStackApi> byMessageClass(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return Optional.ofNullable(bySimpleClass.get(simple));
    }

    public Optional<ZStackApi> byApiName(String apiName) {
        return Optional.ofNullable(byApiName.get(apiName));
    }

    public Collection<ZStackApi> all() {
        return byApiName.values();
    }

    /** Catalogue APIs this table does not name. */
    public List<String> undeclared() {
        return undeclared;
    }

    /** Declared names with no API in the catalogue: a table entry that outlived its API. */
    public static List<String> declaredNames() {
        return DECLARED.stream().map(Declared::name).toList();
    }
}

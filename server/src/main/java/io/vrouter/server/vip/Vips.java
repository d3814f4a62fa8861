package io.vrouter.server.vip;

import io.vrouter.api.ErrorCode;
import io.vrouter.api.QueryCondition;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.KeyBatches;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.l3.AllocatedIp;
import io.vrouter.server.l3.IpAllocator;
import io.vrouter.server.l3.IpRangeRecord;
import io.vrouter.server.l3.IpRanges;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.vm.VmDirectory;
import io.vrouter.server.vm.VmLifecycleExtension;
import io.vrouter.server.vm.VmState;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.vip.VipTables.VIP;
import static io.vrouter.server.vip.VipTables.VIP_VIEW;

/**
 * VIPs: addresses of an L3's ranges (never handed to a VM, the allocator's key sees to that) that EIPs and port
 * forwarding rules stand on.
 *
 * <p>Everything that changes what uses a VIP runs in a transaction that first locks the VIP's row
 * ({@link #lockForUse}); the checks that follow (is it used by an EIP? does a range overlap?) therefore see every
 * committed competitor and no competitor can slip in before the commit. That is the database's serialisation,
 * so it holds across management nodes. The nic checks EIPs and rules share live here too.
 */
public final class Vips implements VmLifecycleExtension {
    private static final Logger LOG = LoggerFactory.getLogger(Vips.class);
    public static final String RESOURCE_TYPE = "VipVO";
    public static final String ENABLED = "Enabled";
    public static final String DISABLED = "Disabled";
    /**
     * The VIPs a virtual router serves (those of the attached EIPs and rules on its guest L3s), with a
     * {@code virtualRouterUuid} field: the target of {@code Expansion.many("vip", VIRTUAL_ROUTER_VIP, "uuid",
     * "virtualRouterUuid")} on the router's inventory.
     */
    public static final String VIRTUAL_ROUTER_VIP = "VirtualRouterVip";

    private static final Field<String> L3 = field("l3_network_uuid", String.class);
    private static final Field<String> RANGE = field("ip_range_uuid", String.class);
    private static final Field<String> USED_IP_UUID = field("used_ip_uuid", String.class);
    private static final Field<String> IP = field("ip", String.class);
    private static final Field<String> GATEWAY = field("gateway", String.class);
    private static final Field<String> NETMASK = field("netmask", String.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<String> SERVICE_PROVIDER = field("service_provider", String.class);
    private static final Field<String> PEER_L3 = field("peer_l3_network_uuid", String.class);
    private static final Field<Boolean> SNAT = field("snat", Boolean.class);
    private static final Field<String> USE_FOR = field("use_for", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final IpAllocator ipAllocator;
    private final Tags tags;
    private final VmDirectory vms;
    private final List<VipUser> users = new CopyOnWriteArrayList<>();
    private volatile VipRuleRouters routers = VipRuleRouters.NONE;
    private QueryApis queries;

    public Vips(DSLContext dsl, Clock clock, IpAllocator ipAllocator, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.ipAllocator = ipAllocator;
        this.tags = tags;
        this.vms = new VmDirectory(dsl);
    }

    /** The router provider registers itself here, once for every kind of rule; null puts the no-op back. */
    public void setRouters(VipRuleRouters routers) {
        this.routers = routers == null ? VipRuleRouters.NONE : routers;
    }

    VipRuleRouters routers() {
        return routers;
    }

    /** The EIP and port forwarding packages register themselves, so DeleteVip and ChangeVipState reach them. */
    public void addUser(VipUser user) {
        users.add(user);
    }

    // ---------------------------------------------------------------- rows other packages read

    /** A VIP's row, as the checks of its users need it. */
    public record VipRow(String uuid, String name, String l3NetworkUuid, String ip, String netmask, String gateway,
                         String state, boolean snat, String usedIpUuid) {
        public String describe() {
            return "VIP " + name + " (" + ip + ", " + uuid + ")";
        }
    }

    private static VipRow row(Record r) {
        return new VipRow(r.get(UUID), r.get(NAME), r.get(L3), r.get(IP), r.get(NETMASK), r.get(GATEWAY), r.get(STATE),
                Boolean.TRUE.equals(r.get(SNAT)), r.get(USED_IP_UUID));
    }

    public Optional<VipRow> find(String uuid) {
        return dsl.select(UUID, NAME, L3, IP, NETMASK, GATEWAY, STATE, SNAT, USED_IP_UUID).from(VIP).where(UUID.eq(uuid))
                .fetchOptional(Vips::row);
    }

    public VipRow get(String uuid) {
        return find(uuid).orElseThrow(() -> ApiException.notFound("VIP", uuid));
    }

    /**
     * Locks the VIP's row for the rest of the caller's transaction ({@code SELECT ... FOR UPDATE}) and returns it.
     * Every transaction that adds, attaches or removes something on a VIP calls this first.
     */
    public static VipRow lockForUse(DSLContext tx, String vipUuid) {
        return tx.select(UUID, NAME, L3, IP, NETMASK, GATEWAY, STATE, SNAT, USED_IP_UUID).from(VIP).where(UUID.eq(vipUuid))
                .forUpdate().fetchOptional(Vips::row)
                .orElseThrow(() -> ApiException.notFound("VIP", vipUuid));
    }

    /**
     * The checks of reference §4 between a VIP and the nic its EIP or rule would reach: a user VM's nic that is
     * alive, has an address, is not on the VIP's L3, and whose subnet does not contain the VIP.
     *
     * @param what e.g. {@code an EIP} or {@code a port forwarding rule}, for the message
     */
    public static void checkNic(VipRow vip, VmDirectory.NicWithVm nic, String what) {
        String problem = nicProblem(vip, nic, what);
        if (problem != null) {
            throw ApiException.invalidArgument(problem);
        }
    }

    static String nicProblem(VipRow vip, VmDirectory.NicWithVm nic, String what) {
        if (!VmSpec.USER_VM.equals(nic.vmType())) {
            return describe(nic) + " belongs to an appliance VM (" + nic.vmType() + "); " + what
                    + " can only reach a user VM";
        }
        if (nic.vmState() == VmState.Destroying || nic.vmState() == VmState.Destroyed) {
            return describe(nic) + " belongs to a VM that is " + nic.vmState();
        }
        if (nic.ip() == null || nic.netmask() == null) {
            return describe(nic) + " has no IP address";
        }
        if (nic.l3Uuid().equals(vip.l3NetworkUuid())) {
            return describe(nic) + " is on L3 network " + vip.l3NetworkUuid() + ", the L3 of " + vip.describe()
                    + "; " + what + " needs a nic on another (guest) L3";
        }
        Optional<Ipv4Cidr> subnet = Ipv4Cidr.prefixOf(Ipv4.tryParse(nic.netmask()).orElseThrow())
                .map(p -> Ipv4Cidr.of(Ipv4.tryParse(nic.ip()).orElseThrow(), Ipv4.tryParse(nic.netmask()).orElseThrow()));
        if (subnet.isPresent() && subnet.get().contains(Ipv4.tryParse(vip.ip()).orElseThrow())) {
            return vip.describe() + " lies inside the guest subnet " + subnet.get() + " of " + describe(nic);
        }
        return null;
    }

    /** A nic for the messages of the checks, e.g. {@code VM nic <uuid> (10.0.0.5 of VM web)}. */
    public static String describe(VmDirectory.NicWithVm nic) {
        return "VM nic " + nic.uuid() + " (" + (nic.ip() == null ? "no address" : nic.ip()) + " of VM " + nic.vmName() + ")";
    }

    /** A nic with its VM, read in the caller's transaction; SYS.1003 when there is no such nic. */
    public static VmDirectory.NicWithVm nicWithVm(DSLContext tx, String nicUuid) {
        return new VmDirectory(tx).nicWithVm(nicUuid).orElseThrow(() -> ApiException.notFound("VM nic", nicUuid));
    }

    /** {@code {"inventories": [VmNic...]}} in the given order. */
    public static Object nicInventories(QueryApis queries, List<String> nicUuids) {
        if (nicUuids.isEmpty()) {
            return new Replies.InventoriesReply(List.of(), null);
        }
        List<Map<String, Object>> found = queries.find("VmNic", new QueryCondition("uuid", "in", String.join(",", nicUuids)));
        List<Map<String, Object>> ordered = found.stream()
                .sorted(java.util.Comparator.comparingInt(m -> nicUuids.indexOf((String) m.get("uuid")))).toList();
        return new Replies.InventoriesReply(ordered, null);
    }

    // ---------------------------------------------------------------- create, delete, state

    String create(String name, String description, String l3Uuid, String requiredIp, String ipRangeUuid) {
        if (L3Networks.find(dsl, l3Uuid).isEmpty()) {
            throw ApiException.notFound("L3 network", l3Uuid);
        }
        AllocatedIp ip;
        if (ipRangeUuid != null) {
            IpRangeRecord range = IpRanges.find(dsl, ipRangeUuid).orElseThrow(() -> ApiException.notFound("IP range", ipRangeUuid));
            if (!range.l3NetworkUuid().equals(l3Uuid)) {
                throw ApiException.invalidArgument("IP range " + ipRangeUuid + " belongs to L3 network " + range.l3NetworkUuid()
                        + ", not to L3 network " + l3Uuid);
            }
            long start = Ipv4.parse(range.startIp()).value();
            long end = Ipv4.parse(range.endIp()).value();
            if (requiredIp != null) {
                long wanted = Ipv4.tryParse(requiredIp).orElseThrow().value();
                if (wanted < start || wanted > end) {
                    throw ApiException.invalidArgument("requiredIp " + requiredIp + " is not inside IP range " + ipRangeUuid
                            + " (" + new Ipv4(start) + "-" + new Ipv4(end) + ")");
                }
                ip = ipAllocator.allocate(l3Uuid, requiredIp, "Vip");
            } else {
                ip = ipAllocator.allocateInRange(l3Uuid, ipRangeUuid, "Vip");
            }
        } else {
            ip = ipAllocator.allocate(l3Uuid, requiredIp, "Vip");
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        try {
            dsl.insertInto(VIP).columns(UUID, NAME, DESCRIPTION, L3, RANGE, USED_IP_UUID, IP, GATEWAY, NETMASK, STATE, SNAT,
                            CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, l3Uuid, ip.ipRangeUuid(), ip.uuid(), ip.ip(), ip.gateway(), ip.netmask(),
                            ENABLED, false, now, now)
                    .execute();
        } catch (RuntimeException e) {
            ipAllocator.release(ip.uuid());
            throw e;
        }
        return uuid;
    }

    /**
     * Deletes a VIP: first what uses it (each user revokes what is applied before removing its records), then the
     * VIP, then its address. If a revocation fails, the VIP and whatever was not yet revoked stay.
     */
    public void delete(String uuid) {
        VipRow vip = get(uuid);
        for (VipUser user : users) {
            user.deleteAllOnVip(uuid);
        }
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockForUse(tx, uuid);
            usesBesides(tx, uuid, null).stream().findFirst().ifPresent(use -> {
                throw ApiException.conflict(vip.describe() + " got a new " + use.noun() + " while it was being deleted; delete again");
            });
            tx.deleteFrom(VIP).where(UUID.eq(uuid)).execute();
        });
        ipAllocator.release(vip.usedIpUuid());
        tags.deleteAllOf(uuid);
    }

    /**
     * Stores the new state, then syncs the routers serving the VIP's rules (those active before a disable, after an
     * enable). A failed revocation puts the VIP back to Enabled and fails the call; a failed apply after an enable
     * is logged (the router's retries bring it in line).
     */
    void changeState(String uuid, String stateEvent) {
        VipRow vip = get(uuid);
        String target = "enable".equals(stateEvent) ? ENABLED : DISABLED;
        if (target.equals(vip.state())) {
            return;
        }
        Set<String> before = guestL3sOfRulesOn(uuid);
        setState(uuid, target);
        if (DISABLED.equals(target)) {
            try {
                before.forEach(routers::syncGuestL3);
            } catch (RuntimeException e) {
                setState(uuid, ENABLED);
                before.forEach(l3 -> quietly(() -> routers.syncGuestL3(l3)));
                throw new ApiException(e instanceof ApiException api ? api.code() : ErrorCode.OPERATION_FAILED, "operation failed",
                        "revoking the rules on " + vip.describe() + " failed: " + e.getMessage() + "; nothing was changed", e);
            }
        } else {
            guestL3sOfRulesOn(uuid).forEach(l3 -> quietly(() -> routers.syncGuestL3(l3)));
        }
    }

    private Set<String> guestL3sOfRulesOn(String vipUuid) {
        Set<String> l3s = new LinkedHashSet<>();
        users.forEach(u -> l3s.addAll(u.guestL3sOfRulesOn(vipUuid)));
        return l3s;
    }

    private void setState(String uuid, String state) {
        dsl.update(VIP).set(STATE, state).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
    }

    private static void quietly(Runnable sync) {
        try {
            sync.run();
        } catch (RuntimeException e) {
            LOG.warn("syncing a router after a VIP state change failed: {}", e.toString(), e);
        }
    }

    /**
     * Marks a VIP as used (or no longer used) for SNAT by the virtual router provider, which then shows in useFor;
     * refused while an EIP stands on it, since an EIP owns its VIP alone.
     */
    public void setSnat(String vipUuid, boolean snat) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            VipRow vip = lockForUse(tx, vipUuid);
            if (snat) {
                usesBesides(tx, vipUuid, null).stream().filter(VipUser.Use::needsVipAlone).findFirst().ifPresent(use -> {
                    throw ApiException.invalidArgument(vip.describe() + " is used by an " + use.noun() + "; it cannot serve SNAT as well");
                });
            }
            tx.update(VIP).set(SNAT, snat).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(vipUuid)).execute();
        });
    }

    /**
     * Under the VIP lock ({@link #lockForUse}): one rule of each kind but {@code besides} (null: of every kind) that
     * stands on the VIP, in the order the kinds registered. How a kind learns what the others put on a VIP without
     * reading their tables.
     */
    public List<VipUser.Use> usesBesides(DSLContext tx, String vipUuid, VipUser besides) {
        List<VipUser.Use> uses = new ArrayList<>();
        for (VipUser user : users) {
            if (user != besides) {
                user.useOf(tx, vipUuid).ifPresent(uses::add);
            }
        }
        return uses;
    }

    /** Records which provider serves the VIP (and through which peer L3), as the inventory shows. */
    public void setServiceProvider(String vipUuid, String serviceProvider, String peerL3NetworkUuid) {
        dsl.update(VIP).set(SERVICE_PROVIDER, serviceProvider).set(PEER_L3, peerL3NetworkUuid)
                .set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(vipUuid)).execute();
    }

    // ---------------------------------------------------------------- for the virtual router provider

    /**
     * Whether a rule of the kind whose useFor (the network service type it needs) is given reaches the nic, in any
     * state: only then can the nic's VM starting or stopping change what the router serves for that service.
     */
    public boolean anyRuleOnNic(String nicUuid, String useFor) {
        return users.stream().anyMatch(u -> u.useFor().equals(useFor) && u.anyOnNic(nicUuid));
    }

    /** VM destroy detaches every rule of every kind from the VM's nics ({@link VipRules#detachAllOfVm}). */
    @Override
    public void beforeDestroy(VmSpec vm) {
        users.forEach(u -> u.detachAllOfVm(vm));
    }

    /**
     * VIPs that an active EIP or port forwarding rule on this guest L3 stands on (active: attached, the rule and
     * the VIP Enabled, the nic's VM Running): what the guest L3's router must hold on its public nic.
     */
    public List<VipView> vipsInUseOnGuestL3(String guestL3Uuid) {
        List<String> nics = vms.nicsOfRunningVmsOn(guestL3Uuid).stream().map(VmDirectory.NicWithVm::uuid).toList();
        Set<String> used = new LinkedHashSet<>();
        users.forEach(u -> used.addAll(u.vipsOfEnabledRulesOn(nics)));
        List<VipView> views = KeyBatches.read(used, batch -> dsl.select(UUID, NAME, IP, NETMASK, GATEWAY, L3, STATE, USE_FOR)
                .from(VIP_VIEW).where(UUID.in(batch)).and(STATE.eq(ENABLED))
                .fetch(r -> new VipView(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6(), r.value7(), r.value8())));
        List<VipView> ordered = new ArrayList<>(views);
        ordered.sort(Comparator.comparing((VipView v) -> Ipv4.parse(v.ip())).thenComparing(VipView::uuid));
        return ordered;
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        this.queries = queries;
        types.register(RESOURCE_TYPE, "vip");
        registry.register(Inventory.builder("Vip", "vip_view")
                .strings("uuid", "name", "description", "l3NetworkUuid", "ip", "state", "gateway", "netmask",
                        "serviceProvider", "peerL3NetworkUuid", "useFor", "usedIpUuid")
                .dates()
                .expand(Expansion.one("l3Network", "L3Network", "l3NetworkUuid", "uuid"))
                .expand(Expansion.many("eip", "Eip", "uuid", "vipUuid"))
                .expand(Expansion.many("portForwarding", "PortForwardingRule", "uuid", "vipUuid"))
                .build());
        queries.register("QueryVip", "Vip", "vips");
        registry.register(Inventory.builder(VIRTUAL_ROUTER_VIP, "virtual_router_vip_view")
                .strings("uuid", "virtualRouterUuid", "name", "description", "l3NetworkUuid", "ip", "state", "gateway", "netmask",
                        "serviceProvider", "peerL3NetworkUuid", "useFor", "usedIpUuid")
                .dates()
                .build());
        catalogue.register(ApiDefinition.of("CreateVip", "Take an address of an L3 network as a VIP for EIPs and port forwarding",
                call -> inventory(create(call.string("name"), call.optString("description").orElse(null),
                        call.string("l3NetworkUuid"), call.optString("requiredIp").orElse(null),
                        call.optString("ipRangeUuid").orElse(null))),
                ApiParam.required("name", ParamType.STRING, "VIP name").withRange(1, 255),
                ApiParam.required("l3NetworkUuid", ParamType.UUID, "the (public) L3 network the address comes from"),
                ApiParam.optional("requiredIp", ParamType.IPV4, "this address, which must be free"),
                ApiParam.optional("ipRangeUuid", ParamType.UUID, "take the address from this IP range of the L3"),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("DeleteVip", "Delete a VIP with the EIPs and port forwarding rules on it, and release its address",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the VIP")));
        catalogue.register(ApiDefinition.of("ChangeVipState", "Enable or disable a VIP; a disabled VIP's EIPs and rules are not applied",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory(call.string("uuid"));
                },
                ApiParam.required("uuid", ParamType.UUID, "the VIP"),
                ApiParam.required("stateEvent", ParamType.STRING, "enable or disable").withChoices("enable", "disable")));
    }

    private Object inventory(String uuid) {
        return Replies.inventory(queries.inventory("Vip", uuid));
    }
}

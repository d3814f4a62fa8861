package io.vrouter.server.eip;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.vip.VipUser;
import io.vrouter.server.vip.Vips;
import io.vrouter.server.vm.VmLifecycleExtension;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/**
 * Elastic IPs: a VIP mapped one-to-one onto a user VM's nic. The VIP is the EIP's alone (no port forwarding, no
 * SNAT on it) and a nic has at most one EIP; both are unique keys, and every write locks the VIP row first (see
 * {@link Vips#lockForUse}), so concurrent creators cannot both win. What is applied on routers goes through the
 * {@link EipApplier}; see there for the order of database and router changes.
 */
public final class Eips implements VipUser, VmLifecycleExtension {
    private static final Logger LOG = LoggerFactory.getLogger(Eips.class);
    public static final String RESOURCE_TYPE = "EipVO";
    /**
     * The attached EIPs whose nic is on a guest L3 a virtual router serves, with a {@code virtualRouterUuid}
     * field: the target of {@code Expansion.many("eip", VIRTUAL_ROUTER_EIP, "uuid", "virtualRouterUuid")}.
     */
    public static final String VIRTUAL_ROUTER_EIP = "VirtualRouterEip";
    static final String ENABLED = "Enabled";
    static final String DISABLED = "Disabled";

    private static final Table<?> EIP = DSL.table(DSL.unquotedName("eip"));
    private static final Table<?> PF = DSL.table(DSL.unquotedName("port_forwarding_rule"));
    private static final Field<String> VIP_UUID = field("vip_uuid", String.class);
    private static final Field<String> NIC_UUID = field("vm_nic_uuid", String.class);
    private static final Field<String> STATE = field("state", String.class);

    private static final String VIEW_SELECT = "select e.uuid, e.name, e.state, v.uuid, v.ip, v.netmask, v.gateway,"
            + " v.l3_network_uuid, n.uuid, n.vm_instance_uuid, n.ip, n.mac, n.l3_network_uuid, vm.state"
            + " from eip e join vip v on v.uuid = e.vip_uuid join vm_nic n on n.uuid = e.vm_nic_uuid"
            + " join vm_instance vm on vm.uuid = n.vm_instance_uuid";
    private static final String ACTIVE = " e.state = 'Enabled' and v.state = 'Enabled' and vm.state = 'Running'";

    private final DSLContext dsl;
    private final Clock clock;
    private final Vips vips;
    private final Tags tags;
    private volatile EipApplier applier = EipApplier.NONE;
    private QueryApis queries;

    public Eips(DSLContext dsl, Clock clock, Vips vips, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.vips = vips;
        this.tags = tags;
        vips.addUser(this);
    }

    /** The virtual router provider registers its applier here; null puts the no-op back. */
    public void setApplier(EipApplier applier) {
        this.applier = applier == null ? EipApplier.NONE : applier;
    }

    // ---------------------------------------------------------------- rows

    record EipRow(String uuid, String name, String vipUuid, String vmNicUuid, String state) {
        String describe() {
            return "EIP " + name + " (" + uuid + ")";
        }
    }

    private static EipRow row(Record r) {
        return new EipRow(r.get(UUID), r.get(NAME), r.get(VIP_UUID), r.get(NIC_UUID), r.get(STATE));
    }

    private Optional<EipRow> find(DSLContext ctx, String uuid) {
        return ctx.select(UUID, NAME, VIP_UUID, NIC_UUID, STATE).from(EIP).where(UUID.eq(uuid)).fetchOptional(Eips::row);
    }

    EipRow get(String uuid) {
        return find(dsl, uuid).orElseThrow(() -> ApiException.notFound("EIP", uuid));
    }

    private static EipView view(Record r) {
        return new EipView(r.get(0, String.class), r.get(1, String.class), r.get(2, String.class), r.get(3, String.class),
                r.get(4, String.class), r.get(5, String.class), r.get(6, String.class), r.get(7, String.class),
                r.get(8, String.class), r.get(9, String.class), r.get(10, String.class), r.get(11, String.class),
                r.get(12, String.class), r.get(13, String.class));
    }

    /** The EIP as routers should serve it, if it is active now. */
    Optional<EipView> activeView(String uuid) {
        return dsl.fetchOptional(VIEW_SELECT + " where e.uuid = ? and" + ACTIVE, uuid).map(Eips::view);
    }

    /**
     * For VM destroy: the VM is Destroying by then, and may have been Running a moment before, so a rule of a
     * Destroying VM counts as applied (revoking what a router does not hold is harmless).
     */
    private Optional<EipView> appliedViewOfDestroyingVm(String uuid) {
        return dsl.fetchOptional(VIEW_SELECT + " where e.uuid = ? and" + ACTIVE.replace("vm.state = 'Running'",
                "vm.state in ('Running', 'Destroying')"), uuid).map(Eips::view);
    }

    // ---------------------------------------------------------------- for the virtual router provider

    /**
     * The desired state of a guest L3's router: every EIP attached to a nic on that L3, Enabled, on an Enabled
     * VIP, whose VM is Running. Ordered by VIP address.
     */
    public List<EipView> activeEipsOnGuestL3(String guestL3Uuid) {
        return dsl.fetch(VIEW_SELECT + " where n.l3_network_uuid = ? and" + ACTIVE + " order by v.ip, e.uuid", guestL3Uuid)
                .map(Eips::view);
    }

    /**
     * Detaches every EIP of a VM's nics: what VM destroy needs (also called as the VM lifecycle hook
     * {@link #beforeDestroy}). A failing revocation is logged, not thrown: the VM goes anyway, and the router's
     * next sync drops what the database no longer holds.
     */
    public void detachAllOfVm(String vmUuid) {
        List<String> eips = dsl.fetch("select e.uuid from eip e join vm_nic n on n.uuid = e.vm_nic_uuid"
                + " where n.vm_instance_uuid = ?", vmUuid).map(r -> r.get(0, String.class));
        for (String uuid : eips) {
            appliedViewOfDestroyingVm(uuid).ifPresent(view -> quietly("revoke EIP " + uuid + " of VM " + vmUuid, () -> applier.eipDetached(view)));
            dsl.update(EIP).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }
    }

    @Override
    public void beforeDestroy(VmSpec vm) {
        if (!vm.isAppliance()) {
            detachAllOfVm(vm.uuid());
        }
    }

    // ---------------------------------------------------------------- operations

    String create(String name, String description, String vipUuid, String nicUuid) {
        vips.get(vipUuid);
        if (nicUuid != null) {
            applier.checkAttach(vipUuid, nicUuid);
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        writeGuarded(nicUuid, vipUuid, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, vipUuid);
            checkVipFree(tx, vip);
            if (nicUuid != null) {
                checkNic(tx, vip, nicUuid);
            }
            tx.insertInto(EIP).columns(UUID, NAME, DESCRIPTION, VIP_UUID, NIC_UUID, STATE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, vipUuid, nicUuid, ENABLED, now, now)
                    .execute();
        }));
        if (nicUuid != null) {
            applyOrUndo(uuid, () -> {
                dsl.deleteFrom(EIP).where(UUID.eq(uuid)).execute();
                tags.deleteAllOf(uuid);
            });
        }
        return uuid;
    }

    void attach(String uuid, String nicUuid) {
        EipRow eip = get(uuid);
        applier.checkAttach(eip.vipUuid(), nicUuid);
        writeGuarded(nicUuid, eip.vipUuid(), () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, eip.vipUuid());
            EipRow locked = find(tx, uuid).orElseThrow(() -> ApiException.notFound("EIP", uuid));
            if (locked.vmNicUuid() != null) {
                throw ApiException.invalidArgument(locked.describe() + " is already attached to VM nic " + locked.vmNicUuid()
                        + "; detach it first");
            }
            if (!ENABLED.equals(locked.state())) {
                throw ApiException.invalidArgument(locked.describe() + " is " + locked.state() + "; enable it before attaching");
            }
            checkNic(tx, vip, nicUuid);
            tx.update(EIP).set(NIC_UUID, nicUuid).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }));
        applyOrUndo(uuid, () -> dsl.update(EIP).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                .where(UUID.eq(uuid)).and(NIC_UUID.eq(nicUuid)).execute());
    }

    void detach(String uuid) {
        EipRow eip = get(uuid);
        if (eip.vmNicUuid() == null) {
            throw ApiException.invalidArgument(eip.describe() + " is not attached to any VM nic");
        }
        revoke(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.lockForUse(tx, eip.vipUuid());
            tx.update(EIP).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).and(NIC_UUID.eq(eip.vmNicUuid())).execute();
        });
    }

    void delete(String uuid) {
        EipRow eip = get(uuid);
        revoke(uuid);
        dsl.deleteFrom(EIP).where(UUID.eq(uuid)).execute();
        tags.deleteAllOf(uuid);
    }

    void changeState(String uuid, String stateEvent) {
        EipRow eip = get(uuid);
        String target = "enable".equals(stateEvent) ? ENABLED : DISABLED;
        if (target.equals(eip.state())) {
            return;
        }
        if (DISABLED.equals(target)) {
            revoke(uuid);
        }
        dsl.update(EIP).set(STATE, target).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        if (ENABLED.equals(target)) {
            applyOrUndo(uuid, () -> dsl.update(EIP).set(STATE, DISABLED).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).execute());
        }
    }

    List<String> attachableNics(String eipUuid, String vipUuid) {
        if ((eipUuid == null) == (vipUuid == null)) {
            throw ApiException.invalidArgument("GetEipAttachableVmNics needs exactly one of eipUuid and vipUuid");
        }
        if (eipUuid != null) {
            EipRow eip = get(eipUuid);
            if (eip.vmNicUuid() != null) {
                return List.of();
            }
            vipUuid = eip.vipUuid();
        }
        return vips.attachableNics(vips.get(vipUuid), "not exists (select 1 from eip x where x.vm_nic_uuid = n.uuid)");
    }

    // ---------------------------------------------------------------- checks and plumbing

    /** Under the VIP lock: nothing else may use an EIP's VIP. */
    private static void checkVipFree(DSLContext tx, Vips.VipRow vip) {
        tx.select(UUID, NAME).from(EIP).where(VIP_UUID.eq(vip.uuid())).limit(1).fetchOptional().ifPresent(r -> {
            throw ApiException.invalidArgument(vip.describe() + " is already used by EIP " + r.get(NAME) + " ("
                    + r.get(UUID) + "); a VIP takes one EIP");
        });
        tx.select(UUID, NAME).from(PF).where(VIP_UUID.eq(vip.uuid())).limit(1).fetchOptional().ifPresent(r -> {
            throw ApiException.invalidArgument(vip.describe() + " is used for PortForwarding (rule " + r.get(NAME) + ", "
                    + r.get(UUID) + "); an EIP needs a VIP used by nothing else");
        });
        if (vip.snat()) {
            throw ApiException.invalidArgument(vip.describe() + " is used for SNAT; an EIP needs a VIP used by nothing else");
        }
    }

    /** Under the VIP lock: the nic passes the shared checks and has no EIP yet. */
    private static void checkNic(DSLContext tx, Vips.VipRow vip, String nicUuid) {
        Vips.GuestNic nic = Vips.guestNic(tx, nicUuid);
        Vips.checkNic(vip, nic, "an EIP");
        tx.select(UUID, NAME).from(EIP).where(NIC_UUID.eq(nicUuid)).limit(1).fetchOptional().ifPresent(r -> {
            throw nicHasEip(nicUuid, r.get(NAME) + " (" + r.get(UUID) + ")");
        });
    }

    private static ApiException nicHasEip(String nicUuid, String other) {
        return ApiException.invalidArgument("VM nic " + nicUuid + " already has EIP " + other + "; a nic takes one EIP");
    }

    /**
     * Runs a write whose rules are also unique keys: a competitor on another VIP that attached the same nic at the
     * same moment trips uq_eip_nic, and the loser gets the same message as if it had come second.
     */
    private void writeGuarded(String nicUuid, String vipUuid, Runnable write) {
        try {
            write.run();
        } catch (DataAccessException e) {
            ApiException api = Vips.apiExceptionIn(e);
            if (api != null) {
                throw api;
            }
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                String text = String.valueOf(e.getMessage()).toLowerCase();
                if (nicUuid != null && text.contains("uq_eip_nic")) {
                    throw nicHasEip(nicUuid, "attached at the same moment");
                }
                throw ApiException.invalidArgument(vips.get(vipUuid).describe() + " got an EIP at the same moment; a VIP takes one EIP");
            }
            throw e;
        }
    }

    private void applyOrUndo(String uuid, Runnable undo) {
        Optional<EipView> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.eipAttached(view.get());
        } catch (RuntimeException e) {
            undo.run();
            quietly("clean up after the failed apply of EIP " + uuid, () -> applier.eipDetached(view.get()));
            throw Vips.applyFailure(e, "applying EIP " + view.get().name() + " (" + view.get().vipIp() + " -> "
                    + view.get().guestIp() + ") failed: " + e.getMessage() + "; the change was undone");
        }
    }

    private void revoke(String uuid) {
        Optional<EipView> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.eipDetached(view.get());
        } catch (RuntimeException e) {
            throw Vips.applyFailure(e, "revoking EIP " + view.get().name() + " (" + view.get().vipIp() + " -> "
                    + view.get().guestIp() + ") failed: " + e.getMessage() + "; nothing was changed");
        }
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString(), e);
        }
    }

    // ---------------------------------------------------------------- VipUser

    @Override
    public String useFor() {
        return "Eip";
    }

    @Override
    public void deleteAllOnVip(String vipUuid) {
        dsl.select(UUID).from(EIP).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::delete);
    }

    @Override
    public void beforeVipDisabled(String vipUuid) {
        dsl.select(UUID).from(EIP).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::revoke);
    }

    @Override
    public void afterVipEnabled(String vipUuid) {
        for (String uuid : dsl.select(UUID).from(EIP).where(VIP_UUID.eq(vipUuid)).fetch(UUID)) {
            activeView(uuid).ifPresent(view -> quietly("apply EIP " + uuid + " after its VIP was enabled",
                    () -> applier.eipAttached(view)));
        }
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        this.queries = queries;
        types.register(RESOURCE_TYPE, "eip");
        registry.register(Inventory.builder("Eip", "eip_view")
                .strings("uuid", "name", "description", "vmNicUuid", "vipUuid", "state", "vipIp", "guestIp")
                .dates()
                .expand(Expansion.one("vip", "Vip", "vipUuid", "uuid"))
                .expand(Expansion.one("vmNic", "VmNic", "vmNicUuid", "uuid"))
                .build());
        queries.register("QueryEip", "Eip", "eips");
        registry.register(Inventory.builder(VIRTUAL_ROUTER_EIP, "virtual_router_eip_view")
                .strings("uuid", "virtualRouterUuid", "name", "description", "vmNicUuid", "vipUuid", "state", "vipIp", "guestIp")
                .dates()
                .build());
        ApiParam uuid = ApiParam.required("uuid", ParamType.UUID, "the EIP");
        catalogue.register(ApiDefinition.of("CreateEip", "Create an EIP on a VIP used by nothing else, optionally attached to a VM nic",
                call -> inventory(create(call.string("name"), call.optString("description").orElse(null),
                        call.string("vipUuid"), call.optString("vmNicUuid").orElse(null))),
                ApiParam.required("name", ParamType.STRING, "EIP name").withRange(1, 255),
                ApiParam.required("vipUuid", ParamType.UUID, "the VIP, used by nothing else"),
                ApiParam.optional("vmNicUuid", ParamType.UUID, "attach to this user VM nic at once"),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048)));
        catalogue.register(ApiDefinition.of("AttachEip", "Attach an unattached, enabled EIP to a user VM nic",
                call -> {
                    attach(call.string("eipUuid"), call.string("vmNicUuid"));
                    return inventory(call.string("eipUuid"));
                },
                ApiParam.required("eipUuid", ParamType.UUID, "the EIP"),
                ApiParam.required("vmNicUuid", ParamType.UUID, "the user VM nic")));
        catalogue.register(ApiDefinition.of("DetachEip", "Detach an EIP from its VM nic",
                call -> {
                    detach(call.string("uuid"));
                    return inventory(call.string("uuid"));
                }, uuid));
        catalogue.register(ApiDefinition.of("DeleteEip", "Delete an EIP (its VIP stays)",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                }, uuid));
        catalogue.register(ApiDefinition.of("ChangeEipState", "Enable or disable an EIP; a disabled EIP is not applied",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory(call.string("uuid"));
                }, uuid,
                ApiParam.required("stateEvent", ParamType.STRING, "enable or disable").withChoices("enable", "disable")));
        catalogue.register(ApiDefinition.of("GetEipAttachableVmNics",
                "The user VM nics an EIP (or an EIP on a VIP) could be attached to: on another L3, without an EIP",
                call -> Vips.nicInventories(queries, attachableNics(call.optString("eipUuid").orElse(null),
                        call.optString("vipUuid").orElse(null))),
                ApiParam.optional("eipUuid", ParamType.UUID, "the EIP"),
                ApiParam.optional("vipUuid", ParamType.UUID, "or the VIP of an EIP to be")));
    }

    private Object inventory(String uuid) {
        return Replies.inventory(queries.inventory("Eip", uuid));
    }
}

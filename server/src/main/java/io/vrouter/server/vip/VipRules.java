package io.vrouter.server.vip;

import io.vrouter.api.ErrorCode;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.tag.Tags;
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
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/**
 * The life every rule on a VIP shares, whatever its kind (EIPs, port forwarding rules): a row of the kind's table
 * that stands on a VIP and, while attached, reaches a user VM nic; applied on the router of the nic's guest L3
 * while it is <em>active</em> (attached, Enabled, on an Enabled VIP, the VM Running). One instance per kind; the
 * kind's service keeps only what is its own: its checks ({@link Checks}), its columns, its APIs.
 *
 * <p>Every transaction that adds or attaches a rule locks the VIP row first ({@link Vips#lockForUse}), so the
 * kind's checks see every committed competitor. Routers follow the database, never the other way round: each
 * change is committed first, then the router of the rule's guest L3 is synced ({@link VipRuleRouters#syncGuestL3},
 * which reads the database when it runs). When that sync fails the change is undone in the database and the router
 * synced once more, so the API call fails with "the change was undone" (an apply) or "nothing was changed" (a
 * revocation); except on VM destroy, where the failure is only logged and the router's retries converge.
 *
 * @param <V> the kind's view of an active rule
 */
public final class VipRules<V extends VipRules.ActiveRule> implements VipUser {
    private static final Logger LOG = LoggerFactory.getLogger(VipRules.class);
    private static final Field<String> VIP_UUID = field("vip_uuid", String.class);
    private static final Field<String> NIC_UUID = field("vm_nic_uuid", String.class);
    private static final Field<String> STATE = field("state", String.class);

    /** The view columns every kind has, the rule table being {@code r}; a kind's own columns follow. */
    /** Named, so a kind's view reads its record by field name (see {@code Eips.view}); the order stays for the others. */
    private static final String SHARED_VIEW_COLUMNS = "r.uuid as uuid, r.name as name, r.state as state, v.uuid as vip_uuid,"
            + " v.ip as vip_ip, v.netmask as vip_netmask, v.gateway as vip_gateway, v.l3_network_uuid as vip_l3_network_uuid,"
            + " n.uuid as vm_nic_uuid, n.vm_instance_uuid as vm_instance_uuid, n.ip as guest_ip, n.mac as guest_mac,"
            + " n.l3_network_uuid as guest_l3_network_uuid, vm.state as vm_state";
    private static final String ACTIVE = " r.state = 'Enabled' and v.state = 'Enabled' and vm.state = 'Running'";
    /** The VM is Destroying by then and may have been Running a moment before: its rules count as applied. */
    private static final String APPLIED_OF_DESTROYING_VM = " r.state = 'Enabled' and v.state = 'Enabled'"
            + " and vm.state in ('Running', 'Destroying')";

    /** What every kind's view of an active rule tells: which rule, and whose router serves it. */
    public interface ActiveRule {
        String uuid();

        String name();

        /** The nic's L3: its router applies the rule. */
        String guestL3NetworkUuid();
    }

    /**
     * What sets a kind of rule apart.
     *
     * @param noun           {@code EIP}, {@code port forwarding rule}: for messages
     * @param useFor         ZStack's name of what the VIP is used for, e.g. {@code Eip}; also the network service type
     *                       the nic's L3 needs from the router
     * @param table          the kind's table: uuid, name, description, vip_uuid, vm_nic_uuid, state, the dates and its own
     * @param ownViewColumns the kind's columns its view has after the shared ones
     * @param guestL3Order   the kind's columns that order a router's rules after the VIP address, before the uuid
     * @param view           a row of the shared view columns and the kind's own to the kind's view
     * @param summary        an active rule for messages, e.g. {@code web (172.16.0.5 -> 10.0.0.5)}
     */
    public record Kind<V>(String noun, String useFor, String table, List<String> ownViewColumns,
                          List<String> guestL3Order, Function<Record, V> view, Function<V, String> summary) {
    }

    /**
     * A kind's checks as one value, run under the VIP lock; each throws an {@code ApiException} to refuse. The
     * provider's own checks come on top ({@link VipRuleRouters#checkAttach}).
     */
    public interface Checks {
        /** Creating a rule: whether the VIP allows one more of this kind. */
        default void vip(DSLContext tx, Vips.VipRow vip) {
        }

        /** Whether the nic may take a rule of this kind from this VIP. */
        void nic(DSLContext tx, Vips.VipRow vip, String nicUuid);

        /**
         * What a tripped unique key (SQL state 23...) means for a write: a competitor that committed at the same
         * moment. Null when nothing of ours explains it: the database's error then goes up as it is.
         */
        default ApiException keyViolation(DataAccessException e, String vipUuid, String nicUuid) {
            return null;
        }
    }

    /** A rule's row: the VIP it stands on, the nic it reaches (null while detached), its state. */
    public record Row(String uuid, String name, String vipUuid, String vmNicUuid, String state) {
    }

    private final DSLContext dsl;
    private final Clock clock;
    private final Vips vips;
    private final Tags tags;
    private final Kind<V> kind;
    private final Table<?> table;
    private final String viewSelect;
    private final String guestL3Order;

    public VipRules(DSLContext dsl, Clock clock, Vips vips, Tags tags, Kind<V> kind) {
        this.dsl = dsl;
        this.clock = clock;
        this.vips = vips;
        this.tags = tags;
        this.kind = kind;
        this.table = DSL.table(DSL.unquotedName(kind.table()));
        this.viewSelect = "select " + SHARED_VIEW_COLUMNS + ruleColumns(kind.ownViewColumns()) + " from " + kind.table()
                + " r join vip v on v.uuid = r.vip_uuid join vm_nic n on n.uuid = r.vm_nic_uuid"
                + " join vm_instance vm on vm.uuid = n.vm_instance_uuid";
        this.guestL3Order = " order by v.ip" + ruleColumns(kind.guestL3Order()) + ", r.uuid";
        vips.addUser(this);
    }

    private static String ruleColumns(List<String> columns) {
        return columns.stream().map(c -> ", r." + c).collect(Collectors.joining());
    }

    public Kind<V> kind() {
        return kind;
    }

    private VipRuleRouters routers() {
        return vips.routers();
    }

    // ---------------------------------------------------------------- rows and views

    private Optional<Row> find(DSLContext ctx, String uuid) {
        return ctx.select(UUID, NAME, VIP_UUID, NIC_UUID, STATE).from(table).where(UUID.eq(uuid))
                .fetchOptional(r -> new Row(r.get(UUID), r.get(NAME), r.get(VIP_UUID), r.get(NIC_UUID), r.get(STATE)));
    }

    public Row get(String uuid) {
        return find(dsl, uuid).orElseThrow(() -> ApiException.notFound(kind.noun(), uuid));
    }

    private String describe(Row row) {
        return kind.noun() + " " + row.name() + " (" + row.uuid() + ")";
    }

    /** The rule as routers should serve it, if it is active now. */
    private Optional<V> activeView(String uuid) {
        return dsl.fetchOptional(viewSelect + " where r.uuid = ? and" + ACTIVE, uuid).map(kind.view());
    }

    /**
     * The desired state of a guest L3's router: every active rule attached to a nic on that L3, ordered by VIP
     * address, then the kind's order.
     */
    public List<V> activeOnGuestL3(String guestL3Uuid) {
        return dsl.fetch(viewSelect + " where n.l3_network_uuid = ? and" + ACTIVE + guestL3Order, guestL3Uuid)
                .map(kind.view()::apply);
    }

    /** Whether any rule of this kind, in any state, reaches the nic: only then can the nic's VM starting or stopping change what routers serve. */
    public boolean anyOnNic(String nicUuid) {
        return dsl.fetchExists(table, NIC_UUID.eq(nicUuid));
    }

    // ---------------------------------------------------------------- VM destroy

    /**
     * Detaches every rule of a user VM's nics: what VM destroy needs (the kind's service calls it from its VM
     * lifecycle hook). A failing sync is logged, not thrown: the VM goes anyway, and the router's retries drop
     * what the database no longer holds.
     */
    public void detachAllOfVm(VmSpec vm) {
        if (vm.isAppliance()) {
            return;
        }
        List<String> rules = dsl.fetch("select r.uuid from " + kind.table() + " r join vm_nic n on n.uuid = r.vm_nic_uuid"
                + " where n.vm_instance_uuid = ?", vm.uuid()).map(r -> r.get(0, String.class));
        for (String uuid : rules) {
            Optional<V> applied = dsl.fetchOptional(viewSelect + " where r.uuid = ? and" + APPLIED_OF_DESTROYING_VM, uuid)
                    .map(kind.view());
            dsl.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
            applied.ifPresent(view -> quietly("revoke " + kind.noun() + " " + uuid + " of VM " + vm.uuid(),
                    () -> routers().syncGuestL3(view.guestL3NetworkUuid())));
        }
    }

    // ---------------------------------------------------------------- operations

    /**
     * Creates a rule, Enabled, attached to the nic when one is given. Under the VIP lock: the kind's checks, then
     * the row with the shared columns and {@code ownColumns}. A rule with a nic is synced to its router after the
     * commit, and deleted again when that fails.
     */
    public String create(String name, String description, String vipUuid, String nicUuid, Map<Field<?>, Object> ownColumns,
                         Checks checks) {
        vips.get(vipUuid);
        if (nicUuid != null) {
            routers().checkAttach(kind, vipUuid, nicUuid);
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        guarded(vipUuid, nicUuid, checks, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, vipUuid);
            checks.vip(tx, vip);
            if (nicUuid != null) {
                checks.nic(tx, vip, nicUuid);
            }
            tx.insertInto(table).set(UUID, uuid).set(NAME, name).set(DESCRIPTION, description).set(VIP_UUID, vipUuid)
                    .set(NIC_UUID, nicUuid).set(ownColumns).set(STATE, Vips.ENABLED).set(CREATE_DATE, now)
                    .set(LAST_OP_DATE, now)
                    .execute();
        }));
        if (nicUuid != null) {
            applyOrUndo(uuid, () -> {
                dsl.deleteFrom(table).where(UUID.eq(uuid)).execute();
                tags.deleteAllOf(uuid);
            });
        }
        return uuid;
    }

    /** Attaches a detached, Enabled rule to a nic the kind's checks allow; synced after the commit. */
    public void attach(String uuid, String nicUuid, Checks checks) {
        Row rule = get(uuid);
        routers().checkAttach(kind, rule.vipUuid(), nicUuid);
        guarded(rule.vipUuid(), nicUuid, checks, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, rule.vipUuid());
            Row locked = find(tx, uuid).orElseThrow(() -> ApiException.notFound(kind.noun(), uuid));
            if (locked.vmNicUuid() != null) {
                throw ApiException.invalidArgument(describe(locked) + " is already attached to VM nic " + locked.vmNicUuid()
                        + "; detach it first");
            }
            if (!Vips.ENABLED.equals(locked.state())) {
                throw ApiException.invalidArgument(describe(locked) + " is " + locked.state() + "; enable it before attaching");
            }
            checks.nic(tx, vip, nicUuid);
            tx.update(table).set(NIC_UUID, nicUuid).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }));
        applyOrUndo(uuid, () -> setNic(uuid, null, nicUuid));
    }

    /** Detaches the rule from its nic, then revokes it; re-attached when the revocation fails. */
    public void detach(String uuid) {
        Row rule = get(uuid);
        if (rule.vmNicUuid() == null) {
            throw ApiException.invalidArgument(describe(rule) + " is not attached to any VM nic");
        }
        Optional<V> active = activeView(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.lockForUse(tx, rule.vipUuid());
            tx.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).and(NIC_UUID.eq(rule.vmNicUuid())).execute();
        });
        revokeOrUndo(active, () -> setNic(uuid, rule.vmNicUuid(), null));
    }

    /** Detaches and revokes the rule (as {@link #detach}), then deletes it and its tags (its VIP stays). */
    public void delete(String uuid) {
        Row rule = get(uuid);
        if (rule.vmNicUuid() != null) {
            Optional<V> active = activeView(uuid);
            setNic(uuid, null, rule.vmNicUuid());
            revokeOrUndo(active, () -> setNic(uuid, rule.vmNicUuid(), null));
        }
        dsl.deleteFrom(table).where(UUID.eq(uuid)).execute();
        tags.deleteAllOf(uuid);
    }

    /** {@code enable} or {@code disable}: either is stored, then synced; undone when the sync fails. */
    public void changeState(String uuid, String stateEvent) {
        Row rule = get(uuid);
        String target = "enable".equals(stateEvent) ? Vips.ENABLED : Vips.DISABLED;
        if (target.equals(rule.state())) {
            return;
        }
        Optional<V> active = activeView(uuid);
        dsl.update(table).set(STATE, target).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        if (Vips.DISABLED.equals(target)) {
            revokeOrUndo(active, () -> setState(uuid, Vips.ENABLED));
        } else {
            applyOrUndo(uuid, () -> setState(uuid, Vips.DISABLED));
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Sets the rule's nic to {@code nic} if it is still {@code expected} (null: detached): an undo never overwrites a newer change. */
    private void setNic(String uuid, String nic, String expected) {
        var update = dsl.update(table).set(NIC_UUID, nic).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid));
        (expected == null ? update.and(NIC_UUID.isNull()) : update.and(NIC_UUID.eq(expected))).execute();
    }

    private void setState(String uuid, String state) {
        dsl.update(table).set(STATE, state).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
    }

    /** Runs a write, turning what its transaction threw into the API's refusal where there is one. */
    private static void guarded(String vipUuid, String nicUuid, Checks checks, Runnable write) {
        try {
            write.run();
        } catch (DataAccessException e) {
            ApiException api = apiExceptionIn(e);
            if (api != null) {
                throw api;
            }
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                ApiException explained = checks.keyViolation(e, vipUuid, nicUuid);
                if (explained != null) {
                    throw explained;
                }
            }
            throw e;
        }
    }

    /** jOOQ wraps what a transaction's lambda throws; the API's own refusal is somewhere inside. */
    private static ApiException apiExceptionIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    /** After a commit that may have made the rule active: syncs its router; undoes the change when that fails. */
    private void applyOrUndo(String uuid, Runnable undo) {
        Optional<V> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        String guestL3 = view.get().guestL3NetworkUuid();
        try {
            routers().syncGuestL3(guestL3);
        } catch (RuntimeException e) {
            undo.run();
            quietly("clean up after the failed apply of " + kind.noun() + " " + uuid, () -> routers().syncGuestL3(guestL3));
            throw applyFailure(e, "applying " + kind.noun() + " " + kind.summary().apply(view.get()) + " failed: "
                    + e.getMessage() + "; the change was undone");
        }
    }

    /**
     * After a commit that made a rule that was active (the view read before it) inactive: syncs its router; undoes
     * the change when that fails.
     */
    private void revokeOrUndo(Optional<V> wasActive, Runnable undo) {
        if (wasActive.isEmpty()) {
            return;
        }
        String guestL3 = wasActive.get().guestL3NetworkUuid();
        try {
            routers().syncGuestL3(guestL3);
        } catch (RuntimeException e) {
            undo.run();
            quietly("restore " + kind.noun() + " " + wasActive.get().uuid() + " after its failed revocation",
                    () -> routers().syncGuestL3(guestL3));
            throw applyFailure(e, "revoking " + kind.noun() + " " + kind.summary().apply(wasActive.get()) + " failed: "
                    + e.getMessage() + "; nothing was changed");
        }
    }

    /** A sync's failure as the API reports it: its own ApiException code, or SYS.1006, with our details. */
    private static ApiException applyFailure(RuntimeException e, String details) {
        if (e instanceof ApiException api) {
            return new ApiException(api.code(), api.toError().description(), details, e);
        }
        return new ApiException(ErrorCode.OPERATION_FAILED, "operation failed", details, e);
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString(), e);
        }
    }

    // ---------------------------------------------------------------- APIs

    /**
     * The APIs every kind has alike, each on parameter {@code uuid}: {@code Detach<X>}, {@code Delete<X>} and
     * {@code Change<X>State}, {@code X} being the kind's API name ({@code Eip}, {@code PortForwardingRule}).
     *
     * @param inventory the kind's inventory of one rule, for the replies
     */
    public void registerApis(ApiCatalogue catalogue, String apiName, Function<String, Object> inventory) {
        ApiParam uuid = ApiParam.required("uuid", ParamType.UUID, "the " + kind.noun());
        catalogue.register(ApiDefinition.of("Detach" + apiName, "Detach the " + kind.noun() + " from its VM nic",
                call -> {
                    detach(call.string("uuid"));
                    return inventory.apply(call.string("uuid"));
                }, uuid));
        catalogue.register(ApiDefinition.of("Delete" + apiName, "Delete the " + kind.noun() + " (its VIP stays)",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                }, uuid));
        catalogue.register(ApiDefinition.of("Change" + apiName + "State",
                "Enable or disable the " + kind.noun() + "; a disabled one is not applied",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory.apply(call.string("uuid"));
                }, uuid,
                ApiParam.required("stateEvent", ParamType.STRING, "enable or disable").withChoices("enable", "disable")));
    }

    // ---------------------------------------------------------------- VipUser

    @Override
    public String useFor() {
        return kind.useFor();
    }

    @Override
    public void deleteAllOnVip(String vipUuid) {
        dsl.select(UUID).from(table).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::delete);
    }

    @Override
    public Set<String> guestL3sOfRulesOn(String vipUuid) {
        return dsl.fetch(viewSelect + " where v.uuid = ? and r.state = 'Enabled' and vm.state = 'Running'", vipUuid)
                .map(kind.view()::apply).stream().map(ActiveRule::guestL3NetworkUuid).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}

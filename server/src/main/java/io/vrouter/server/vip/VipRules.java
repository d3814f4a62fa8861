package io.vrouter.server.vip;

import io.vrouter.api.ErrorCode;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiException;
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
import java.util.Map;
import java.util.Optional;
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
 * kind's service keeps only what is its own: its checks on the VIP and the nic, its columns, its APIs.
 *
 * <p>Every transaction that adds or attaches a rule locks the VIP row first ({@link Vips#lockForUse}), so the
 * kind's checks see every committed competitor. The order of database and router changes is the appliers'
 * contract (see {@code EipApplier}): an apply comes after the commit, and when it fails the change is undone; a
 * revocation comes before the database forgets the rule, and when it fails nothing is changed, except on VM
 * destroy, where the failure is only logged.
 *
 * @param <V> the kind's view of an active rule, as its applier takes it
 */
public final class VipRules<V> implements VipUser {
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

    /**
     * What sets a kind of rule apart.
     *
     * @param noun           {@code EIP}, {@code port forwarding rule}: for messages
     * @param useFor         ZStack's name of what the VIP is used for, e.g. {@code Eip}
     * @param table          the kind's table: uuid, name, description, vip_uuid, vm_nic_uuid, state, the dates and its own
     * @param ownViewColumns the kind's columns its view has after the shared ones
     * @param guestL3Order   the kind's columns that order a router's rules after the VIP address, before the uuid
     * @param view           a row of the shared view columns and the kind's own to the kind's view
     * @param summary        an active rule for messages, e.g. {@code web (172.16.0.5 -> 10.0.0.5)}
     * @param nicCheck       whether the nic may take a rule of this kind from this VIP
     */
    public record Kind<V>(String noun, String useFor, String table, List<String> ownViewColumns,
                          List<String> guestL3Order, Function<Record, V> view, Function<V, String> summary,
                          NicCheck nicCheck) {
    }

    /** Under the VIP lock: refuses (throws an {@code ApiException}) what the VIP does not allow. */
    public interface VipCheck {
        void check(DSLContext tx, Vips.VipRow vip);
    }

    /** Under the VIP lock: refuses (throws an {@code ApiException}) a nic the rule may not reach. */
    public interface NicCheck {
        void check(DSLContext tx, Vips.VipRow vip, String nicUuid);
    }

    /**
     * What a tripped unique key (SQL state 23...) means for a write: a competitor that committed at the same
     * moment. Null when nothing of ours explains it: the database's error then goes up as it is.
     */
    public interface KeyViolation {
        ApiException explain(DataAccessException e, String vipUuid, String nicUuid);
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
    private volatile VipRuleApplier<V> applier = VipRuleApplier.none();

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
    }

    private static String ruleColumns(List<String> columns) {
        return columns.stream().map(c -> ", r." + c).collect(Collectors.joining());
    }

    /** The kind's service sets its applier here, adapted ({@link VipRuleApplier#of}). */
    public void setApplier(VipRuleApplier<V> applier) {
        this.applier = applier;
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

    // ---------------------------------------------------------------- VM destroy

    /**
     * Detaches every rule of a user VM's nics: what VM destroy needs (the kind's service calls it from its VM
     * lifecycle hook). A failing revocation is logged, not thrown: the VM goes anyway, and the router's next sync
     * drops what the database no longer holds.
     */
    public void detachAllOfVm(VmSpec vm) {
        if (vm.isAppliance()) {
            return;
        }
        List<String> rules = dsl.fetch("select r.uuid from " + kind.table() + " r join vm_nic n on n.uuid = r.vm_nic_uuid"
                + " where n.vm_instance_uuid = ?", vm.uuid()).map(r -> r.get(0, String.class));
        for (String uuid : rules) {
            dsl.fetchOptional(viewSelect + " where r.uuid = ? and" + APPLIED_OF_DESTROYING_VM, uuid).map(kind.view())
                    .ifPresent(view -> quietly("revoke " + kind.noun() + " " + uuid + " of VM " + vm.uuid(),
                            () -> applier.detached(view)));
            dsl.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }
    }

    // ---------------------------------------------------------------- operations

    /**
     * Creates a rule, Enabled, attached to the nic when one is given. Under the VIP lock: {@code vipCheck}, the
     * kind's nic check, then the row with the shared columns and {@code ownColumns}. A rule with a nic is applied
     * after the commit, and deleted again when that fails.
     */
    public String create(String name, String description, String vipUuid, String nicUuid, Map<Field<?>, Object> ownColumns,
                         VipCheck vipCheck, KeyViolation keyViolation) {
        vips.get(vipUuid);
        if (nicUuid != null) {
            applier.checkAttach(vipUuid, nicUuid);
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        guarded(vipUuid, nicUuid, keyViolation, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, vipUuid);
            vipCheck.check(tx, vip);
            if (nicUuid != null) {
                kind.nicCheck().check(tx, vip, nicUuid);
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

    /** Attaches a detached, Enabled rule to a nic the kind's check allows; applied after the commit. */
    public void attach(String uuid, String nicUuid, KeyViolation keyViolation) {
        Row rule = get(uuid);
        applier.checkAttach(rule.vipUuid(), nicUuid);
        guarded(rule.vipUuid(), nicUuid, keyViolation, () -> dsl.transaction(cfg -> {
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
            kind.nicCheck().check(tx, vip, nicUuid);
            tx.update(table).set(NIC_UUID, nicUuid).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }));
        applyOrUndo(uuid, () -> dsl.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                .where(UUID.eq(uuid)).and(NIC_UUID.eq(nicUuid)).execute());
    }

    /** Revokes the rule, then detaches it from its nic. */
    public void detach(String uuid) {
        Row rule = get(uuid);
        if (rule.vmNicUuid() == null) {
            throw ApiException.invalidArgument(describe(rule) + " is not attached to any VM nic");
        }
        revoke(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.lockForUse(tx, rule.vipUuid());
            tx.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).and(NIC_UUID.eq(rule.vmNicUuid())).execute();
        });
    }

    /** Revokes the rule, then deletes it and its tags (its VIP stays). */
    public void delete(String uuid) {
        get(uuid);
        revoke(uuid);
        dsl.deleteFrom(table).where(UUID.eq(uuid)).execute();
        tags.deleteAllOf(uuid);
    }

    /** {@code enable} or {@code disable}: a rule is revoked before it is disabled and applied after it is enabled. */
    public void changeState(String uuid, String stateEvent) {
        Row rule = get(uuid);
        String target = "enable".equals(stateEvent) ? Vips.ENABLED : Vips.DISABLED;
        if (target.equals(rule.state())) {
            return;
        }
        if (Vips.DISABLED.equals(target)) {
            revoke(uuid);
        }
        dsl.update(table).set(STATE, target).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        if (Vips.ENABLED.equals(target)) {
            applyOrUndo(uuid, () -> dsl.update(table).set(STATE, Vips.DISABLED).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).execute());
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs a write, turning what its transaction threw into the API's refusal where there is one. */
    private static void guarded(String vipUuid, String nicUuid, KeyViolation keyViolation, Runnable write) {
        try {
            write.run();
        } catch (DataAccessException e) {
            ApiException api = apiExceptionIn(e);
            if (api != null) {
                throw api;
            }
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                ApiException explained = keyViolation.explain(e, vipUuid, nicUuid);
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

    private void applyOrUndo(String uuid, Runnable undo) {
        Optional<V> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.attached(view.get());
        } catch (RuntimeException e) {
            undo.run();
            quietly("clean up after the failed apply of " + kind.noun() + " " + uuid, () -> applier.detached(view.get()));
            throw applyFailure(e, "applying " + kind.noun() + " " + kind.summary().apply(view.get()) + " failed: "
                    + e.getMessage() + "; the change was undone");
        }
    }

    private void revoke(String uuid) {
        Optional<V> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.detached(view.get());
        } catch (RuntimeException e) {
            throw applyFailure(e, "revoking " + kind.noun() + " " + kind.summary().apply(view.get()) + " failed: "
                    + e.getMessage() + "; nothing was changed");
        }
    }

    /** An applier's failure as the API reports it: its own ApiException code, or SYS.1006, with our details. */
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
    public void beforeVipDisabled(String vipUuid) {
        dsl.select(UUID).from(table).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::revoke);
    }

    @Override
    public void afterVipEnabled(String vipUuid) {
        for (String uuid : dsl.select(UUID).from(table).where(VIP_UUID.eq(vipUuid)).fetch(UUID)) {
            activeView(uuid).ifPresent(view -> quietly("apply " + kind.noun() + " " + uuid + " after its VIP was enabled",
                    () -> applier.attached(view)));
        }
    }
}

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
import io.vrouter.platform.net.Ipv4;
import io.vrouter.server.db.KeyBatches;
import io.vrouter.server.vm.VmDirectory;
import io.vrouter.server.vm.VmState;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
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
 * change is committed first, then the router of the rule's guest L3 is synced for that rule
 * ({@link VipRuleRouters#syncRules}, which reads the rule from the database when it runs). When that sync fails the change is undone in the database and the router
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
    /** The rule ({@code r}) joined with its VIP ({@code v}): both have a uuid and a state. */
    private static final Field<String> R_UUID = field("r", "uuid", String.class);
    private static final Field<String> R_STATE = field("r", "state", String.class);
    private static final Field<String> R_VIP = field("r", "vip_uuid", String.class);
    private static final Field<String> R_NIC = field("r", "vm_nic_uuid", String.class);
    private static final Field<String> V_UUID = field("v", "uuid", String.class);
    private static final Field<String> V_STATE = field("v", "state", String.class);
    /** The VM is Destroying by then and may have been Running a moment before: its rules count as applied. */
    /** Where the kind's own columns start in a joined row: after the ten shared ones. */
    private static final int FIRST_OWN_COLUMN = 10;
    private static final Set<VmState> APPLIED_WHILE_DESTROYING = EnumSet.of(VmState.Running, VmState.Destroying);

    /** What every kind's view of an active rule tells: which rule, on which VIP address, and whose router serves it. */
    public interface ActiveRule {
        String uuid();

        String name();

        /** The VIP's address: a router's rules are ordered by it. */
        String vipIp();

        /** The nic's L3: its router applies the rule. */
        String guestL3NetworkUuid();
    }

    /**
     * What every kind's view holds, read from the owners: the rule and the VIP it stands on (the kind's table and the
     * VIP's), the nic it reaches with that nic's VM (the VM package's {@link VmDirectory}).
     */
    public record RuleOnNic(String uuid, String name, String state, String vipUuid, String vipIp, String vipNetmask,
                            String vipGateway, String vipL3NetworkUuid, VmDirectory.NicWithVm nic) {
    }

    /**
     * What sets a kind of rule apart.
     *
     * @param noun          {@code EIP}, {@code port forwarding rule}: for messages
     * @param useFor        ZStack's name of what the VIP is used for, e.g. {@code Eip}; also the network service type
     *                      the nic's L3 needs from the router
     * @param needsVipAlone whether a rule of the kind takes its VIP for itself (no other kind beside it)
     * @param table         the kind's table (from its owner's {@code *Tables}): uuid, name, description, vip_uuid,
     *                      vm_nic_uuid, state, the dates and its own
     * @param ownColumns    the kind's own columns its view has; {@code view} finds them in its record by their names
     * @param order         how a router's rules of this kind are ordered after the VIP address, before the uuid
     * @param view          the shared part and the record of the kind's own columns to the kind's view
     * @param summary       an active rule for messages, e.g. {@code web (172.16.0.5 -> 10.0.0.5)}
     */
    public record Kind<V>(String noun, String useFor, boolean needsVipAlone, Table<?> table, List<Field<?>> ownColumns,
                          Comparator<V> order, BiFunction<RuleOnNic, Record, V> view, Function<V, String> summary) {
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

    /** A rule joined with its VIP, before the nic is added: the kind's own columns stay in {@code own}. */
    private record Joined(String uuid, String name, String state, String vipUuid, String vipIp, String vipNetmask,
                          String vipGateway, String vipL3NetworkUuid, String vipState, String vmNicUuid, Record own) {
        RuleOnNic on(VmDirectory.NicWithVm nic) {
            return new RuleOnNic(uuid, name, state, vipUuid, vipIp, vipNetmask, vipGateway, vipL3NetworkUuid, nic);
        }

        boolean enabledOnEnabledVip() {
            return Vips.ENABLED.equals(state) && Vips.ENABLED.equals(vipState);
        }
    }

    private final DSLContext dsl;
    private final Clock clock;
    private final Vips vips;
    private final Tags tags;
    private final VmDirectory vms;
    private final Kind<V> kind;
    private final Table<?> table;
    private final List<Field<?>> joinedColumns;
    /** The kind's own columns, which {@link #joinedColumns} lists from {@link #FIRST_OWN_COLUMN} on. */
    private final Field<?>[] ownColumns;
    private final Comparator<V> routerOrder;

    public VipRules(DSLContext dsl, Clock clock, Vips vips, Tags tags, Kind<V> kind) {
        this.dsl = dsl;
        this.clock = clock;
        this.vips = vips;
        this.tags = tags;
        this.vms = new VmDirectory(dsl);
        this.kind = kind;
        this.table = kind.table();
        List<Field<?>> columns = new ArrayList<>(List.of(R_UUID.as("uuid"), field("r", "name", String.class).as("name"),
                R_STATE.as("state"), R_VIP.as("vip_uuid"), field("v", "ip", String.class).as("vip_ip"),
                field("v", "netmask", String.class).as("vip_netmask"), field("v", "gateway", String.class).as("vip_gateway"),
                field("v", "l3_network_uuid", String.class).as("vip_l3_network_uuid"), V_STATE.as("vip_state"),
                R_NIC.as("vm_nic_uuid")));
        kind.ownColumns().forEach(c -> columns.add(field("r", c.getName(), c.getType()).as(c.getName())));
        this.joinedColumns = List.copyOf(columns);
        this.ownColumns = kind.ownColumns().toArray(Field<?>[]::new);
        this.routerOrder = Comparator.comparing((V v) -> Ipv4.parse(v.vipIp())).thenComparing(kind.order())
                .thenComparing(ActiveRule::uuid);
        vips.addUser(this);
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

    /**
     * Rules joined with their VIPs. Columns are read by position, and the kind's own columns are handed over in a
     * record of exactly those fields: a lookup by an aliased field's name costs a scan of the row per value, which
     * at 10,000 rules was most of a router's sync.
     */
    private List<Joined> joined(Condition condition) {
        return dsl.select(joinedColumns).from(table.as("r")).join(VipTables.VIP.as("v")).on(V_UUID.eq(R_VIP))
                .where(condition)
                .fetch(r -> {
                    Object[] values = new Object[ownColumns.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = r.get(FIRST_OWN_COLUMN + i);
                    }
                    Record own = dsl.newRecord(ownColumns);
                    own.fromArray(values);
                    return new Joined(r.get(0, String.class), r.get(1, String.class), r.get(2, String.class),
                            r.get(3, String.class), r.get(4, String.class), r.get(5, String.class), r.get(6, String.class),
                            r.get(7, String.class), r.get(8, String.class), r.get(9, String.class), own);
                });
    }

    /** Rules attached to any of the nics, joined with their VIPs: one query per thousand nics. */
    private List<Joined> joinedOn(Collection<String> nicUuids, Condition condition) {
        return KeyBatches.read(nicUuids, batch -> joined(inKeys(R_NIC, batch).and(condition)));
    }

    /**
     * {@code field IN (keys)} with the keys as literals: jOOQ binds each key as {@code cast(? as varchar)} for H2,
     * which H2 then casts again for every row and key without using the index (10,000 rules x 1,000 nics took
     * seconds of a router's sync); literals make it a set lookup on the index. Keys are uuids we read ourselves.
     */
    private static Condition inKeys(Field<String> field, List<String> keys) {
        return field.in(keys.stream().map(DSL::inline).toList());
    }

    private V view(Joined rule, VmDirectory.NicWithVm nic) {
        return kind.view().apply(rule.on(nic), rule.own());
    }

    /** The rule as routers should serve it, if it is active now (attached, it and its VIP Enabled, the VM Running). */
    private Optional<V> activeView(String uuid) {
        return joined(R_UUID.eq(uuid)).stream().filter(Joined::enabledOnEnabledVip).filter(r -> r.vmNicUuid() != null)
                .findFirst()
                .flatMap(r -> vms.nicWithVm(r.vmNicUuid()).filter(n -> n.vmState() == VmState.Running).map(n -> view(r, n)));
    }

    /**
     * The desired state of a guest L3's router: every active rule attached to a nic on that L3, ordered by VIP
     * address, then the kind's order. Two reads whatever the number of rules: the L3's nics of Running VMs from the
     * VM package, then the rules on them (a read per thousand nics).
     */
    public List<V> activeOnGuestL3(String guestL3Uuid) {
        Map<String, VmDirectory.NicWithVm> nics = new HashMap<>();
        vms.nicsOfRunningVmsOn(guestL3Uuid).forEach(n -> nics.put(n.uuid(), n));
        List<V> active = new ArrayList<>();
        for (Joined rule : joinedOn(nics.keySet(), R_STATE.eq(Vips.ENABLED).and(V_STATE.eq(Vips.ENABLED)))) {
            active.add(view(rule, nics.get(rule.vmNicUuid())));
        }
        active.sort(routerOrder);
        return active;
    }

    /**
     * An Enabled rule attached to a nic of a Running VM: it keeps its VIP on the nic's router (while the VIP is
     * Enabled), and is served there when its VIP is Enabled too ({@code vipEnabled}).
     */
    public record Placed<V>(String ruleUuid, String vipUuid, String vipIp, String vipNetmask, String vipGateway,
                            boolean vipEnabled, V view) {
    }

    /**
     * The Enabled rules of this kind attached to these nics, which the caller read as nics of Running VMs: a
     * router's whole read of this kind, one query per thousand nics.
     */
    public List<Placed<V>> placedOn(Map<String, VmDirectory.NicWithVm> runningNics) {
        List<Placed<V>> out = new ArrayList<>();
        for (Joined rule : joinedOn(runningNics.keySet(), R_STATE.eq(Vips.ENABLED))) {
            out.add(placed(rule, runningNics.get(rule.vmNicUuid())));
        }
        return out;
    }

    /**
     * Those of these rules (of any kind: the others' uuids are not found) that are Enabled and attached to a nic of
     * a Running VM, as the database has them now: what a change of a few rules reads, whatever the number of rules.
     */
    public List<Placed<V>> placed(Collection<String> ruleUuids) {
        List<Joined> rules = KeyBatches.read(ruleUuids, batch -> joined(inKeys(R_UUID, batch).and(R_STATE.eq(Vips.ENABLED))
                .and(R_NIC.isNotNull())));
        if (rules.isEmpty()) {
            return List.of();
        }
        Map<String, VmDirectory.NicWithVm> running = new HashMap<>();
        vms.nicsWithVm(rules.stream().map(Joined::vmNicUuid).toList()).stream()
                .filter(n -> n.vmState() == VmState.Running).forEach(n -> running.put(n.uuid(), n));
        return rules.stream().filter(r -> running.containsKey(r.vmNicUuid()))
                .map(r -> placed(r, running.get(r.vmNicUuid()))).toList();
    }

    private Placed<V> placed(Joined rule, VmDirectory.NicWithVm nic) {
        return new Placed<>(rule.uuid(), rule.vipUuid(), rule.vipIp(), rule.vipNetmask(), rule.vipGateway(),
                Vips.ENABLED.equals(rule.vipState()), view(rule, nic));
    }

    /** Whether any rule of this kind, in any state, reaches the nic: only then can the nic's VM starting or stopping change what routers serve. */
    @Override
    public boolean anyOnNic(String nicUuid) {
        return dsl.fetchExists(table, NIC_UUID.eq(nicUuid));
    }

    /**
     * Nics a rule of this kind from the VIP could reach: those of live user VMs passing {@link Vips#checkNic}, and
     * when {@code oneRulePerNic} without a rule of this kind yet; ordered by VM, then device.
     */
    public List<String> attachableNics(Vips.VipRow vip, boolean oneRulePerNic) {
        List<String> candidates = vms.userNicsOffL3(vip.l3NetworkUuid()).stream()
                .filter(n -> Vips.nicProblem(vip, n, "a rule") == null).map(VmDirectory.NicWithVm::uuid).toList();
        if (!oneRulePerNic) {
            return candidates;
        }
        Set<String> taken = new HashSet<>(KeyBatches.read(candidates,
                batch -> dsl.select(NIC_UUID).from(table).where(NIC_UUID.in(batch)).fetch(NIC_UUID)));
        return candidates.stream().filter(n -> !taken.contains(n)).toList();
    }

    // ---------------------------------------------------------------- VM destroy

    /**
     * Detaches every rule of a user VM's nics: what VM destroy needs ({@link Vips#beforeDestroy} calls it for every
     * kind). A failing sync is logged, not thrown: the VM goes anyway, and the router's retries drop what the
     * database no longer holds.
     */
    @Override
    public void detachAllOfVm(VmSpec vm) {
        if (vm.isAppliance()) {
            return;
        }
        Map<String, VmDirectory.NicWithVm> nics = new HashMap<>();
        vms.nicsWithVmOf(vm.uuid()).forEach(n -> nics.put(n.uuid(), n));
        for (Joined rule : joinedOn(nics.keySet(), DSL.noCondition())) {
            VmDirectory.NicWithVm nic = nics.get(rule.vmNicUuid());
            Optional<V> applied = rule.enabledOnEnabledVip() && APPLIED_WHILE_DESTROYING.contains(nic.vmState())
                    ? Optional.of(view(rule, nic)) : Optional.empty();
            dsl.update(table).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(rule.uuid())).execute();
            applied.ifPresent(view -> quietly("revoke " + kind.noun() + " " + rule.uuid() + " of VM " + vm.uuid(),
                    () -> routers().syncRules(view.guestL3NetworkUuid(), Set.of(rule.uuid()))));
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
            routers().syncRules(guestL3, Set.of(uuid));
        } catch (RuntimeException e) {
            undo.run();
            quietly("clean up after the failed apply of " + kind.noun() + " " + uuid,
                    () -> routers().syncRules(guestL3, Set.of(uuid)));
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
        Set<String> rule = Set.of(wasActive.get().uuid());
        try {
            routers().syncRules(guestL3, rule);
        } catch (RuntimeException e) {
            undo.run();
            quietly("restore " + kind.noun() + " " + wasActive.get().uuid() + " after its failed revocation",
                    () -> routers().syncRules(guestL3, rule));
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
        List<String> nics = dsl.select(NIC_UUID).from(table)
                .where(VIP_UUID.eq(vipUuid)).and(STATE.eq(Vips.ENABLED)).and(NIC_UUID.isNotNull()).fetch(NIC_UUID);
        return vms.nicsWithVm(nics).stream().filter(n -> n.vmState() == VmState.Running).map(VmDirectory.NicWithVm::l3Uuid)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Override
    public Optional<Use> useOf(DSLContext tx, String vipUuid) {
        return tx.select(UUID, NAME).from(table).where(VIP_UUID.eq(vipUuid)).limit(1)
                .fetchOptional(r -> new Use(kind.useFor(), kind.noun(), kind.needsVipAlone(), r.get(UUID), r.get(NAME)));
    }

    @Override
    public Set<String> vipsOfEnabledRulesOn(Collection<String> nicUuids) {
        return new LinkedHashSet<>(KeyBatches.read(nicUuids, batch -> dsl.selectDistinct(VIP_UUID).from(table)
                .where(NIC_UUID.in(batch)).and(STATE.eq(Vips.ENABLED)).fetch(VIP_UUID)));
    }
}

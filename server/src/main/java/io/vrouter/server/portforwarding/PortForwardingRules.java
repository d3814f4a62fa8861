package io.vrouter.server.portforwarding;

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
import io.vrouter.server.query.FieldType;
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
 * Port forwarding rules: a port range of a VIP forwarded to the same-sized range of a user VM nic, per protocol.
 * Ranges of one protocol on one VIP never overlap (closed intervals): the check runs with the VIP row locked
 * ({@link Vips#lockForUse}), so concurrent creators are serialised by the database, and unique keys on the range
 * edges back it up. Port forwarding and SNAT may share a VIP; an EIP may not. What is applied on routers goes
 * through the {@link PortForwardingApplier}.
 */
public final class PortForwardingRules implements VipUser, VmLifecycleExtension {
    private static final Logger LOG = LoggerFactory.getLogger(PortForwardingRules.class);
    public static final String RESOURCE_TYPE = "PortForwardingRuleVO";
    /**
     * The attached rules whose nic is on a guest L3 a virtual router serves, with a {@code virtualRouterUuid}
     * field: the target of {@code Expansion.many("portForwarding", VIRTUAL_ROUTER_PORT_FORWARDING, "uuid",
     * "virtualRouterUuid")} on the router's inventory.
     */
    public static final String VIRTUAL_ROUTER_PORT_FORWARDING = "VirtualRouterPortForwardingRule";
    static final String ENABLED = "Enabled";
    static final String DISABLED = "Disabled";
    static final int MAX_PORT = 65535;

    private static final Table<?> PF = DSL.table(DSL.unquotedName("port_forwarding_rule"));
    private static final Table<?> EIP = DSL.table(DSL.unquotedName("eip"));
    private static final Field<String> VIP_UUID = field("vip_uuid", String.class);
    private static final Field<String> NIC_UUID = field("vm_nic_uuid", String.class);
    private static final Field<Integer> VIP_START = field("vip_port_start", Integer.class);
    private static final Field<Integer> VIP_END = field("vip_port_end", Integer.class);
    private static final Field<Integer> PRIVATE_START = field("private_port_start", Integer.class);
    private static final Field<Integer> PRIVATE_END = field("private_port_end", Integer.class);
    private static final Field<String> PROTOCOL = field("protocol_type", String.class);
    private static final Field<String> ALLOWED_CIDR = field("allowed_cidr", String.class);
    private static final Field<String> STATE = field("state", String.class);

    private static final String VIEW_SELECT = "select p.uuid, p.name, p.state, v.uuid, v.ip, v.netmask, v.gateway,"
            + " v.l3_network_uuid, n.uuid, n.vm_instance_uuid, n.ip, n.mac, n.l3_network_uuid, vm.state,"
            + " p.vip_port_start, p.vip_port_end, p.private_port_start, p.private_port_end, p.protocol_type, p.allowed_cidr"
            + " from port_forwarding_rule p join vip v on v.uuid = p.vip_uuid join vm_nic n on n.uuid = p.vm_nic_uuid"
            + " join vm_instance vm on vm.uuid = n.vm_instance_uuid";
    private static final String ACTIVE = " p.state = 'Enabled' and v.state = 'Enabled' and vm.state = 'Running'";

    private final DSLContext dsl;
    private final Clock clock;
    private final Vips vips;
    private final Tags tags;
    private volatile PortForwardingApplier applier = PortForwardingApplier.NONE;
    private QueryApis queries;

    public PortForwardingRules(DSLContext dsl, Clock clock, Vips vips, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.vips = vips;
        this.tags = tags;
        vips.addUser(this);
    }

    /** The virtual router provider registers its applier here; null puts the no-op back. */
    public void setApplier(PortForwardingApplier applier) {
        this.applier = applier == null ? PortForwardingApplier.NONE : applier;
    }

    // ---------------------------------------------------------------- ports

    /** A rule's port ranges and protocol after defaults, checked. */
    record Ports(int vipStart, int vipEnd, int privateStart, int privateEnd, String protocol) {
        String vipRange() {
            return vipStart == vipEnd ? String.valueOf(vipStart) : vipStart + "-" + vipEnd;
        }

        /**
         * Defaults of reference §4: the VIP range ends where it starts; the private range is the VIP range. When
         * only one private edge is given, the other keeps the range the VIP range's size.
         */
        static Ports of(int vipStart, Integer vipEnd, Integer privateStart, Integer privateEnd, String protocol) {
            int vEnd = vipEnd == null ? vipStart : vipEnd;
            if (vipStart > vEnd) {
                throw ApiException.invalidArgument("vipPortStart " + vipStart + " is greater than vipPortEnd " + vEnd);
            }
            int size = vEnd - vipStart;
            int pStart;
            int pEnd;
            if (privateStart == null && privateEnd == null) {
                pStart = vipStart;
                pEnd = vEnd;
            } else if (privateEnd == null) {
                pStart = privateStart;
                pEnd = privateStart + size;
                if (pEnd > MAX_PORT) {
                    throw ApiException.invalidArgument("privatePortStart " + pStart + " leaves no room for the " + (size + 1)
                            + " ports of VIP range " + vipStart + "-" + vEnd + ": the private range would end at " + pEnd
                            + ", beyond " + MAX_PORT);
                }
            } else if (privateStart == null) {
                pEnd = privateEnd;
                pStart = privateEnd - size;
                if (pStart < 1) {
                    throw ApiException.invalidArgument("privatePortEnd " + pEnd + " leaves no room for the " + (size + 1)
                            + " ports of VIP range " + vipStart + "-" + vEnd + ": the private range would start at " + pStart);
                }
            } else {
                pStart = privateStart;
                pEnd = privateEnd;
                if (pStart > pEnd) {
                    throw ApiException.invalidArgument("privatePortStart " + pStart + " is greater than privatePortEnd " + pEnd);
                }
                if (pEnd - pStart != size) {
                    throw ApiException.invalidArgument("the VIP port range " + vipStart + "-" + vEnd + " has " + (size + 1)
                            + " port(s) but the private port range " + pStart + "-" + pEnd + " has " + (pEnd - pStart + 1)
                            + "; they must be the same size");
                }
            }
            return new Ports(vipStart, vEnd, pStart, pEnd, protocol);
        }
    }

    // ---------------------------------------------------------------- rows

    record RuleRow(String uuid, String name, String vipUuid, String vmNicUuid, String state) {
        String describe() {
            return "port forwarding rule " + name + " (" + uuid + ")";
        }
    }

    private static RuleRow row(Record r) {
        return new RuleRow(r.get(UUID), r.get(NAME), r.get(VIP_UUID), r.get(NIC_UUID), r.get(STATE));
    }

    private Optional<RuleRow> find(DSLContext ctx, String uuid) {
        return ctx.select(UUID, NAME, VIP_UUID, NIC_UUID, STATE).from(PF).where(UUID.eq(uuid)).fetchOptional(PortForwardingRules::row);
    }

    RuleRow get(String uuid) {
        return find(dsl, uuid).orElseThrow(() -> ApiException.notFound("port forwarding rule", uuid));
    }

    private static PortForwardingView view(Record r) {
        return new PortForwardingView(r.get(0, String.class), r.get(1, String.class), r.get(2, String.class),
                r.get(3, String.class), r.get(4, String.class), r.get(5, String.class), r.get(6, String.class),
                r.get(7, String.class), r.get(8, String.class), r.get(9, String.class), r.get(10, String.class),
                r.get(11, String.class), r.get(12, String.class), r.get(13, String.class), r.get(14, Integer.class),
                r.get(15, Integer.class), r.get(16, Integer.class), r.get(17, Integer.class), r.get(18, String.class),
                r.get(19, String.class));
    }

    Optional<PortForwardingView> activeView(String uuid) {
        return dsl.fetchOptional(VIEW_SELECT + " where p.uuid = ? and" + ACTIVE, uuid).map(PortForwardingRules::view);
    }

    /**
     * For VM destroy: the VM is Destroying by then, and may have been Running a moment before, so a rule of a
     * Destroying VM counts as applied (revoking what a router does not hold is harmless).
     */
    private Optional<PortForwardingView> appliedViewOfDestroyingVm(String uuid) {
        return dsl.fetchOptional(VIEW_SELECT + " where p.uuid = ? and" + ACTIVE.replace("vm.state = 'Running'",
                "vm.state in ('Running', 'Destroying')"), uuid).map(PortForwardingRules::view);
    }

    // ---------------------------------------------------------------- for the virtual router provider

    /**
     * The desired state of a guest L3's router: every rule attached to a nic on that L3, Enabled, on an Enabled
     * VIP, whose VM is Running. Ordered by VIP address, protocol and port.
     */
    public List<PortForwardingView> activeRulesOnGuestL3(String guestL3Uuid) {
        return dsl.fetch(VIEW_SELECT + " where n.l3_network_uuid = ? and" + ACTIVE
                + " order by v.ip, p.protocol_type, p.vip_port_start, p.uuid", guestL3Uuid).map(PortForwardingRules::view);
    }

    /**
     * Detaches every rule of a VM's nics: what VM destroy needs (also the VM lifecycle hook {@link #beforeDestroy}).
     * A failing revocation is logged, not thrown; the router's next sync drops what the database no longer holds.
     */
    public void detachAllOfVm(String vmUuid) {
        List<String> rules = dsl.fetch("select p.uuid from port_forwarding_rule p join vm_nic n on n.uuid = p.vm_nic_uuid"
                + " where n.vm_instance_uuid = ?", vmUuid).map(r -> r.get(0, String.class));
        for (String uuid : rules) {
            appliedViewOfDestroyingVm(uuid).ifPresent(view -> quietly("revoke port forwarding rule " + uuid + " of VM " + vmUuid,
                    () -> applier.ruleDetached(view)));
            dsl.update(PF).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }
    }

    @Override
    public void beforeDestroy(VmSpec vm) {
        if (!vm.isAppliance()) {
            detachAllOfVm(vm.uuid());
        }
    }

    // ---------------------------------------------------------------- operations

    String create(String name, String description, String vipUuid, Ports ports, String allowedCidr, String nicUuid) {
        vips.get(vipUuid);
        if (nicUuid != null) {
            applier.checkAttach(vipUuid, nicUuid);
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        guarded(vipUuid, ports, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, vipUuid);
            tx.select(UUID, NAME).from(EIP).where(VIP_UUID.eq(vipUuid)).limit(1).fetchOptional().ifPresent(r -> {
                throw ApiException.invalidArgument(vip.describe() + " is used by EIP " + r.get(NAME) + " (" + r.get(UUID)
                        + "); a VIP with an EIP cannot take port forwarding rules");
            });
            checkNoOverlap(tx, vip, ports);
            if (nicUuid != null) {
                Vips.checkNic(vip, Vips.guestNic(tx, nicUuid), "a port forwarding rule");
            }
            tx.insertInto(PF).columns(UUID, NAME, DESCRIPTION, VIP_UUID, NIC_UUID, VIP_START, VIP_END, PRIVATE_START,
                            PRIVATE_END, PROTOCOL, ALLOWED_CIDR, STATE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, vipUuid, nicUuid, ports.vipStart(), ports.vipEnd(), ports.privateStart(),
                            ports.privateEnd(), ports.protocol(), allowedCidr, ENABLED, now, now)
                    .execute();
        }));
        if (nicUuid != null) {
            applyOrUndo(uuid, () -> {
                dsl.deleteFrom(PF).where(UUID.eq(uuid)).execute();
                tags.deleteAllOf(uuid);
            });
        }
        return uuid;
    }

    /**
     * Under the VIP lock: no rule of the same protocol on the VIP shares a port with the new VIP range. The rules
     * already there never overlap each other, so only the one starting last at or before the new range's end can
     * reach into it: one index probe on uq_pf_vip_start, however many rules the VIP has.
     */
    private static void checkNoOverlap(DSLContext tx, Vips.VipRow vip, Ports ports) {
        tx.select(UUID, NAME, VIP_START, VIP_END).from(PF)
                .where(VIP_UUID.eq(vip.uuid())).and(PROTOCOL.eq(ports.protocol())).and(VIP_START.le(ports.vipEnd()))
                .orderBy(VIP_START.desc()).limit(1).fetchOptional()
                .filter(r -> r.get(VIP_END) >= ports.vipStart())
                .ifPresent(r -> {
                    throw ApiException.invalidArgument("VIP port range " + ports.vipRange() + " (" + ports.protocol()
                            + ") overlaps port forwarding rule " + r.get(NAME) + " (" + r.get(UUID) + ") using "
                            + r.get(VIP_START) + "-" + r.get(VIP_END) + " (" + ports.protocol() + ") on " + vip.describe());
                });
    }

    void attach(String uuid, String nicUuid) {
        RuleRow rule = get(uuid);
        applier.checkAttach(rule.vipUuid(), nicUuid);
        guarded(rule.vipUuid(), null, () -> dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.VipRow vip = Vips.lockForUse(tx, rule.vipUuid());
            RuleRow locked = find(tx, uuid).orElseThrow(() -> ApiException.notFound("port forwarding rule", uuid));
            if (locked.vmNicUuid() != null) {
                throw ApiException.invalidArgument(locked.describe() + " is already attached to VM nic " + locked.vmNicUuid()
                        + "; detach it first");
            }
            if (!ENABLED.equals(locked.state())) {
                throw ApiException.invalidArgument(locked.describe() + " is " + locked.state() + "; enable it before attaching");
            }
            Vips.checkNic(vip, Vips.guestNic(tx, nicUuid), "a port forwarding rule");
            tx.update(PF).set(NIC_UUID, nicUuid).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        }));
        applyOrUndo(uuid, () -> dsl.update(PF).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                .where(UUID.eq(uuid)).and(NIC_UUID.eq(nicUuid)).execute());
    }

    void detach(String uuid) {
        RuleRow rule = get(uuid);
        if (rule.vmNicUuid() == null) {
            throw ApiException.invalidArgument(rule.describe() + " is not attached to any VM nic");
        }
        revoke(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Vips.lockForUse(tx, rule.vipUuid());
            tx.update(PF).setNull(NIC_UUID).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).and(NIC_UUID.eq(rule.vmNicUuid())).execute();
        });
    }

    void delete(String uuid) {
        get(uuid);
        revoke(uuid);
        dsl.deleteFrom(PF).where(UUID.eq(uuid)).execute();
        tags.deleteAllOf(uuid);
    }

    void changeState(String uuid, String stateEvent) {
        RuleRow rule = get(uuid);
        String target = "enable".equals(stateEvent) ? ENABLED : DISABLED;
        if (target.equals(rule.state())) {
            return;
        }
        if (DISABLED.equals(target)) {
            revoke(uuid);
        }
        dsl.update(PF).set(STATE, target).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        if (ENABLED.equals(target)) {
            applyOrUndo(uuid, () -> dsl.update(PF).set(STATE, DISABLED).set(LAST_OP_DATE, clock.utcNow())
                    .where(UUID.eq(uuid)).execute());
        }
    }

    List<String> attachableNics(String ruleUuid) {
        RuleRow rule = get(ruleUuid);
        if (rule.vmNicUuid() != null) {
            return List.of();
        }
        return vips.attachableNics(vips.get(rule.vipUuid()), null);
    }

    // ---------------------------------------------------------------- plumbing

    /** A competitor that slipped past the lock (it cannot, but the keys say so too) gets the overlap message. */
    private void guarded(String vipUuid, Ports ports, Runnable write) {
        try {
            write.run();
        } catch (DataAccessException e) {
            ApiException api = Vips.apiExceptionIn(e);
            if (api != null) {
                throw api;
            }
            if (ports != null && e.sqlState() != null && e.sqlState().startsWith("23")) {
                throw ApiException.invalidArgument("VIP port range " + ports.vipRange() + " (" + ports.protocol()
                        + ") overlaps a port forwarding rule created at the same moment on " + vips.get(vipUuid).describe());
            }
            throw e;
        }
    }

    private void applyOrUndo(String uuid, Runnable undo) {
        Optional<PortForwardingView> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.ruleAttached(view.get());
        } catch (RuntimeException e) {
            undo.run();
            quietly("clean up after the failed apply of port forwarding rule " + uuid, () -> applier.ruleDetached(view.get()));
            throw Vips.applyFailure(e, "applying port forwarding rule " + describe(view.get()) + " failed: " + e.getMessage()
                    + "; the change was undone");
        }
    }

    private void revoke(String uuid) {
        Optional<PortForwardingView> view = activeView(uuid);
        if (view.isEmpty()) {
            return;
        }
        try {
            applier.ruleDetached(view.get());
        } catch (RuntimeException e) {
            throw Vips.applyFailure(e, "revoking port forwarding rule " + describe(view.get()) + " failed: " + e.getMessage()
                    + "; nothing was changed");
        }
    }

    private static String describe(PortForwardingView v) {
        return v.name() + " (" + v.protocolType() + " " + v.vipIp() + ":" + v.vipPortStart() + "-" + v.vipPortEnd() + " -> "
                + v.guestIp() + ":" + v.privatePortStart() + "-" + v.privatePortEnd() + ")";
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
        return "PortForwarding";
    }

    @Override
    public void deleteAllOnVip(String vipUuid) {
        dsl.select(UUID).from(PF).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::delete);
    }

    @Override
    public void beforeVipDisabled(String vipUuid) {
        dsl.select(UUID).from(PF).where(VIP_UUID.eq(vipUuid)).fetch(UUID).forEach(this::revoke);
    }

    @Override
    public void afterVipEnabled(String vipUuid) {
        for (String uuid : dsl.select(UUID).from(PF).where(VIP_UUID.eq(vipUuid)).fetch(UUID)) {
            activeView(uuid).ifPresent(view -> quietly("apply port forwarding rule " + uuid + " after its VIP was enabled",
                    () -> applier.ruleAttached(view)));
        }
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        this.queries = queries;
        types.register(RESOURCE_TYPE, "port_forwarding_rule");
        registry.register(Inventory.builder("PortForwardingRule", "port_forwarding_rule_view")
                .strings("uuid", "name", "description", "vipUuid", "vipIp", "guestIp")
                .field("vipPortStart", FieldType.INTEGER)
                .field("vipPortEnd", FieldType.INTEGER)
                .field("privatePortStart", FieldType.INTEGER)
                .field("privatePortEnd", FieldType.INTEGER)
                .strings("vmNicUuid", "protocolType", "state", "allowedCidr")
                .dates()
                .expand(Expansion.one("vip", "Vip", "vipUuid", "uuid"))
                .expand(Expansion.one("vmNic", "VmNic", "vmNicUuid", "uuid"))
                .build());
        queries.register("QueryPortForwardingRule", "PortForwardingRule", "port-forwarding");
        registry.register(Inventory.builder(VIRTUAL_ROUTER_PORT_FORWARDING, "virtual_router_port_forwarding_view")
                .strings("uuid", "virtualRouterUuid", "name", "description", "vipUuid", "vipIp", "guestIp")
                .field("vipPortStart", FieldType.INTEGER)
                .field("vipPortEnd", FieldType.INTEGER)
                .field("privatePortStart", FieldType.INTEGER)
                .field("privatePortEnd", FieldType.INTEGER)
                .strings("vmNicUuid", "protocolType", "state", "allowedCidr")
                .dates()
                .build());
        ApiParam uuid = ApiParam.required("uuid", ParamType.UUID, "the rule");
        catalogue.register(ApiDefinition.of("CreatePortForwardingRule",
                "Forward a port range of a VIP to the same-sized range of a user VM nic",
                call -> inventory(create(call.string("name"), call.optString("description").orElse(null),
                        call.string("vipUuid"),
                        Ports.of(call.integer("vipPortStart"), call.optInteger("vipPortEnd").orElse(null),
                                call.optInteger("privatePortStart").orElse(null), call.optInteger("privatePortEnd").orElse(null),
                                call.string("protocolType")),
                        call.optString("allowedCidr").orElse(null), call.optString("vmNicUuid").orElse(null))),
                ApiParam.required("name", ParamType.STRING, "rule name").withRange(1, 255),
                ApiParam.required("vipUuid", ParamType.UUID, "the VIP (not one with an EIP)"),
                ApiParam.required("vipPortStart", ParamType.INTEGER, "first VIP port").withRange(1, MAX_PORT),
                ApiParam.optional("vipPortEnd", ParamType.INTEGER, "last VIP port; default vipPortStart").withRange(1, MAX_PORT),
                ApiParam.optional("privatePortStart", ParamType.INTEGER, "first guest port; default vipPortStart").withRange(1, MAX_PORT),
                ApiParam.optional("privatePortEnd", ParamType.INTEGER, "last guest port; default keeps the VIP range's size")
                        .withRange(1, MAX_PORT),
                ApiParam.required("protocolType", ParamType.STRING, "TCP or UDP").withChoices("TCP", "UDP"),
                ApiParam.optional("vmNicUuid", ParamType.UUID, "attach to this user VM nic at once"),
                ApiParam.optional("allowedCidr", ParamType.CIDR, "only sources in this network"),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048)));
        catalogue.register(ApiDefinition.of("AttachPortForwardingRule", "Attach an unattached, enabled rule to a user VM nic",
                call -> {
                    attach(call.string("ruleUuid"), call.string("vmNicUuid"));
                    return inventory(call.string("ruleUuid"));
                },
                ApiParam.required("ruleUuid", ParamType.UUID, "the rule"),
                ApiParam.required("vmNicUuid", ParamType.UUID, "the user VM nic")));
        catalogue.register(ApiDefinition.of("DetachPortForwardingRule", "Detach a rule from its VM nic",
                call -> {
                    detach(call.string("uuid"));
                    return inventory(call.string("uuid"));
                }, uuid));
        catalogue.register(ApiDefinition.of("DeletePortForwardingRule", "Delete a port forwarding rule (its VIP stays)",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                }, uuid));
        catalogue.register(ApiDefinition.of("ChangePortForwardingRuleState", "Enable or disable a rule; a disabled rule is not applied",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory(call.string("uuid"));
                }, uuid,
                ApiParam.required("stateEvent", ParamType.STRING, "enable or disable").withChoices("enable", "disable")));
        catalogue.register(ApiDefinition.of("GetPortForwardingAttachableVmNics",
                "The user VM nics a rule could be attached to: on another L3 than its VIP",
                call -> Vips.nicInventories(queries, attachableNics(call.string("ruleUuid"))),
                ApiParam.required("ruleUuid", ParamType.UUID, "the rule")));
    }

    private Object inventory(String uuid) {
        return Replies.inventory(queries.inventory("PortForwardingRule", uuid));
    }
}

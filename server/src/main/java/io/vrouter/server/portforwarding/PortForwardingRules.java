package io.vrouter.server.portforwarding;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.vip.VipRules;
import io.vrouter.server.vip.VipUser;
import io.vrouter.server.vip.Vips;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.portforwarding.PortForwardingTables.PF;

/**
 * Port forwarding rules: a port range of a VIP forwarded to the same-sized range of a user VM nic, per protocol.
 * Ranges of one protocol on one VIP never overlap (closed intervals): the check runs with the VIP row locked
 * ({@link Vips#lockForUse}), so concurrent creators are serialised by the database, and unique keys on the range
 * edges back it up. Port forwarding and SNAT may share a VIP; an EIP may not. The life a rule shares with EIPs
 * (attach, detach, state, syncing routers) is {@link VipRules}'.
 */
public final class PortForwardingRules {
    public static final String RESOURCE_TYPE = "PortForwardingRuleVO";
    /**
     * The attached rules whose nic is on a guest L3 a virtual router serves, with a {@code virtualRouterUuid}
     * field: the target of {@code Expansion.many("portForwarding", VIRTUAL_ROUTER_PORT_FORWARDING, "uuid",
     * "virtualRouterUuid")} on the router's inventory.
     */
    public static final String VIRTUAL_ROUTER_PORT_FORWARDING = "VirtualRouterPortForwardingRule";
    static final int MAX_PORT = 65535;

    private static final Field<String> VIP_UUID = field("vip_uuid", String.class);
    private static final Field<Integer> VIP_START = field("vip_port_start", Integer.class);
    private static final Field<Integer> VIP_END = field("vip_port_end", Integer.class);
    private static final Field<Integer> PRIVATE_START = field("private_port_start", Integer.class);
    private static final Field<Integer> PRIVATE_END = field("private_port_end", Integer.class);
    private static final Field<String> PROTOCOL = field("protocol_type", String.class);
    private static final Field<String> ALLOWED_CIDR = field("allowed_cidr", String.class);

    private final Vips vips;
    private final VipRules<PortForwardingView> rules;
    private QueryApis queries;

    public PortForwardingRules(DSLContext dsl, Clock clock, Vips vips, Tags tags) {
        this.vips = vips;
        this.rules = new VipRules<>(dsl, clock, vips, tags, new VipRules.Kind<>("port forwarding rule", "PortForwarding", false,
                PF, List.of(VIP_START, VIP_END, PRIVATE_START, PRIVATE_END, PROTOCOL, ALLOWED_CIDR),
                Comparator.comparing(PortForwardingView::protocolType).thenComparingInt(PortForwardingView::vipPortStart),
                PortForwardingRules::view, PortForwardingRules::summary));
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

    // ---------------------------------------------------------------- views

    private static PortForwardingView view(VipRules.RuleOnNic r, Record own) {
        return new PortForwardingView(r.uuid(), r.name(), r.state(), r.vipUuid(), r.vipIp(), r.vipNetmask(), r.vipGateway(),
                r.vipL3NetworkUuid(), r.nic().uuid(), r.nic().vmUuid(), r.nic().ip(), r.nic().mac(), r.nic().l3Uuid(),
                r.nic().vmState().name(), own.get(VIP_START), own.get(VIP_END), own.get(PRIVATE_START), own.get(PRIVATE_END),
                own.get(PROTOCOL), own.get(ALLOWED_CIDR));
    }

    private static String summary(PortForwardingView v) {
        return v.name() + " (" + v.protocolType() + " " + v.vipIp() + ":" + v.vipPortStart() + "-" + v.vipPortEnd() + " -> "
                + v.guestIp() + ":" + v.privatePortStart() + "-" + v.privatePortEnd() + ")";
    }

    // ---------------------------------------------------------------- for the virtual router provider

    /**
     * The desired state of a guest L3's router: every rule attached to a nic on that L3, Enabled, on an Enabled
     * VIP, whose VM is Running. Ordered by VIP address, protocol and port.
     */
    public List<PortForwardingView> activeRulesOnGuestL3(String guestL3Uuid) {
        return rules.activeOnGuestL3(guestL3Uuid);
    }

    /** The kind's rules as a router reads them: all on its guest L3s' nics, or only a few that changed. */
    public VipRules<PortForwardingView> rules() {
        return rules;
    }

    // ---------------------------------------------------------------- operations

    String create(String name, String description, String vipUuid, Ports ports, String allowedCidr, String nicUuid) {
        Map<Field<?>, Object> columns = new LinkedHashMap<>();
        columns.put(VIP_START, ports.vipStart());
        columns.put(VIP_END, ports.vipEnd());
        columns.put(PRIVATE_START, ports.privateStart());
        columns.put(PRIVATE_END, ports.privateEnd());
        columns.put(PROTOCOL, ports.protocol());
        columns.put(ALLOWED_CIDR, allowedCidr);
        return rules.create(name, description, vipUuid, nicUuid, columns, new RuleChecks(ports));
    }

    /**
     * A rule's checks: no EIP on the VIP, no overlapping range of the same protocol (when creating, so with the
     * rule's ports), the nic's shared checks.
     */
    private final class RuleChecks implements VipRules.Checks {
        private final Ports ports;

        /** @param ports the new rule's ports; null when attaching an existing rule */
        RuleChecks(Ports ports) {
            this.ports = ports;
        }

        @Override
        public void vip(DSLContext tx, Vips.VipRow vip) {
            vips.usesBesides(tx, vip.uuid(), rules).stream().filter(VipUser.Use::needsVipAlone).findFirst().ifPresent(use -> {
                throw ApiException.invalidArgument(vip.describe() + " is used by " + use.noun() + " " + use.ruleName() + " ("
                        + use.ruleUuid() + "); a VIP with an " + use.noun() + " cannot take port forwarding rules");
            });
            checkNoOverlap(tx, vip, ports);
        }

        @Override
        public void nic(DSLContext tx, Vips.VipRow vip, String nicUuid) {
            Vips.checkNic(vip, Vips.nicWithVm(tx, nicUuid), "a port forwarding rule");
        }

        /** A competitor that slipped past the lock (it cannot, but the keys say so too) gets the overlap message. */
        @Override
        public ApiException keyViolation(DataAccessException e, String vipUuid, String nicUuid) {
            // attaching writes no key a competitor could trip: the database's error goes up as it is
            return ports == null ? null : ApiException.invalidArgument("VIP port range " + ports.vipRange() + " ("
                    + ports.protocol() + ") overlaps a port forwarding rule created at the same moment on " + vips.get(vipUuid).describe());
        }
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
        rules.attach(uuid, nicUuid, new RuleChecks(null));
    }

    List<String> attachableNics(String ruleUuid) {
        VipRules.Row rule = rules.get(ruleUuid);
        if (rule.vmNicUuid() != null) {
            return List.of();
        }
        return rules.attachableNics(vips.get(rule.vipUuid()), false);
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        this.queries = queries;
        types.register(RESOURCE_TYPE, "port_forwarding_rule");
        registry.register(ruleFields(Inventory.builder("PortForwardingRule", "port_forwarding_rule_view").strings("uuid"))
                .expand(Expansion.one("vip", "Vip", "vipUuid", "uuid"))
                .expand(Expansion.one("vmNic", "VmNic", "vmNicUuid", "uuid"))
                .build());
        queries.register("QueryPortForwardingRule", "PortForwardingRule", "port-forwarding");
        registry.register(ruleFields(Inventory.builder(VIRTUAL_ROUTER_PORT_FORWARDING, "virtual_router_port_forwarding_view")
                .strings("uuid", "virtualRouterUuid")).build());
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
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("AttachPortForwardingRule", "Attach an unattached, enabled rule to a user VM nic",
                call -> {
                    attach(call.string("ruleUuid"), call.string("vmNicUuid"));
                    return inventory(call.string("ruleUuid"));
                },
                ApiParam.required("ruleUuid", ParamType.UUID, "the rule"),
                ApiParam.required("vmNicUuid", ParamType.UUID, "the user VM nic")));
        rules.registerApis(catalogue, "PortForwardingRule", this::inventory);
        catalogue.register(ApiDefinition.of("GetPortForwardingAttachableVmNics",
                "The user VM nics a rule could be attached to: on another L3 than its VIP",
                call -> Vips.nicInventories(queries, attachableNics(call.string("ruleUuid"))),
                ApiParam.required("ruleUuid", ParamType.UUID, "the rule")));
    }

    /** A rule's inventory fields after its uuid (and a router's uuid, on the router's), in ZStack's order. */
    private static Inventory.Builder ruleFields(Inventory.Builder inventory) {
        return inventory.strings("name", "description", "vipUuid", "vipIp", "guestIp")
                .field("vipPortStart", FieldType.INTEGER)
                .field("vipPortEnd", FieldType.INTEGER)
                .field("privatePortStart", FieldType.INTEGER)
                .field("privatePortEnd", FieldType.INTEGER)
                .strings("vmNicUuid", "protocolType", "state", "allowedCidr")
                .dates();
    }

    private Object inventory(String uuid) {
        return Replies.inventory(queries.inventory("PortForwardingRule", uuid));
    }
}

package io.vrouter.server.eip;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.vip.VipRules;
import io.vrouter.server.vip.Vips;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;

import java.util.List;
import java.util.Map;

import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.eip.EipTables.EIP;

/**
 * Elastic IPs: a VIP mapped one-to-one onto a user VM's nic. The VIP is the EIP's alone (no port forwarding, no
 * SNAT on it) and a nic has at most one EIP; both are unique keys, and every write locks the VIP row first (see
 * {@link Vips#lockForUse}), so concurrent creators cannot both win. The life an EIP shares with port forwarding
 * rules (attach, detach, state, syncing routers) is {@link VipRules}', see there for the order of database and
 * router changes.
 */
public final class Eips {
    public static final String RESOURCE_TYPE = "EipVO";
    /**
     * The attached EIPs whose nic is on a guest L3 a virtual router serves, with a {@code virtualRouterUuid}
     * field: the target of {@code Expansion.many("eip", VIRTUAL_ROUTER_EIP, "uuid", "virtualRouterUuid")}.
     */
    public static final String VIRTUAL_ROUTER_EIP = "VirtualRouterEip";

    private static final Field<String> NIC_UUID = field("vm_nic_uuid", String.class);

    private final Vips vips;
    private final VipRules<EipView> rules;
    /** An EIP's checks: its VIP used by nothing else, one EIP per nic; both backed by unique keys. */
    private final VipRules.Checks checks = new VipRules.Checks() {
        @Override
        public void vip(DSLContext tx, Vips.VipRow vip) {
            checkVipFree(tx, vip);
        }

        @Override
        public void nic(DSLContext tx, Vips.VipRow vip, String nicUuid) {
            checkNic(tx, vip, nicUuid);
        }

        @Override
        public ApiException keyViolation(DataAccessException e, String vipUuid, String nicUuid) {
            return Eips.this.keyViolation(e, vipUuid, nicUuid);
        }
    };
    private QueryApis queries;

    public Eips(DSLContext dsl, Clock clock, Vips vips, Tags tags) {
        this.vips = vips;
        // an EIP takes its VIP alone; a VIP has one EIP, so the VIP address orders a router's EIPs
        this.rules = new VipRules<>(dsl, clock, vips, tags, new VipRules.Kind<>("EIP", "Eip", true, EIP, List.of(),
                (a, b) -> 0, (rule, own) -> view(rule), Eips::summary));
    }

    private static EipView view(VipRules.RuleOnNic r) {
        return new EipView(r.uuid(), r.name(), r.state(), r.vipUuid(), r.vipIp(), r.vipNetmask(), r.vipGateway(),
                r.vipL3NetworkUuid(), r.nic().uuid(), r.nic().vmUuid(), r.nic().ip(), r.nic().mac(), r.nic().l3Uuid(),
                r.nic().vmState().name());
    }

    private static String summary(EipView eip) {
        return eip.name() + " (" + eip.vipIp() + " -> " + eip.guestIp() + ")";
    }

    // ---------------------------------------------------------------- for the virtual router provider

    /**
     * The desired state of a guest L3's router: every EIP attached to a nic on that L3, Enabled, on an Enabled
     * VIP, whose VM is Running. Ordered by VIP address.
     */
    public List<EipView> activeEipsOnGuestL3(String guestL3Uuid) {
        return rules.activeOnGuestL3(guestL3Uuid);
    }

    /** The kind's rules as a router reads them: all on its guest L3s' nics, or only a few that changed. */
    public VipRules<EipView> rules() {
        return rules;
    }

    // ---------------------------------------------------------------- operations

    String create(String name, String description, String vipUuid, String nicUuid) {
        return rules.create(name, description, vipUuid, nicUuid, Map.of(), checks);
    }

    void attach(String uuid, String nicUuid) {
        rules.attach(uuid, nicUuid, checks);
    }

    List<String> attachableNics(String eipUuid, String vipUuid) {
        if ((eipUuid == null) == (vipUuid == null)) {
            throw ApiException.invalidArgument("GetEipAttachableVmNics needs exactly one of eipUuid and vipUuid");
        }
        if (eipUuid != null) {
            VipRules.Row eip = rules.get(eipUuid);
            if (eip.vmNicUuid() != null) {
                return List.of();
            }
            vipUuid = eip.vipUuid();
        }
        return rules.attachableNics(vips.get(vipUuid), true);
    }

    // ---------------------------------------------------------------- checks

    /** Under the VIP lock: nothing else may use an EIP's VIP (the other kinds answer through {@link Vips#usesBesides}). */
    private void checkVipFree(DSLContext tx, Vips.VipRow vip) {
        rules.useOf(tx, vip.uuid()).ifPresent(eip -> {
            throw ApiException.invalidArgument(vip.describe() + " is already used by EIP " + eip.ruleName() + " ("
                    + eip.ruleUuid() + "); a VIP takes one EIP");
        });
        vips.usesBesides(tx, vip.uuid(), rules).stream().findFirst().ifPresent(use -> {
            throw ApiException.invalidArgument(vip.describe() + " is used for " + use.useFor() + " (rule " + use.ruleName() + ", "
                    + use.ruleUuid() + "); an EIP needs a VIP used by nothing else");
        });
        if (vip.snat()) {
            throw ApiException.invalidArgument(vip.describe() + " is used for SNAT; an EIP needs a VIP used by nothing else");
        }
    }

    /** Under the VIP lock: the nic passes the shared checks and has no EIP yet. */
    private static void checkNic(DSLContext tx, Vips.VipRow vip, String nicUuid) {
        Vips.checkNic(vip, Vips.nicWithVm(tx, nicUuid), "an EIP");
        tx.select(UUID, NAME).from(EIP).where(NIC_UUID.eq(nicUuid)).limit(1).fetchOptional().ifPresent(r -> {
            throw nicHasEip(nicUuid, r.get(NAME) + " (" + r.get(UUID) + ")");
        });
    }

    private static ApiException nicHasEip(String nicUuid, String other) {
        return ApiException.invalidArgument("VM nic " + nicUuid + " already has EIP " + other + "; a nic takes one EIP");
    }

    /**
     * The checks are also unique keys: a competitor on another VIP that attached the same nic at the same moment
     * trips uq_eip_nic, and the loser gets the same message as if it had come second.
     */
    private ApiException keyViolation(DataAccessException e, String vipUuid, String nicUuid) {
        String text = String.valueOf(e.getMessage()).toLowerCase();
        if (nicUuid != null && text.contains("uq_eip_nic")) {
            return nicHasEip(nicUuid, "attached at the same moment");
        }
        return ApiException.invalidArgument(vips.get(vipUuid).describe() + " got an EIP at the same moment; a VIP takes one EIP");
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
        catalogue.register(ApiDefinition.of("CreateEip", "Create an EIP on a VIP used by nothing else, optionally attached to a VM nic",
                call -> inventory(create(call.string("name"), call.optString("description").orElse(null),
                        call.string("vipUuid"), call.optString("vmNicUuid").orElse(null))),
                ApiParam.required("name", ParamType.STRING, "EIP name").withRange(1, 255),
                ApiParam.required("vipUuid", ParamType.UUID, "the VIP, used by nothing else"),
                ApiParam.optional("vmNicUuid", ParamType.UUID, "attach to this user VM nic at once"),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("AttachEip", "Attach an unattached, enabled EIP to a user VM nic",
                call -> {
                    attach(call.string("eipUuid"), call.string("vmNicUuid"));
                    return inventory(call.string("eipUuid"));
                },
                ApiParam.required("eipUuid", ParamType.UUID, "the EIP"),
                ApiParam.required("vmNicUuid", ParamType.UUID, "the user VM nic")));
        rules.registerApis(catalogue, "Eip", this::inventory);
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

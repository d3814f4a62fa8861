package io.vrouter.server.vrouter;

import io.vrouter.api.ErrorCode;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.image.Images;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.networkservice.NetworkServiceType;
import io.vrouter.server.networkservice.NetworkServices;
import io.vrouter.server.offering.InstanceOfferings;
import io.vrouter.server.l3.IpRangeRecord;
import io.vrouter.server.l3.IpRanges;
import io.vrouter.server.l3.L3NetworkRecord;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.zone.Zones;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.Tags;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.vrouter.VirtualRouterTables.VR_OFFERING;
import static io.vrouter.server.vrouter.VirtualRouterTables.VR_OFFERING_VIEW;

/**
 * Virtual router offerings: an instance offering plus the zone, management and public L3 and image of the
 * routers made from it; one of each zone's offerings is its default. Which offering a guest L3's router is made
 * from follows the seed: one tagged {@code guestL3Network::<l3>} first, else the zone's default.
 */
public final class VirtualRouterOfferings {
    public static final String TYPE = "VirtualRouter";

    private static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    private static final Field<String> MANAGEMENT = field("management_network_uuid", String.class);
    private static final Field<String> PUBLIC = field("public_network_uuid", String.class);
    private static final Field<String> IMAGE = field("image_uuid", String.class);
    private static final Field<Boolean> IS_DEFAULT = field("is_default", Boolean.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<Integer> CPU_NUM = field("cpu_num", Integer.class);
    private static final Field<Long> CPU_SPEED = field("cpu_speed", Long.class);
    private static final Field<Long> MEMORY_SIZE = field("memory_size", Long.class);

    private final DSLContext dsl;
    private final InstanceOfferings offerings;
    private final Images images;
    private final NetworkServices networkServices;
    private final Tags tags;

    /** An offering as the router's creation needs it. */
    public record VrOffering(String uuid, String zoneUuid, String managementNetworkUuid, String publicNetworkUuid,
                             String imageUuid, boolean isDefault, String state, int cpuNum, long cpuSpeed, long memorySize) {
    }

    public VirtualRouterOfferings(DSLContext dsl, InstanceOfferings offerings, Images images, NetworkServices networkServices, Tags tags) {
        this.dsl = dsl;
        this.offerings = offerings;
        this.images = images;
        this.networkServices = networkServices;
        this.tags = tags;
    }

    public Optional<VrOffering> find(String uuid) {
        return dsl.select(UUID, ZONE_UUID, MANAGEMENT, PUBLIC, IMAGE, IS_DEFAULT, STATE, CPU_NUM, CPU_SPEED, MEMORY_SIZE).from(VR_OFFERING_VIEW).where(UUID.eq(uuid))
                .fetchOptional(this::toOffering);
    }

    private VrOffering toOffering(Record r) {
        return new VrOffering(r.get(UUID), r.get(ZONE_UUID), r.get(MANAGEMENT), r.get(PUBLIC), r.get(IMAGE), r.get(IS_DEFAULT),
                r.get(STATE), r.get(CPU_NUM), r.get(CPU_SPEED), r.get(MEMORY_SIZE));
    }

    /**
     * The offering a guest L3's router is made from: enabled offerings of the L3's zone tagged
     * {@code guestL3Network::<l3>} first, else all enabled offerings of the zone; the default among the candidates
     * wins, else the oldest. None: {@code VR.1002}.
     */
    public VrOffering selectFor(String guestL3Uuid, String zoneUuid) {
        List<String> tagged = tags.resourcesWithSystemTag(VirtualRouterSettings.INSTANCE_OFFERING_VO,
                VirtualRouterSettings.GUEST_L3_NETWORK.render(guestL3Uuid));
        List<VrOffering> candidates = new ArrayList<>();
        if (!tagged.isEmpty()) {
            candidates.addAll(enabledInZone(zoneUuid, tagged));
        }
        if (candidates.isEmpty()) {
            candidates.addAll(enabledInZone(zoneUuid, null));
        }
        return candidates.stream().filter(VrOffering::isDefault).findFirst()
                .or(() -> candidates.stream().findFirst())
                .orElseThrow(() -> new ApiException(ErrorCode.VR_NO_DEFAULT_OFFERING, "no virtual router offering",
                        "zone " + zoneUuid + " has no enabled virtual router offering to create the router of L3 network "
                                + guestL3Uuid + " from; create one with CreateVirtualRouterOffering"));
    }

    private List<VrOffering> enabledInZone(String zoneUuid, List<String> among) {
        var condition = ZONE_UUID.eq(zoneUuid).and(STATE.eq(InstanceOfferings.ENABLED));
        if (among != null) {
            condition = condition.and(UUID.in(among));
        }
        return dsl.select(UUID, ZONE_UUID, MANAGEMENT, PUBLIC, IMAGE, IS_DEFAULT, STATE, CPU_NUM, CPU_SPEED, MEMORY_SIZE).from(VR_OFFERING_VIEW).where(condition)
                .orderBy(CREATE_DATE, UUID).fetch(this::toOffering);
    }

    // ---------------------------------------------------------------- create, update, delete

    private String create(ApiCall call) {
        InstanceOfferings.OfferingSpec spec = InstanceOfferings.spec(call);
        String zone = call.string("zoneUuid");
        String management = call.string("managementNetworkUuid");
        String publicL3 = call.optString("publicNetworkUuid").orElse(management);
        if (!Zones.exists(dsl, zone)) {
            throw ApiException.notFound("zone", zone);
        }
        checkNetwork("managementNetworkUuid", management, zone);
        checkNetwork("publicNetworkUuid", publicL3, zone);
        if (!management.equals(publicL3)) {
            for (Ipv4Cidr m : cidrs(management)) {
                for (Ipv4Cidr p : cidrs(publicL3)) {
                    if (m.overlaps(p)) {
                        throw ApiException.invalidArgument("management network " + management + " (" + m + ") and public network "
                                + publicL3 + " (" + p + ") share addresses; use separate subnets or the same L3 network");
                    }
                }
            }
        }
        Images.ImageRecord image = images.get(call.string("imageUuid"));
        if (!image.mediaType().equals(Images.ROOT_VOLUME_TEMPLATE)) {
            throw ApiException.invalidArgument("image " + image.uuid() + " is " + image.mediaType()
                    + "; a virtual router needs a RootVolumeTemplate image");
        }
        List<String> systemTags = call.list("systemTags");
        for (String tag : systemTags) {
            tags.checkSystemTag(VirtualRouterSettings.INSTANCE_OFFERING_VO, tag);
        }
        boolean wantsDefault = call.bool("isDefault");
        String uuid = dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            // the zone row lock serialises default-flag changes of the zone, across management nodes too
            Zones.lockExisting(tx, zone);
            boolean first = !tx.fetchExists(VR_OFFERING, ZONE_UUID.eq(zone));
            boolean isDefault = wantsDefault || first;
            if (isDefault) {
                tx.update(VR_OFFERING).set(IS_DEFAULT, false).where(ZONE_UUID.eq(zone)).execute();
            }
            String created = offerings.insert(tx, spec, TYPE);
            tx.insertInto(VR_OFFERING).columns(UUID, ZONE_UUID, MANAGEMENT, PUBLIC, IMAGE, IS_DEFAULT)
                    .values(created, zone, management, publicL3, image.uuid(), isDefault).execute();
            return created;
        });
        for (String tag : systemTags) {
            tags.create(Tags.SYSTEM, VirtualRouterSettings.INSTANCE_OFFERING_VO, uuid, tag);
        }
        return uuid;
    }

    private void checkNetwork(String param, String l3Uuid, String zone) {
        String l3Zone = L3Networks.find(dsl, l3Uuid).map(L3NetworkRecord::zoneUuid).orElse(null);
        if (l3Zone == null) {
            throw ApiException.notFound("L3 network", l3Uuid);
        }
        if (!l3Zone.equals(zone)) {
            throw ApiException.invalidArgument(param + " " + l3Uuid + " is in zone " + l3Zone + ", not in the offering's zone " + zone);
        }
        if (networkServices.servicesOf(l3Uuid).containsKey(NetworkServiceType.SNAT)) {
            throw ApiException.invalidArgument(param + " " + l3Uuid + " has the SNAT service; a virtual router's management"
                    + " and public networks must not (they are where SNAT leads, not guests of it)");
        }
    }

    private List<Ipv4Cidr> cidrs(String l3Uuid) {
        return IpRanges.rangesOf(dsl, l3Uuid).stream().map(IpRangeRecord::networkCidr)
                .map(Ipv4Cidr::tryParse).flatMap(Optional::stream).toList();
    }

    private void makeDefault(String uuid) {
        VrOffering offering = find(uuid).orElseThrow(() -> ApiException.notFound("virtual router offering", uuid));
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Zones.lockExisting(tx, offering.zoneUuid());
            tx.update(VR_OFFERING).set(IS_DEFAULT, false).where(ZONE_UUID.eq(offering.zoneUuid())).execute();
            tx.update(VR_OFFERING).set(IS_DEFAULT, true).where(UUID.eq(uuid)).execute();
        });
    }

    private void delete(String uuid) {
        VrOffering offering = find(uuid).orElseThrow(() -> ApiException.notFound("virtual router offering", uuid));
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            if (offerings.inUse(tx, uuid)) {
                throw ApiException.conflict("virtual router offering " + uuid + " is used by virtual routers; destroy them first");
            }
            Zones.lockExisting(tx, offering.zoneUuid());
            tx.deleteFrom(VR_OFFERING).where(UUID.eq(uuid)).execute();
            offerings.delete(tx, uuid);
            if (offering.isDefault()) {
                // the zone keeps exactly one default while it has offerings: the oldest remaining takes the flag
                tx.select(UUID).from(VR_OFFERING_VIEW).where(ZONE_UUID.eq(offering.zoneUuid())).orderBy(CREATE_DATE, UUID).limit(1)
                        .fetchOptional(UUID)
                        .ifPresent(next -> tx.update(VR_OFFERING).set(IS_DEFAULT, true).where(UUID.eq(next)).execute());
            }
        });
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        registry.register(InstanceOfferings.inventoryOf("VirtualRouterOffering", "virtual_router_offering_view")
                .strings("zoneUuid", "managementNetworkUuid", "publicNetworkUuid", "imageUuid")
                .field("isDefault", FieldType.BOOLEAN)
                .dates()
                .expand(Expansion.one("image", "Image", "imageUuid", "uuid"))
                .expand(Expansion.one("managementL3Network", "L3Network", "managementNetworkUuid", "uuid"))
                .expand(Expansion.one("publicL3Network", "L3Network", "publicNetworkUuid", "uuid"))
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .build());
        queries.register("QueryVirtualRouterOffering", "VirtualRouterOffering", "instance-offerings/virtual-routers");
        List<ApiParam> params = new ArrayList<>(InstanceOfferings.specParams());
        params.add(ApiParam.required("zoneUuid", ParamType.UUID, "the zone whose routers use it"));
        params.add(ApiParam.required("managementNetworkUuid", ParamType.UUID, "L3 the management node reaches routers on"));
        params.add(ApiParam.optional("publicNetworkUuid", ParamType.UUID, "L3 of public addresses; default the management network"));
        params.add(ApiParam.required("imageUuid", ParamType.UUID, "the virtual router image"));
        params.add(ApiParam.optional("isDefault", ParamType.BOOLEAN, "make it the zone's default").withDefault(false));
        params.add(ApiParam.optional("systemTags", ParamType.STRING_LIST, "e.g. guestL3Network::<uuid>, commandsParallelismDegree::N").withRange(0, 100));
        catalogue.register(new ApiDefinition("CreateVirtualRouterOffering", "Create a virtual router offering",
                params, call -> Replies.inventory(queries.inventory("VirtualRouterOffering", create(call))), true, List.of()));
        catalogue.register(ApiDefinition.of("UpdateVirtualRouterOffering", "Rename a virtual router offering or make it the default",
                call -> {
                    String uuid = call.string("uuid");
                    find(uuid).orElseThrow(() -> ApiException.notFound("virtual router offering", uuid));
                    offerings.rename(uuid, call.optString("name").orElse(null), call.optString("description").orElse(null));
                    if (call.optBool("isDefault").orElse(false)) {
                        makeDefault(uuid);
                    }
                    return Replies.inventory(queries.inventory("VirtualRouterOffering", uuid));
                },
                ApiParam.required("uuid", ParamType.UUID, "the offering"),
                ApiParam.optional("name", ParamType.STRING, "new name").withRange(1, 255),
                ApiParam.optional("description", ParamType.STRING, "new description").withRange(0, 2048).multiLine(),
                ApiParam.optional("isDefault", ParamType.BOOLEAN, "true: make it the zone's default")));
        catalogue.register(ApiDefinition.of("DeleteVirtualRouterOffering", "Delete a virtual router offering",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the offering")));
    }
}

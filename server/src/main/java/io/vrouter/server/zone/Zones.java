package io.vrouter.server.zone;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.deletion.DeletionCascade;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.zone.ZoneTables.STATE;
import static io.vrouter.server.zone.ZoneTables.ZONE;
import static io.vrouter.server.zone.ZoneTables.ZONE_TYPE;

/**
 * Zones: the top of the resource tree. A zone is deleted only when nothing stands in it any more (no cluster, no
 * L2 network, no VM); the refusal names what is in the way.
 */
public final class Zones {
    public static final String RESOURCE_TYPE = "ZoneVO";
    static final String INVENTORY = "Zone";


    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private QueryApis queries;

    public Zones(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        resourceTypes.register(RESOURCE_TYPE, "zone");
    }

    // ---------------------------------------------------------------- read API for other packages

    public boolean exists(String zoneUuid) {
        return exists(dsl, zoneUuid);
    }

    /** Whether the zone exists, read through the caller's context (for packages that hold no {@code Zones}). */
    public static boolean exists(DSLContext ctx, String zoneUuid) {
        return ctx.fetchExists(ZONE, UUID.eq(zoneUuid));
    }

    /**
     * Locks the zone's row for the rest of the caller's transaction, so the zone cannot be deleted while a child is
     * being created in it; throws RESOURCE_NOT_FOUND when it does not exist.
     */
    public static void lockExisting(DSLContext tx, String zoneUuid) {
        if (tx.select(UUID).from(ZONE).where(UUID.eq(zoneUuid)).forUpdate().fetchOptional().isEmpty()) {
            throw ApiException.notFound(RESOURCE_TYPE, zoneUuid);
        }
    }

    /** What a child package detaches from a zone that is deleted (its backup storages), in the same transaction. */
    public void registerDeletionCascade(DeletionCascade cascade) {
        deletionGuards.registerCascade(cascade);
    }

    /** A child package's check that a zone may be deleted (what of its own still stands in the zone). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    // ---------------------------------------------------------------- operations

    String create(String name, String description) {
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        dsl.insertInto(ZONE).columns(UUID, NAME, DESCRIPTION, STATE, ZONE_TYPE, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, name, description, ZoneState.Enabled.name(), "zstack", now, now)
                .execute();
        return uuid;
    }

    void update(String uuid, String name, String description) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockExisting(tx, uuid);
            var update = tx.update(ZONE).set(LAST_OP_DATE, clock.utcNow());
            if (name != null) {
                update = update.set(NAME, name);
            }
            if (description != null) {
                update = update.set(DESCRIPTION, description);
            }
            update.where(UUID.eq(uuid)).execute();
        });
    }

    void delete(String uuid) {
        deletionGuards.deleteUnlessInTheWay(dsl, uuid, "zone " + uuid, tx -> lockExisting(tx, uuid),
                tx -> tx.deleteFrom(ZONE).where(UUID.eq(uuid)).execute());
        tags.deleteAllOf(uuid);
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder(INVENTORY, "zone")
                .strings("uuid", "name", "description", "state")
                .field("type", "zone_type", io.vrouter.server.query.FieldType.STRING)
                .dates()
                .build());
        queries.register("QueryZone", INVENTORY, "zones");
        catalogue.register(ApiDefinition.of("CreateZone", "Create a zone",
                call -> inventory(create(call.string("name"), call.optString("description").orElse(null))),
                name(true), description()));
        catalogue.register(ApiDefinition.of("UpdateZone", "Change a zone's name or description",
                call -> {
                    update(call.string("uuid"), call.optString("name").orElse(null), call.optString("description").orElse(null));
                    return inventory(call.string("uuid"));
                },
                ApiParam.required("uuid", ParamType.UUID, "the zone"), name(false), description()));
        catalogue.register(ApiDefinition.of("DeleteZone", "Delete a zone that holds no cluster, L2 network or VM",
                (ApiCall call) -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the zone")));
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }

    private static ApiParam name(boolean required) {
        return (required ? ApiParam.required("name", ParamType.STRING, "the zone's name")
                : ApiParam.optional("name", ParamType.STRING, "the zone's new name")).withRange(1, 255);
    }

    private static ApiParam description() {
        return ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine();
    }
}

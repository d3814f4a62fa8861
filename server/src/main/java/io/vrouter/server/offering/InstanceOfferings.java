package io.vrouter.server.offering;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.offering.OfferingTables.INSTANCE_OFFERING;

/**
 * Instance offerings. The table has a type column because a virtual router offering is an instance offering of
 * type {@code VirtualRouter} with extra columns in its own table; the shared part lives here.
 */
public final class InstanceOfferings {
    public static final String USER_VM = "UserVm";
    public static final String ENABLED = OfferingState.Enabled.name();
    public static final String DISABLED = OfferingState.Disabled.name();
    public static final String RESOURCE_TYPE = "InstanceOfferingVO";

    private static final Field<Integer> CPU_NUM = field("cpu_num", Integer.class);
    private static final Field<Long> CPU_SPEED = field("cpu_speed", Long.class);
    private static final Field<Long> MEMORY_SIZE = field("memory_size", Long.class);
    private static final Field<String> ALLOCATOR_STRATEGY = field("allocator_strategy", String.class);
    private static final Field<Integer> SORT_KEY = field("sort_key", Integer.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<String> TYPE = field("offering_type", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final DeletionGuards deletionGuards = new DeletionGuards();

    /** What other packages need to know of an offering. */
    public record OfferingRecord(String uuid, String name, String type, int cpuNum, long cpuSpeed, long memorySize,
                                 String allocatorStrategy, String state) {
    }

    /** The parameters every kind of instance offering shares, validated. */
    public record OfferingSpec(String name, String description, int cpuNum, long cpuSpeed, long memorySize,
                               String allocatorStrategy, int sortKey) {
    }

    public InstanceOfferings(DSLContext dsl, Clock clock, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
    }

    public Optional<OfferingRecord> find(String uuid) {
        return dsl.select(UUID, NAME, TYPE, CPU_NUM, CPU_SPEED, MEMORY_SIZE, ALLOCATOR_STRATEGY, STATE).from(INSTANCE_OFFERING)
                .where(UUID.eq(uuid))
                .fetchOptional(r -> new OfferingRecord(r.get(UUID), r.get(NAME), r.get(TYPE), r.get(CPU_NUM),
                        r.get(CPU_SPEED), r.get(MEMORY_SIZE), r.get(ALLOCATOR_STRATEGY), r.get(STATE)));
    }

    public OfferingRecord get(String uuid) {
        return find(uuid).orElseThrow(() -> ApiException.notFound("instance offering", uuid));
    }

    /** The offering parameters of an API call that declared {@link #specParams()}. */
    public static OfferingSpec spec(ApiCall call) {
        return new OfferingSpec(call.string("name"), call.optString("description").orElse(null), call.integer("cpuNum"),
                call.longValue("cpuSpeed"), call.longValue("memorySize"), call.string("allocatorStrategy"), call.integer("sortKey"));
    }

    /**
     * An inventory's fields every offering has, in ZStack's order up to {@code state}: an instance offering's, which
     * a virtual router offering extends with its own. The caller adds its fields and builds it.
     */
    public static Inventory.Builder inventoryOf(String name, String tableOrView) {
        return Inventory.builder(name, tableOrView)
                .strings("uuid", "name", "description")
                .field("cpuNum", FieldType.INTEGER)
                .field("cpuSpeed", FieldType.LONG)
                .field("memorySize", FieldType.LONG)
                .field("type", "offering_type", FieldType.STRING)
                .strings("allocatorStrategy")
                .field("sortKey", FieldType.INTEGER)
                .strings("state");
    }

    /** The parameters of CreateInstanceOffering, which CreateVirtualRouterOffering also takes. */
    public static List<ApiParam> specParams() {
        return List.of(
                ApiParam.required("name", ParamType.STRING, "offering name").withRange(1, 255),
                ApiParam.required("cpuNum", ParamType.INTEGER, "number of vCPUs").withRange(1, 1024),
                // optional as in ZStack 5.x (0.6 required it); 0 means unspecified
                ApiParam.optional("cpuSpeed", ParamType.LONG, "MHz per vCPU (0: unspecified)").withRange(0, 1_000_000).withDefault(0L),
                ApiParam.required("memorySize", ParamType.LONG, "bytes of memory (at least 16 MiB)").withRange(16L << 20, 1L << 50),
                ApiParam.optional("allocatorStrategy", ParamType.STRING, "host allocator").withRange(1, 64).withDefault("DefaultHostAllocatorStrategy"),
                ApiParam.optional("sortKey", ParamType.INTEGER, "display order").withDefault(0),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine());
    }

    /** Inserts the shared row inside the caller's transaction; returns the new uuid. */
    public String insert(DSLContext tx, OfferingSpec spec, String type) {
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        tx.insertInto(INSTANCE_OFFERING).columns(UUID, NAME, DESCRIPTION, CPU_NUM, CPU_SPEED, MEMORY_SIZE, ALLOCATOR_STRATEGY, SORT_KEY,
                        STATE, TYPE, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, spec.name(), spec.description(), spec.cpuNum(), spec.cpuSpeed(), spec.memorySize(),
                        spec.allocatorStrategy(), spec.sortKey(), ENABLED, type, now, now)
                .execute();
        return uuid;
    }

    /** Renames an offering or changes its description (null: unchanged); for the subtypes' update APIs. */
    public void rename(String uuid, String name, String description) {
        if (name != null) {
            dsl.update(INSTANCE_OFFERING).set(NAME, name).where(UUID.eq(uuid)).execute();
        }
        if (description != null) {
            dsl.update(INSTANCE_OFFERING).set(DESCRIPTION, description).where(UUID.eq(uuid)).execute();
        }
    }

    public void changeState(String uuid, String stateEvent) {
        get(uuid);
        dsl.update(INSTANCE_OFFERING).set(STATE, stateEvent.equals("enable") ? ENABLED : DISABLED).set(LAST_OP_DATE, clock.utcNow())
                .where(UUID.eq(uuid)).execute();
    }

    /** A child package's check that an offering may be deleted (what of its own was made from it). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    /** Whether anything registered by a child package (VMs, routers) was made from the offering. */
    public boolean inUse(DSLContext tx, String uuid) {
        return !deletionGuards.collect(tx, uuid).isEmpty();
    }

    /** Deletes the shared row and the offering's tags; a subtype deletes its own row first. */
    public void delete(DSLContext tx, String uuid) {
        tx.deleteFrom(INSTANCE_OFFERING).where(UUID.eq(uuid)).execute();
        tags.deleteAllOf(uuid);
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        types.register(RESOURCE_TYPE, "instance_offering");
        registry.register(inventoryOf("InstanceOffering", "instance_offering").dates().build());
        queries.register("QueryInstanceOffering", "InstanceOffering", "instance-offerings");
        catalogue.register(new ApiDefinition("CreateInstanceOffering", "Create an instance offering (CPU and memory of user VMs)",
                specParams(), call -> {
                    String uuid = dsl.transactionResult(cfg -> insert(DSL.using(cfg), spec(call), USER_VM));
                    return Replies.inventory(queries.inventory("InstanceOffering", uuid));
                }, true, List.of()));
        catalogue.register(ApiDefinition.of("ChangeInstanceOfferingState", "Enable or disable an instance offering",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return Replies.inventory(queries.inventory("InstanceOffering", call.string("uuid")));
                },
                ApiParam.required("uuid", ParamType.UUID, "the offering"),
                ApiParam.required("stateEvent", ParamType.STRING, "enable or disable").withChoices("enable", "disable")));
        catalogue.register(ApiDefinition.of("DeleteInstanceOffering", "Delete a user VM instance offering",
                call -> {
                    OfferingRecord offering = get(call.string("uuid"));
                    if (!offering.type().equals(USER_VM)) {
                        throw ApiException.invalidArgument("instance offering " + offering.uuid() + " is of type " + offering.type()
                                + "; delete it with its own API (e.g. DeleteVirtualRouterOffering)");
                    }
                    dsl.transaction(cfg -> {
                        DSLContext tx = DSL.using(cfg);
                        if (inUse(tx, offering.uuid())) {
                            throw ApiException.conflict("instance offering " + offering.uuid() + " is used by VMs; destroy them first");
                        }
                        delete(tx, offering.uuid());
                    });
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the offering")));
    }
}

package io.vrouter.server.tag;

import io.vrouter.api.QueryCondition;
import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import org.jooq.DSLContext;
import org.jooq.Field;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.tag.TagTables.RESOURCE_TAG;

/**
 * System and user tags. A system tag must match a registered {@link SystemTagFormat} for its resource type, with
 * valid placeholder values; a user tag is free text. Both need an existing resource.
 */
public final class Tags {
    public static final String SYSTEM = "System";
    public static final String USER = "User";

    private static final Field<String> RESOURCE_UUID = field("resource_uuid", String.class);
    private static final Field<String> RESOURCE_TYPE = field("resource_type", String.class);
    private static final Field<String> TAG = field("tag", String.class);
    private static final Field<String> TAG_TYPE = field("tag_type", String.class);
    private static final Field<Boolean> INHERENT = field("inherent", Boolean.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final ResourceTypes resourceTypes;
    private final List<SystemTagFormat> formats = new CopyOnWriteArrayList<>();
    private QueryApis queries;

    public Tags(DSLContext dsl, Clock clock, ResourceTypes resourceTypes) {
        this.dsl = dsl;
        this.clock = clock;
        this.resourceTypes = resourceTypes;
    }

    public void registerFormat(SystemTagFormat format) {
        formats.add(format);
    }

    /** Validates and stores a tag; returns its uuid. */
    public String create(String tagType, String resourceType, String resourceUuid, String tag) {
        if (!resourceTypes.isKnown(resourceType)) {
            throw ApiException.invalidArgument("resourceType '" + resourceType + "' is not one of " + resourceTypes.known());
        }
        if (SYSTEM.equals(tagType)) {
            checkSystemTag(resourceType, tag);
        }
        if (!resourceTypes.exists(resourceType, resourceUuid)) {
            throw ApiException.notFound(resourceType, resourceUuid);
        }
        if (dsl.fetchExists(RESOURCE_TAG, RESOURCE_UUID.eq(resourceUuid).and(TAG.eq(tag)).and(TAG_TYPE.eq(tagType)))) {
            throw ApiException.conflict(resourceType + " " + resourceUuid + " already has the " + tagType.toLowerCase() + " tag '" + tag + "'");
        }
        String uuid = Uuid.random();
        LocalDateTime now = LocalDateTime.ofInstant(clock.now(), ZoneOffset.UTC);
        dsl.insertInto(RESOURCE_TAG).columns(UUID, RESOURCE_UUID, RESOURCE_TYPE, TAG, TAG_TYPE, INHERENT, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, resourceUuid, resourceType, tag, tagType, false, now, now)
                .execute();
        return uuid;
    }

    /** Checks a system tag against the registered formats before its resource exists (Create APIs' systemTags). */
    public void checkSystemTag(String resourceType, String tag) {
        for (SystemTagFormat format : formats) {
            Optional<Map<String, String>> values = format.parse(tag);
            if (values.isEmpty()) {
                continue;
            }
            if (!format.resourceTypes().contains(resourceType)) {
                throw ApiException.invalidArgument("system tag " + format.format() + " can be put on "
                        + format.resourceTypes() + " only, not on " + resourceType);
            }
            String problem = format.problemWith(values.get());
            if (problem != null) {
                throw ApiException.invalidArgument(problem);
            }
            return;
        }
        throw ApiException.invalidArgument("'" + tag + "' matches no system tag format; formats for " + resourceType
                + " are " + formats.stream().filter(f -> f.resourceTypes().contains(resourceType)).map(SystemTagFormat::format).toList());
    }

    public void delete(String uuid) {
        if (dsl.deleteFrom(RESOURCE_TAG).where(UUID.eq(uuid)).execute() == 0) {
            throw ApiException.notFound("tag", uuid);
        }
    }

    /** Removes every tag of a resource; resource packages call it when they delete one. */
    public void deleteAllOf(String resourceUuid) {
        dsl.deleteFrom(RESOURCE_TAG).where(RESOURCE_UUID.eq(resourceUuid)).execute();
    }

    /** The placeholder values of the system tags of a resource that have this format. */
    public List<Map<String, String>> systemTagValues(String resourceUuid, SystemTagFormat format) {
        return dsl.select(TAG).from(RESOURCE_TAG).where(RESOURCE_UUID.eq(resourceUuid)).and(TAG_TYPE.eq(SYSTEM))
                .and(TAG.startsWith(format.prefix())).orderBy(CREATE_DATE, UUID).fetch(TAG).stream()
                .map(format::parse).flatMap(Optional::stream).toList();
    }

    /** Uuids of the resources of a type carrying exactly this system tag. */
    public List<String> resourcesWithSystemTag(String resourceType, String tag) {
        return dsl.select(RESOURCE_UUID).from(RESOURCE_TAG).where(RESOURCE_TYPE.eq(resourceType)).and(TAG.eq(tag))
                .and(TAG_TYPE.eq(SYSTEM)).fetch(RESOURCE_UUID);
    }

    /** Puts a system tag on a resource without the API's checks: for tags the node itself derives (inherited ones). */
    public void createInherent(String resourceType, String resourceUuid, String tag) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.now(), ZoneOffset.UTC);
        dsl.insertInto(RESOURCE_TAG).columns(UUID, RESOURCE_UUID, RESOURCE_TYPE, TAG, TAG_TYPE, INHERENT, CREATE_DATE, LAST_OP_DATE)
                .values(Uuid.random(), resourceUuid, resourceType, tag, SYSTEM, true, now, now)
                .execute();
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        for (String type : List.of(SYSTEM, USER)) {
            registry.register(Inventory.builder(type + "Tag", "resource_tag")
                    .strings("uuid", "resourceUuid", "resourceType", "tag")
                    .field("type", "tag_type", FieldType.STRING)
                    .field("inherent", FieldType.BOOLEAN)
                    .dates()
                    .fixed("tag_type", type)
                    .build());
            queries.register("Query" + type + "Tag", type + "Tag", type.toLowerCase() + "-tags");
            catalogue.register(ApiDefinition.of("Create" + type + "Tag", "Put a " + type.toLowerCase() + " tag on a resource",
                    call -> created(type, call),
                    ApiParam.required("resourceType", ParamType.STRING, "e.g. VmInstanceVO, InstanceOfferingVO").withRange(1, 64),
                    ApiParam.required("resourceUuid", ParamType.UUID, "the tagged resource"),
                    ApiParam.required("tag", ParamType.STRING, "the tag text").withRange(1, 2048)));
        }
        catalogue.register(ApiDefinition.of("DeleteTag", "Remove a system or user tag",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the tag")));
    }

    private Object created(String type, ApiCall call) {
        String uuid = create(type, call.string("resourceType"), call.string("resourceUuid"), call.string("tag"));
        return Replies.inventory(queries.find(type + "Tag", new QueryCondition("uuid", "=", uuid)).get(0));
    }
}

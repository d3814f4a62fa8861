package io.vrouter.server.image;

import io.vrouter.server.Clock;
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
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDateTime;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/**
 * Images. ZStack downloads an image to a backup storage; here the URL is recorded and the image is Ready at once,
 * which is all the virtual router needs (a hypervisor backend may fetch it later).
 */
public final class Images {
    public static final String ROOT_VOLUME_TEMPLATE = "RootVolumeTemplate";

    private static final Table<?> TABLE = DSL.table(DSL.unquotedName("image"));
    private static final Field<String> URL = field("url", String.class);
    private static final Field<String> FORMAT = field("format", String.class);
    private static final Field<String> MEDIA_TYPE = field("media_type", String.class);
    private static final Field<String> PLATFORM = field("platform", String.class);
    private static final Field<Boolean> SYSTEM = field("system_image", Boolean.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<String> STATUS = field("status", String.class);
    private static final Field<Long> SIZE = field("size", Long.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;

    /** What other packages need to know of an image. */
    public record ImageRecord(String uuid, String name, String mediaType, String platform, boolean system, String state) {
    }

    public Images(DSLContext dsl, Clock clock, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
    }

    public Optional<ImageRecord> find(String uuid) {
        return dsl.select(UUID, NAME, MEDIA_TYPE, PLATFORM, SYSTEM, STATE).from(TABLE).where(UUID.eq(uuid))
                .fetchOptional(r -> new ImageRecord(r.get(UUID), r.get(NAME), r.get(MEDIA_TYPE), r.get(PLATFORM),
                        r.get(SYSTEM), r.get(STATE)));
    }

    public ImageRecord get(String uuid) {
        return find(uuid).orElseThrow(() -> ApiException.notFound("image", uuid));
    }

    String add(String name, String description, String url, String format, String mediaType, String platform, boolean system) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null) {
                throw ApiException.invalidArgument("parameter url: '" + url + "' has no scheme; use http://, https:// or file://");
            }
        } catch (URISyntaxException e) {
            throw ApiException.invalidArgument("parameter url: '" + url + "' is not a URL: " + e.getReason());
        }
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        dsl.insertInto(TABLE).columns(UUID, NAME, DESCRIPTION, URL, FORMAT, MEDIA_TYPE, PLATFORM, SYSTEM, STATE, STATUS, SIZE, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, name, description, url, format, mediaType, platform, system, "Enabled", "Ready", 0L, now, now)
                .execute();
        return uuid;
    }

    void delete(String uuid) {
        get(uuid);
        boolean used = dsl.fetchExists(DSL.table(DSL.unquotedName("vm_instance")),
                field("image_uuid", String.class).eq(uuid).and(field("state", String.class).ne("Destroyed")));
        if (used) {
            throw ApiException.conflict("image " + uuid + " is used by VMs; destroy them first");
        }
        dsl.transaction(cfg -> {
            DSL.using(cfg).deleteFrom(TABLE).where(UUID.eq(uuid)).execute();
        });
        tags.deleteAllOf(uuid);
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        types.register("ImageVO", "image");
        registry.register(Inventory.builder("Image", "image")
                .strings("uuid", "name", "description", "url", "format", "mediaType", "platform")
                .field("system", "system_image", FieldType.BOOLEAN)
                .strings("state", "status")
                .field("size", FieldType.LONG)
                .field("md5Sum", FieldType.STRING)
                .dates()
                .build());
        queries.register("QueryImage", "Image", "images");
        catalogue.register(ApiDefinition.of("AddImage", "Add an image (its URL is recorded)",
                call -> {
                    String uuid = add(call.string("name"), call.optString("description").orElse(null), call.string("url"),
                            call.string("format"), call.string("mediaType"), call.string("platform"), call.bool("system"));
                    return Replies.inventory(queries.inventory("Image", uuid));
                },
                ApiParam.required("name", ParamType.STRING, "image name").withRange(1, 255),
                ApiParam.required("url", ParamType.STRING, "where the image is").withRange(1, 2048),
                ApiParam.optional("format", ParamType.STRING, "disk format").withChoices("qcow2", "raw").withDefault("qcow2"),
                ApiParam.optional("mediaType", ParamType.STRING, "what it is").withChoices(ROOT_VOLUME_TEMPLATE, "ISO").withDefault(ROOT_VOLUME_TEMPLATE),
                ApiParam.optional("platform", ParamType.STRING, "guest OS family").withChoices("Linux", "Windows", "Other").withDefault("Linux"),
                ApiParam.optional("system", ParamType.BOOLEAN, "true: for appliances only, user VMs refuse it").withDefault(false),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("DeleteImage", "Delete an image no VM uses",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the image")));
    }
}

package io.vrouter.server.image;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.image.ImageTables.IMAGE;

/**
 * Images. With {@code backupStorageUuids}, as in ZStack, the image is downloaded from its URL onto those backup
 * storages ({@link ImageStorage}): recorded as Downloading (visible to queries, with progress on its
 * {@code backupStorageRefs}), then Ready with its size and md5, or, if the download fails, removed with its
 * partial files and the call fails naming why. Without it (our own API's shortcut, kept for scripts and tests that
 * only need a template to exist) the URL is recorded and the image is Ready at once.
 */
public final class Images {
    public static final String ROOT_VOLUME_TEMPLATE = "RootVolumeTemplate";

    private static final Field<String> URL = field("url", String.class);
    private static final Field<String> FORMAT = field("format", String.class);
    private static final Field<String> MEDIA_TYPE = field("media_type", String.class);
    private static final Field<String> PLATFORM = field("platform", String.class);
    private static final Field<Boolean> SYSTEM = field("system_image", Boolean.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<String> STATUS = field("status", String.class);
    private static final Field<Long> SIZE = field("size", Long.class);
    private static final Field<Long> ACTUAL_SIZE = field("actual_size", Long.class);
    private static final Field<String> MD5_SUM = field("md5_sum", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private final ImageStorage storage;

    /** What other packages need to know of an image. */
    public record ImageRecord(String uuid, String name, String mediaType, String platform, boolean system, String state) {
    }

    public Images(DSLContext dsl, Clock clock, Tags tags, ImageStorage storage) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        this.storage = storage;
    }

    public Optional<ImageRecord> find(String uuid) {
        return dsl.select(UUID, NAME, MEDIA_TYPE, PLATFORM, SYSTEM, STATE).from(IMAGE).where(UUID.eq(uuid))
                .fetchOptional(r -> new ImageRecord(r.get(UUID), r.get(NAME), r.get(MEDIA_TYPE), r.get(PLATFORM),
                        r.get(SYSTEM), r.get(STATE)));
    }

    /** A child package's check that an image may be deleted (what of its own was made from it). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    public ImageRecord get(String uuid) {
        return find(uuid).orElseThrow(() -> ApiException.notFound("image", uuid));
    }

    String add(String name, String description, String url, String format, String mediaType, String platform, boolean system,
               List<String> backupStorageUuids) {
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
        if (backupStorageUuids.isEmpty()) {
            dsl.insertInto(IMAGE).columns(UUID, NAME, DESCRIPTION, URL, FORMAT, MEDIA_TYPE, PLATFORM, SYSTEM, STATE, STATUS, SIZE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, url, format, mediaType, platform, system, "Enabled", "Ready", 0L, now, now)
                    .execute();
            return uuid;
        }
        storage.checkTargets(backupStorageUuids, url);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.insertInto(IMAGE).columns(UUID, NAME, DESCRIPTION, URL, FORMAT, MEDIA_TYPE, PLATFORM, SYSTEM, STATE, STATUS, SIZE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, url, format, mediaType, platform, system, "Enabled", "Downloading", 0L, now, now)
                    .execute();
            storage.addRefs(tx, uuid, backupStorageUuids);
        });
        ImageStorage.Stored stored;
        try {
            stored = storage.download(uuid, url, format);
        } catch (RuntimeException e) {
            // nothing of a failed image stays: its files are gone already, its records go now
            storage.remove(uuid);
            dsl.deleteFrom(IMAGE).where(UUID.eq(uuid)).execute();
            throw e;
        }
        dsl.update(IMAGE).set(STATUS, "Ready").set(SIZE, stored.size()).set(ACTUAL_SIZE, stored.actualSize())
                .set(MD5_SUM, stored.md5Sum()).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute();
        return uuid;
    }

    void delete(String uuid) {
        get(uuid);
        refuseWhileUsed(dsl, uuid);
        // the backup storages' records point at the image row, so its copies go first
        storage.remove(uuid);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            refuseWhileUsed(tx, uuid);
            tx.deleteFrom(IMAGE).where(UUID.eq(uuid)).execute();
        });
        tags.deleteAllOf(uuid);
    }

    private void refuseWhileUsed(DSLContext db, String uuid) {
        if (!deletionGuards.collect(db, uuid).isEmpty()) {
            throw ApiException.conflict("image " + uuid + " is used by VMs; destroy them first");
        }
    }

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        types.register("ImageVO", "image");
        registry.register(Inventory.builder("Image", "image")
                .strings("uuid", "name", "description", "url", "format", "mediaType", "platform")
                .field("system", "system_image", FieldType.BOOLEAN)
                .strings("state", "status")
                .field("size", FieldType.LONG)
                .field("actualSize", FieldType.LONG)
                .field("md5Sum", FieldType.STRING)
                .dates()
                .expand(Expansion.inlineMany("backupStorageRefs", "ImageBackupStorageRef", "uuid", "imageUuid", "createDate"))
                .build());
        queries.register("QueryImage", "Image", "images");
        catalogue.register(ApiDefinition.of("AddImage", "Add an image: downloaded onto the backup storages given, else its URL is recorded",
                call -> {
                    String uuid = add(call.string("name"), call.optString("description").orElse(null), call.string("url"),
                            call.string("format"), call.string("mediaType"), call.string("platform"), call.bool("system"),
                            call.list("backupStorageUuids"));
                    return Replies.inventory(queries.inventory("Image", uuid));
                },
                ApiParam.required("name", ParamType.STRING, "image name").withRange(1, 255),
                ApiParam.required("url", ParamType.STRING, "where the image is").withRange(1, 2048),
                ApiParam.optional("format", ParamType.STRING, "disk format").withChoices("qcow2", "raw").withDefault("qcow2"),
                ApiParam.optional("mediaType", ParamType.STRING, "what it is").withChoices(ROOT_VOLUME_TEMPLATE, "ISO").withDefault(ROOT_VOLUME_TEMPLATE),
                ApiParam.optional("platform", ParamType.STRING, "guest OS family").withChoices("Linux", "Windows", "Other").withDefault("Linux"),
                ApiParam.optional("system", ParamType.BOOLEAN, "true: for appliances only, user VMs refuse it").withDefault(false),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine(),
                ApiParam.optional("backupStorageUuids", ParamType.UUID_LIST, "download the image onto these backup storages (http, https or file URL)")
                        .withRange(1, 16),
                // ZStack 5.x clients send these; the guest OS type and architecture are not used here
                ApiParam.optional("guestOsType", ParamType.STRING, "accepted for ZStack's clients, not used").withRange(0, 255),
                ApiParam.optional("architecture", ParamType.STRING, "accepted for ZStack's clients, not used").withRange(0, 32)));
        catalogue.register(ApiDefinition.of("DeleteImage", "Delete an image no VM uses, with its files",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the image")));
        // images are deleted at once (ZStack's Direct policy), so expunging is deleting what is left
        catalogue.register(ApiDefinition.of("ExpungeImage", "Remove an image and its files for good (as DeleteImage here)",
                call -> {
                    delete(call.string("imageUuid"));
                    return Replies.success();
                },
                ApiParam.required("imageUuid", ParamType.UUID, "the image"),
                ApiParam.optional("backupStorageUuids", ParamType.UUID_LIST, "accepted for ZStack's clients: every copy is removed")));
    }
}

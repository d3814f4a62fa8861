package io.vrouter.server.backupstorage;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.image.ImageStorage;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.zone.Zones;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static io.vrouter.server.backupstorage.BackupStorageTables.*;
import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;

/**
 * Backup storages and the images on them. Two kinds:
 * <ul>
 *   <li>{@code SftpBackupStorage}: a directory on this management node's host (ZStack's sftp backup storage keeps
 *       images in a directory of one host; here that host must be this one, reached without ssh). Images are
 *       downloaded into {@code <url>/images/<imageUuid>/}; capacity is the directory's file system's.</li>
 *   <li>{@code SimulatorBackupStorage}: stores nothing; an image on it is Ready at once, capacity as given.</li>
 * </ul>
 */
public final class BackupStorages implements ImageStorage {
    public static final String RESOURCE_TYPE = "BackupStorageVO";
    private static final Logger LOG = LoggerFactory.getLogger(BackupStorages.class);

    /** The kinds of backup storage, by ZStack's type names. */
    enum Kind {
        SIMULATOR("SimulatorBackupStorage"),
        DIRECTORY("SftpBackupStorage");

        final String typeName;

        Kind(String typeName) {
            this.typeName = typeName;
        }

        static Kind of(String typeName) {
            for (Kind k : values()) {
                if (k.typeName.equals(typeName)) {
                    return k;
                }
            }
            throw new IllegalStateException("unknown backup storage type " + typeName);
        }
    }

    /** A backup storage as the image code needs it. */
    private record Storage(String uuid, Kind kind, String url, String state, long available) {
    }

    /** How often, at most, a download's progress is written to its record. */
    private static final long PROGRESS_WRITE_INTERVAL_MS = 250;

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private QueryApis queries;

    public BackupStorages(DSLContext dsl, Clock clock, Tags tags) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
    }

    // ---------------------------------------------------------------- backup storages

    String addDirectory(String name, String description, String hostname, String url) {
        if (!isThisHost(hostname)) {
            throw ApiException.invalidArgument("parameter hostname: '" + hostname + "' is not this management node's host; "
                    + "an sftp backup storage here is a directory of the node's own host (use 127.0.0.1 or localhost)");
        }
        Path dir = Path.of(url);
        if (!dir.isAbsolute()) {
            throw ApiException.invalidArgument("parameter url: '" + url + "' is not an absolute directory path");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ApiException.invalidArgument("parameter url: cannot create or use the directory " + url + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw ApiException.invalidArgument("parameter url: the directory " + url + " is not writable by the management node");
        }
        long[] capacity = capacity(dir);
        return insert(name, description, Kind.DIRECTORY, url, hostname, capacity[0], capacity[1]);
    }

    String addSimulator(String name, String description, String url, long total, long available) {
        if (available > total) {
            throw ApiException.invalidArgument("availableCapacity " + available + " is more than totalCapacity " + total);
        }
        return insert(name, description, Kind.SIMULATOR, url, null, total, available);
    }

    private String insert(String name, String description, Kind kind, String url, String hostname, long total, long available) {
        String uuid = Uuid.random();
        LocalDateTime now = clock.utcNow();
        dsl.insertInto(BS).columns(UUID, NAME, DESCRIPTION, BS_TYPE, URL, HOSTNAME, STATE, STATUS, TOTAL, AVAILABLE, CREATE_DATE, LAST_OP_DATE)
                .values(uuid, name, description, kind.typeName, url, hostname, "Enabled", "Connected", total, available, now, now)
                .execute();
        return uuid;
    }

    private static boolean isThisHost(String hostname) {
        try {
            InetAddress address = InetAddress.getByName(hostname);
            return address.isLoopbackAddress() || address.isAnyLocalAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    /** Total and usable bytes of the file system holding {@code dir}. */
    private static long[] capacity(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return new long[]{store.getTotalSpace(), store.getUsableSpace()};
        } catch (IOException e) {
            throw ApiException.operationFailed("cannot read the capacity of " + dir + ": " + e.getMessage());
        }
    }

    void attachToZone(String bsUuid, String zoneUuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Zones.lockExisting(tx, zoneUuid);
            lockExisting(tx, bsUuid);
            if (tx.fetchExists(ZONE_REF, BS_UUID.eq(bsUuid).and(ZONE_UUID.eq(zoneUuid)))) {
                throw ApiException.conflict("backup storage " + bsUuid + " is already attached to zone " + zoneUuid);
            }
            tx.insertInto(ZONE_REF).columns(BS_UUID, ZONE_UUID, CREATE_DATE).values(bsUuid, zoneUuid, clock.utcNow()).execute();
        });
    }

    void detachFromZone(String bsUuid, String zoneUuid) {
        get(bsUuid);
        int deleted = dsl.deleteFrom(ZONE_REF).where(BS_UUID.eq(bsUuid)).and(ZONE_UUID.eq(zoneUuid)).execute();
        if (deleted == 0) {
            throw ApiException.conflict("backup storage " + bsUuid + " is not attached to zone " + zoneUuid);
        }
    }

    /** A deleted zone's backup storages are detached from it (ZStack's behaviour): they and their images stay. */
    public void registerDeletionCascades(Zones zones) {
        zones.registerDeletionCascade((tx, zoneUuid) -> tx.deleteFrom(ZONE_REF).where(ZONE_UUID.eq(zoneUuid)).execute());
    }

    void delete(String bsUuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockExisting(tx, bsUuid);
            List<String> images = tx.select(IMAGE_UUID).from(IMAGE_REF).where(BS_UUID.eq(bsUuid)).fetch(IMAGE_UUID);
            if (!images.isEmpty()) {
                throw ApiException.conflict("backup storage " + bsUuid + " holds images " + images + "; delete them first");
            }
            tx.deleteFrom(ZONE_REF).where(BS_UUID.eq(bsUuid)).execute();
            tx.deleteFrom(BS).where(UUID.eq(bsUuid)).execute();
        });
        tags.deleteAllOf(bsUuid);
    }

    private static void lockExisting(DSLContext tx, String bsUuid) {
        if (tx.select(UUID).from(BS).where(UUID.eq(bsUuid)).forUpdate().fetchOptional().isEmpty()) {
            throw ApiException.notFound("backup storage", bsUuid);
        }
    }

    private Storage get(String bsUuid) {
        Record r = dsl.select(UUID, BS_TYPE, URL, STATE, AVAILABLE).from(BS).where(UUID.eq(bsUuid)).fetchOne();
        if (r == null) {
            throw ApiException.notFound("backup storage", bsUuid);
        }
        return new Storage(r.get(UUID), Kind.of(r.get(BS_TYPE)), r.get(URL), r.get(STATE), r.get(AVAILABLE));
    }

    // ---------------------------------------------------------------- images on backup storages (ImageStorage)

    @Override
    public void checkTargets(List<String> backupStorageUuids, String url) {
        if (backupStorageUuids.stream().distinct().count() != backupStorageUuids.size()) {
            throw ApiException.invalidArgument("parameter backupStorageUuids names a backup storage twice: " + backupStorageUuids);
        }
        boolean anyDirectory = false;
        for (String uuid : backupStorageUuids) {
            Storage s = get(uuid);
            if (!s.state().equals("Enabled")) {
                throw ApiException.conflict("backup storage " + uuid + " is " + s.state() + "; enable it first");
            }
            anyDirectory |= s.kind() == Kind.DIRECTORY;
        }
        String scheme = URI.create(url).getScheme().toLowerCase(Locale.ROOT);
        if (anyDirectory && !List.of("http", "https", "file").contains(scheme)) {
            throw ApiException.invalidArgument("parameter url: cannot download '" + url + "'; use an http://, https:// or file:// URL");
        }
    }

    @Override
    public void addRefs(DSLContext tx, String imageUuid, List<String> backupStorageUuids) {
        LocalDateTime now = clock.utcNow();
        for (String bsUuid : backupStorageUuids) {
            tx.insertInto(IMAGE_REF).columns(IMAGE_UUID, BS_UUID, INSTALL_PATH, STATUS, PROGRESS, CREATE_DATE, LAST_OP_DATE)
                    .values(imageUuid, bsUuid, null, "Downloading", 0, now, now).execute();
        }
    }

    @Override
    public Stored download(String imageUuid, String url, String format) {
        List<Storage> targets = dsl.select(BS_UUID).from(IMAGE_REF).where(IMAGE_UUID.eq(imageUuid)).fetch(BS_UUID)
                .stream().map(this::get).toList();
        Path first = null;
        ImageFetcher.Fetched fetched = null;
        for (Storage target : targets) {
            String installPath;
            if (target.kind() == Kind.SIMULATOR) {
                installPath = "simulator://" + imageUuid;
            } else {
                Path file = imageDir(target, imageUuid).resolve(imageUuid + "." + format);
                if (first == null) {
                    long[] lastWrite = {0};
                    fetched = ImageFetcher.fetch(url, file, target.available(), percent -> {
                        long now = System.currentTimeMillis();
                        if (percent == 100 || now - lastWrite[0] >= PROGRESS_WRITE_INTERVAL_MS) {
                            lastWrite[0] = now;
                            dsl.update(IMAGE_REF).set(PROGRESS, percent).where(IMAGE_UUID.eq(imageUuid)).execute();
                        }
                    });
                    first = file;
                } else {
                    copy(first, file, url);
                }
                installPath = file.toString();
            }
            dsl.update(IMAGE_REF).set(INSTALL_PATH, installPath).set(STATUS, "Ready").set(PROGRESS, 100)
                    .set(LAST_OP_DATE, clock.utcNow())
                    .where(IMAGE_UUID.eq(imageUuid)).and(BS_UUID.eq(target.uuid())).execute();
            refreshCapacity(target);
        }
        // the file is stored as fetched, so its virtual size is its size (no qcow2 header is read)
        return fetched == null ? new Stored(0, 0, null) : new Stored(fetched.bytes(), fetched.bytes(), fetched.md5());
    }

    private static void copy(Path from, Path to, String url) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (IOException e) {
            throw ApiException.operationFailed("copying the image of " + url + " to " + to + " failed: " + e.getMessage());
        }
    }

    @Override
    public void remove(String imageUuid) {
        List<String> bsUuids = dsl.select(BS_UUID).from(IMAGE_REF).where(IMAGE_UUID.eq(imageUuid)).fetch(BS_UUID);
        for (String bsUuid : bsUuids) {
            Storage s = get(bsUuid);
            if (s.kind() == Kind.DIRECTORY) {
                deleteTree(imageDir(s, imageUuid));
                refreshCapacity(s);
            }
        }
        dsl.deleteFrom(IMAGE_REF).where(IMAGE_UUID.eq(imageUuid)).execute();
    }

    private static Path imageDir(Storage storage, String imageUuid) {
        return Path.of(storage.url(), "images", imageUuid);
    }

    private void refreshCapacity(Storage storage) {
        if (storage.kind() != Kind.DIRECTORY) {
            return;
        }
        long[] capacity = capacity(Path.of(storage.url()));
        dsl.update(BS).set(TOTAL, capacity[0]).set(AVAILABLE, capacity[1]).where(UUID.eq(storage.uuid())).execute();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(ImageFetcher::quietlyDelete);
        } catch (IOException e) {
            LOG.warn("cannot remove the image directory {}: {}", dir, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- APIs

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries, ResourceTypes types) {
        this.queries = queries;
        types.register(RESOURCE_TYPE, "backup_storage");
        registry.register(Inventory.builder("BackupStorageZoneRef", "backup_storage_zone_ref").primaryKey("zoneUuid")
                .strings("backupStorageUuid", "zoneUuid")
                .field("createDate", FieldType.TIMESTAMP)
                .build());
        registry.register(Inventory.builder("ImageBackupStorageRef", "image_backup_storage_ref").primaryKey("backupStorageUuid")
                .strings("imageUuid", "backupStorageUuid", "installPath", "status")
                .field("downloadProgress", FieldType.INTEGER)
                .dates()
                .build());
        registry.register(Inventory.builder("BackupStorage", "backup_storage")
                .strings("uuid", "name", "description", "url", "hostname", "state", "status")
                .field("type", "bs_type", FieldType.STRING)
                .field("totalCapacity", FieldType.LONG)
                .field("availableCapacity", FieldType.LONG)
                .dates()
                .expand(Expansion.inlineValues("attachedZoneUuids", "BackupStorageZoneRef", "uuid", "backupStorageUuid",
                        "zoneUuid", "createDate"))
                .expand(Expansion.many("imageRefs", "ImageBackupStorageRef", "uuid", "backupStorageUuid"))
                .build());
        queries.register("QueryBackupStorage", "BackupStorage", "backup-storage");

        catalogue.register(new ApiDefinition("AddSftpBackupStorage",
                "Add a backup storage that keeps images in a directory (url) of this management node's host",
                withCommon(List.of(
                        ApiParam.required("hostname", ParamType.STRING, "this node's host: 127.0.0.1, localhost or one of its addresses").withRange(1, 255),
                        // ZStack's clients send ssh credentials; the directory is local, so they are not used or stored
                        ApiParam.optional("username", ParamType.STRING, "accepted for ZStack's clients, not used").withRange(0, 255),
                        ApiParam.optional("password", ParamType.STRING, "accepted for ZStack's clients, not used or stored").withRange(0, 255),
                        ApiParam.optional("sshPort", ParamType.INTEGER, "accepted for ZStack's clients, not used").withRange(1, 65535))),
                call -> created(addDirectory(call.string("name"), call.optString("description").orElse(null),
                        call.string("hostname"), call.string("url"))),
                true, List.of()));
        catalogue.register(new ApiDefinition("AddSimulatorBackupStorage", "Add a Simulator backup storage (stores nothing)",
                withCommon(List.of(
                        ApiParam.optional("totalCapacity", ParamType.LONG, "bytes reported as total").withRange(0, Long.MAX_VALUE).withDefault(1L << 40),
                        ApiParam.optional("availableCapacity", ParamType.LONG, "bytes reported as available").withRange(0, Long.MAX_VALUE).withDefault(1L << 40))),
                call -> created(addSimulator(call.string("name"), call.optString("description").orElse(null), call.string("url"),
                        call.longValue("totalCapacity"), call.longValue("availableCapacity"))),
                true, List.of()));
        catalogue.register(ApiDefinition.of("AttachBackupStorageToZone", "Make a backup storage usable in a zone",
                call -> {
                    attachToZone(call.string("backupStorageUuid"), call.string("zoneUuid"));
                    return Replies.inventory(queries.inventory("BackupStorage", call.string("backupStorageUuid")));
                },
                ApiParam.required("backupStorageUuid", ParamType.UUID, "the backup storage"),
                ApiParam.required("zoneUuid", ParamType.UUID, "the zone")));
        catalogue.register(ApiDefinition.of("DetachBackupStorageFromZone", "Stop using a backup storage in a zone",
                call -> {
                    detachFromZone(call.string("backupStorageUuid"), call.string("zoneUuid"));
                    return Replies.inventory(queries.inventory("BackupStorage", call.string("backupStorageUuid")));
                },
                ApiParam.required("backupStorageUuid", ParamType.UUID, "the backup storage"),
                ApiParam.required("zoneUuid", ParamType.UUID, "the zone")));
        catalogue.register(ApiDefinition.of("DeleteBackupStorage", "Delete a backup storage that holds no image",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the backup storage")));
    }

    private static List<ApiParam> withCommon(List<ApiParam> specific) {
        List<ApiParam> params = new java.util.ArrayList<>(List.of(
                ApiParam.required("name", ParamType.STRING, "backup storage name").withRange(1, 255),
                ApiParam.required("url", ParamType.STRING, "the directory (sftp) or any text (Simulator)").withRange(1, 2048),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048),
                ApiParam.optional("type", ParamType.STRING, "accepted for ZStack's clients; the API names the type").withRange(0, 64),
                ApiParam.optional("importImages", ParamType.BOOLEAN, "accepted for ZStack's clients; nothing is imported").withDefault(false)));
        params.addAll(specific);
        return params;
    }

    private Replies.InventoryReply created(String uuid) {
        return Replies.inventory(queries.inventory("BackupStorage", uuid));
    }
}

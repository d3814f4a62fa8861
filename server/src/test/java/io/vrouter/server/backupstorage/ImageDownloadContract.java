package io.vrouter.server.backupstorage;

import io.vrouter.client.ApiReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vrouter.client.ApiClient;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images downloaded onto a directory backup storage from a loopback HTTP server this test runs and from a file URL:
 * Downloading with progress while it runs, then Ready with size and md5 and the file in place; a 404 and a transfer
 * killed midway fail with the reason and leave neither a record nor a file; DeleteImage removes the file.
 */
abstract class ImageDownloadContract extends NodeContract {
    private static final byte[] IMAGE = new byte[3 << 20];
    private static final int SLOW_CHUNK = 64 << 10;

    private HttpServer server;
    private String base;
    private Path storageDir;

    static {
        new Random(17).nextBytes(IMAGE);
    }

    @BeforeAll
    void startImageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/image.qcow2", ex -> {
            ex.sendResponseHeaders(200, IMAGE.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(IMAGE);
            }
        });
        server.createContext("/slow.qcow2", ex -> {
            ex.sendResponseHeaders(200, IMAGE.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (int off = 0; off < IMAGE.length; off += SLOW_CHUNK) {
                    out.write(IMAGE, off, SLOW_CHUNK);
                    out.flush();
                    sleep(40);
                }
            }
        });
        server.createContext("/broken.qcow2", ex -> {
            // promises the whole image, sends a sixth and hangs up: a download killed midway
            ex.sendResponseHeaders(200, IMAGE.length);
            OutputStream out = ex.getResponseBody();
            out.write(IMAGE, 0, IMAGE.length / 6);
            out.flush();
            ex.close();
        });
        server.createContext("/missing.qcow2", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        storageDir = Files.createTempDirectory("vrouter-bs-");
    }

    @AfterAll
    void stopImageServer() throws IOException {
        server.stop(0);
        try (Stream<Path> files = Files.walk(storageDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private String directoryStorage() {
        JsonNode bs = admin.ok("AddSftpBackupStorage", Map.of("name", Infra.unique("bs"), "hostname", "127.0.0.1",
                "username", "root", "password", "unused", "url", storageDir.toString())).get("inventory");
        assertThat(bs.get("type").asText()).isEqualTo("SftpBackupStorage");
        assertThat(bs.get("totalCapacity").asLong()).isPositive();
        assertThat(bs.get("availableCapacity").asLong()).isPositive().isLessThanOrEqualTo(bs.get("totalCapacity").asLong());
        return bs.get("uuid").asText();
    }

    private ApiReply addImage(String name, String url, String bs) {
        return admin.call("AddImage", Map.of("name", name, "url", url, "format", "qcow2", "backupStorageUuids", List.of(bs)));
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private void assertReady(JsonNode image, String bs) throws Exception {
        assertThat(image.get("status").asText()).isEqualTo("Ready");
        assertThat(image.get("size").asLong()).isEqualTo(IMAGE.length);
        assertThat(image.get("actualSize").asLong()).isEqualTo(IMAGE.length);
        assertThat(image.get("md5Sum").asText()).isEqualTo(md5(IMAGE));
        JsonNode ref = image.get("backupStorageRefs").get(0);
        assertThat(ref.get("backupStorageUuid").asText()).isEqualTo(bs);
        assertThat(ref.get("status").asText()).isEqualTo("Ready");
        assertThat(ref.get("downloadProgress").asInt()).isEqualTo(100);
        Path file = Path.of(ref.get("installPath").asText());
        assertThat(file).startsWith(storageDir);
        assertThat(Files.readAllBytes(file)).isEqualTo(IMAGE);
    }

    private List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void anHttpImageIsDownloadedWithItsSizeAndMd5AndDeletingItRemovesTheFile() throws Exception {
        String bs = directoryStorage();
        ApiReply r = addImage(Infra.unique("http-image"), base + "/image.qcow2", bs);
        assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
        assertReady(r.inventory(), bs);
        Path file = Path.of(r.inventory().get("backupStorageRefs").get(0).get("installPath").asText());

        admin.ok("DeleteImage", Map.of("uuid", r.inventory().get("uuid").asText()));
        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    void aFileUrlIsCopiedTheSameWay() throws Exception {
        String bs = directoryStorage();
        Path source = Files.createTempFile("vrouter-image-", ".qcow2");
        try {
            Files.write(source, IMAGE);
            ApiReply r = addImage(Infra.unique("file-image"), source.toUri().toString(), bs);
            assertThat(r.status()).as("%s", r.body()).isEqualTo(200);
            assertReady(r.inventory(), bs);
            admin.ok("ExpungeImage", Map.of("imageUuid", r.inventory().get("uuid").asText()));
            assertThat(filesUnder(storageDir)).isEmpty();
        } finally {
            Files.deleteIfExists(source);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void progressIsVisibleWhileTheImageDownloads() throws Exception {
        String bs = directoryStorage();
        String name = Infra.unique("slow-image");
        CompletableFuture<ApiReply> adding = CompletableFuture.supplyAsync(() -> addImage(name, base + "/slow.qcow2", bs));
        int seenProgress = -1;
        while (!adding.isDone()) {
            JsonNode images = admin.ok("QueryImage", Map.of("conditions", List.of(Infra.cond("name", "=", name)))).get("inventories");
            if (!images.isEmpty() && images.get(0).get("status").asText().equals("Downloading")) {
                int progress = images.get(0).get("backupStorageRefs").get(0).get("downloadProgress").asInt();
                if (progress > 0 && progress < 100) {
                    seenProgress = progress;
                }
            }
            sleep(100);
        }
        assertThat(seenProgress).as("a progress between 0 and 100 seen while Downloading").isBetween(1, 99);
        assertReady(adding.get().inventory(), bs);
    }

    @Test
    void a404IsRefusedAndLeavesNothing() throws IOException {
        String bs = directoryStorage();
        String name = Infra.unique("missing-image");
        Infra.assertError(addImage(name, base + "/missing.qcow2", bs), 400, "SYS.1007",
                "parameter url: " + base + "/missing.qcow2 cannot be downloaded: the server answered HTTP 404");
        assertNothingLeft(name);
    }

    @Test
    void aDownloadKilledMidwayFailsAndLeavesNothing() throws IOException {
        String bs = directoryStorage();
        String name = Infra.unique("broken-image");
        ApiReply r = addImage(name, base + "/broken.qcow2", bs);
        assertThat(r.errorCode()).as("%s", r.body()).isEqualTo("SYS.1006");
        assertThat(r.errorDetails()).startsWith("downloading the image from " + base + "/broken.qcow2 failed: the transfer broke off after ");
        assertNothingLeft(name);
    }

    @Test
    void aUrlThatCannotBeDownloadedIsRefusedBeforeAnythingIsWritten() throws IOException {
        String bs = directoryStorage();
        String name = Infra.unique("ftp-image");
        Infra.assertError(addImage(name, "ftp://example.invalid/i.qcow2", bs), 400, "SYS.1007",
                "parameter url: cannot download 'ftp://example.invalid/i.qcow2'; use an http://, https:// or file:// URL");
        Infra.assertError(addImage(name, "file:///no/such/image.qcow2", bs), 400, "SYS.1007",
                "parameter url: file:///no/such/image.qcow2 cannot be downloaded: no such file /no/such/image.qcow2");
        assertNothingLeft(name);
        Infra.assertError(admin.call("AddSftpBackupStorage", Map.of("name", "far", "hostname", "192.0.2.1", "url", storageDir.toString())),
                400, "SYS.1007", "parameter hostname: '192.0.2.1' is not this management node's host; an sftp backup storage here is a"
                        + " directory of the node's own host (use 127.0.0.1 or localhost)");
    }

    @Test
    void backupStoragesAttachToZonesAndRefuseDeletionWhileHoldingImages() {
        String bs = directoryStorage();
        String zone = infra.zone();
        JsonNode attached = admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs, "zoneUuid", zone)).get("inventory");
        assertThat(attached.get("attachedZoneUuids").toString()).isEqualTo("[\"" + zone + "\"]");
        Infra.assertError(admin.call("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs, "zoneUuid", zone)), 409, "SYS.1008",
                "backup storage " + bs + " is already attached to zone " + zone);
        assertThat(infra.query("QueryBackupStorage", Infra.cond("uuid", "=", bs)).get(0).get("attachedZoneUuids").get(0).asText())
                .isEqualTo(zone);
        String image = addImage(Infra.unique("held"), base + "/image.qcow2", bs).inventory().get("uuid").asText();
        Infra.assertError(admin.call("DeleteBackupStorage", Map.of("uuid", bs)), 409, "SYS.1008",
                "backup storage " + bs + " holds images [" + image + "]; delete them first");
        admin.ok("DeleteImage", Map.of("uuid", image));
        admin.ok("DetachBackupStorageFromZone", Map.of("backupStorageUuid", bs, "zoneUuid", zone));
        admin.ok("DeleteBackupStorage", Map.of("uuid", bs));
        assertThat(infra.query("QueryBackupStorage", Infra.cond("uuid", "=", bs))).isEmpty();
    }

    @Test
    void backupStoragesAreFoundByTheZonesTheyAreAttachedTo() {
        String bs1 = directoryStorage();
        String bs2 = directoryStorage();
        String zone1 = infra.zone();
        String zone2 = infra.zone();
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs1, "zoneUuid", zone1));
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs2, "zoneUuid", zone1));
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs2, "zoneUuid", zone2));
        assertThat(uuids(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", zone1))))
                .containsExactlyInAnyOrder(bs1, bs2);
        assertThat(uuids(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", zone2)))).containsExactly(bs2);
        assertThat(uuids(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "in", zone2 + "," + Infra.MISSING))))
                .containsExactly(bs2);
        assertThat(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", Infra.MISSING))).isEmpty();
        // the whole inventory still shows every zone of a storage found through one of them
        assertThat(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", zone2)).get(0).get("attachedZoneUuids"))
                .hasSize(2);
    }

    @Test
    void deletingAZoneDetachesItsBackupStorages() {
        String bs = directoryStorage();
        String zone = infra.zone();
        String otherZone = infra.zone();
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs, "zoneUuid", zone));
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs, "zoneUuid", otherZone));
        admin.ok("DeleteZone", Map.of("uuid", zone));
        JsonNode storage = infra.query("QueryBackupStorage", Infra.cond("uuid", "=", bs)).get(0);
        assertThat(storage.get("attachedZoneUuids").toString()).isEqualTo("[\"" + otherZone + "\"]");
        assertThat(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", zone))).isEmpty();

        // a refused deletion detaches nothing
        String busyZone = infra.zone();
        admin.ok("AttachBackupStorageToZone", Map.of("backupStorageUuid", bs, "zoneUuid", busyZone));
        infra.cluster(busyZone);
        assertThat(admin.call("DeleteZone", Map.of("uuid", busyZone)).status()).isEqualTo(409);
        assertThat(uuids(infra.query("QueryBackupStorage", Infra.cond("attachedZoneUuids", "=", busyZone)))).containsExactly(bs);
    }

    private static List<String> uuids(JsonNode inventories) {
        List<String> uuids = new java.util.ArrayList<>();
        inventories.forEach(i -> uuids.add(i.get("uuid").asText()));
        return uuids;
    }

    private void assertNothingLeft(String imageName) throws IOException {
        assertThat(infra.query("QueryImage", Infra.cond("name", "=", imageName))).isEmpty();
        assertThat(filesUnder(storageDir)).isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.vrouter.server.db;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations by owner without breaking the databases the delivery-step files created: the baseline files stay
 * byte for byte as applied (Flyway validates their checksums at every start), and a database migrated by them alone
 * takes a new migration from an owner's folder and keeps its rows.
 */
class BaselineMigrationsTest {
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** SHA-256 of the files applied on existing installations; changing one breaks their next start. */
    private static final Map<String, String> BASELINE = Map.of(
            "V1__foundation.sql", "fc2ec6c546847b6a807e5d3c13f1681afa2ee3a38a574bbd95b26f39dc4ac7b6",
            "V2__resources.sql", "75cebacf442a1505650d0e914f231afe3ce4803dcd2e04a5e7b189cb3a01ed60",
            "V4__network_services.sql", "edba605084ae2e01506eaf16c0424dcca3dcb0c645629301cd9a3c4be29c07a7",
            "V5__vip_eip_portforwarding.sql", "6adb06c544472b0626fb83f029049d4b8c088ed2e804012cf23098787bfbc131");

    @Test
    void theBaselineFilesAreUnchanged() throws Exception {
        Map<String, String> found = new TreeMap<>();
        for (String name : BASELINE.keySet()) {
            byte[] bytes = Files.readAllBytes(MIGRATIONS.resolve(name));
            found.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
        assertThat(found).as("baseline migrations are applied on existing databases: add a migration in the owner's folder instead")
                .isEqualTo(new TreeMap<>(BASELINE));
    }

    @Test
    void aDatabaseMigratedByTheBaselineTakesAnOwnersMigrationAndKeepsItsRows(@TempDir Path dir) throws Exception {
        String url = Database.h2FileUrl(dir.resolve("db"));
        // the installation as it was: only the delivery-step files
        Path baseline = dir.resolve("baseline");
        Files.createDirectories(baseline);
        for (String name : BASELINE.keySet()) {
            Files.copy(MIGRATIONS.resolve(name), baseline.resolve(name));
        }
        Flyway.configure().dataSource(url, null, null).locations("filesystem:" + baseline).load().migrate();
        try (Database db = Database.open(url, null, null, 2)) {
            db.dsl().execute("insert into zone (uuid, name, state, zone_type, create_date, last_op_date)"
                    + " values ('00000000000000000000000000000001', 'kept', 'Enabled', 'zstack', now(), now())");
        }
        // the new layout: the product's files (opening the database above applied its owners' migrations too)
        // plus one more migration in an owner's folder
        Path owned = dir.resolve("owned");
        copySqlTree(MIGRATIONS, owned);
        Files.createDirectories(owned.resolve("zone"));
        Files.writeString(owned.resolve("zone").resolve("V90__zone_name_index.sql"), "CREATE INDEX zone_name_probe ON zone (name);\n");
        var result = Flyway.configure().dataSource(url, null, null).locations("filesystem:" + owned).load().migrate();
        assertThat(result.migrationsExecuted).isEqualTo(1);
        try (Database db = Database.open(url, null, null, 2)) { // the product's own layout validates the same history
            assertThat(db.dsl().fetchValue("select name from zone where uuid = '00000000000000000000000000000001'")).isEqualTo("kept");
        }
    }

    private static void copySqlTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }
}

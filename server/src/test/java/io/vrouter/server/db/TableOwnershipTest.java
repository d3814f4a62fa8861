package io.vrouter.server.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every table has one owner: the package named for it in the migration folder's README. This test reads that map
 * and the management node's sources, and fails when a class names a table (a jOOQ table, SQL text, an inventory or
 * a resource type) outside the table's owning package, when a jOOQ table is declared outside the package's
 * {@code *Tables} class, or when a migration creates a table the map does not name.
 */
class TableOwnershipTest {
    private static final Path SOURCES = Path.of("src/main/java/io/vrouter/server");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** Tools that seed or read rows for measuring, not part of the management node (they leave the product). */
    private static final Set<String> NOT_THE_NODE = Set.of("bench", "demo");
    /**
     * Generic machinery that names tables only as data handed to it by their owners: the query engine (inventories
     * name their table) and the tag package's resource-type existence check (owners register their table).
     */
    private static final Set<String> TABLE_AGNOSTIC = Set.of("query/QueryEngine.java", "query/Inventory.java", "tag/ResourceTypes.java");

    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** A string literal that is (part of) SQL text, not a message that happens to say "from cluster". */
    private static final Pattern SQL_TEXT = Pattern.compile("\\b(?:select|join|exists|insert into|delete from)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern SQL_TABLE = Pattern.compile("\\b(?:from|join|update|into|table)\\s+([a-z_][a-z0-9_]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern JOOQ_TABLE = Pattern.compile("DSL\\.table\\(\\s*DSL\\.unquotedName\\(\\s*\"([a-z_0-9]+)\"");
    private static final Pattern INVENTORY = Pattern.compile("Inventory\\.builder\\([^,]+,\\s*\"([a-z_0-9]+)\"");
    private static final Pattern RESOURCE_TYPE = Pattern.compile("\\.register\\(\\s*(?:\"[^\"]*\"|[A-Za-z_.]+)\\s*,\\s*\"([a-z_0-9]+)\"\\s*\\)");
    private static final Pattern CREATED = Pattern.compile("CREATE\\s+(?:TABLE|VIEW)\\s+([a-z_0-9]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern OWNER_ROW = Pattern.compile("^\\|\\s*`([a-z_0-9]+)`\\s*\\|\\s*`([a-z0-9]+)`\\s*\\|", Pattern.MULTILINE);

    static Map<String, String> owners() throws IOException {
        Map<String, String> owners = new LinkedHashMap<>();
        Matcher m = OWNER_ROW.matcher(Files.readString(MIGRATIONS.resolve("README.md")));
        while (m.find()) {
            owners.put(m.group(1), m.group(2));
        }
        return owners;
    }

    @Test
    void everyTableAndViewAMigrationCreatesHasAnOwnerWhosePackageExists() throws IOException {
        Map<String, String> owners = owners();
        Set<String> created = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MIGRATIONS)) {
            for (Path sql : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher m = CREATED.matcher(Files.readString(sql));
                while (m.find()) {
                    created.add(m.group(1).toLowerCase());
                }
            }
        }
        assertThat(created).isNotEmpty();
        assertThat(owners.keySet()).containsAll(created);
        owners.values().forEach(pkg -> assertThat(SOURCES.resolve(pkg)).as("owner package " + pkg).isDirectory());
    }

    @Test
    void noClassNamesAnotherPackagesTable() throws IOException {
        Map<String, String> owners = owners();
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String relative = SOURCES.relativize(file).toString().replace('\\', '/');
            String pkg = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
            if (NOT_THE_NODE.contains(pkg) || TABLE_AGNOSTIC.contains(relative)) {
                continue;
            }
            String code = Files.readString(file);
            Set<String> named = new TreeSet<>();
            Matcher literal = STRING_LITERAL.matcher(code);
            while (literal.find()) {
                if (!SQL_TEXT.matcher(literal.group(1)).find()) {
                    continue;
                }
                Matcher sql = SQL_TABLE.matcher(literal.group(1));
                while (sql.find()) {
                    named.add(sql.group(1).toLowerCase());
                }
            }
            for (Pattern p : List.of(JOOQ_TABLE, INVENTORY, RESOURCE_TYPE)) {
                Matcher m = p.matcher(code);
                while (m.find()) {
                    if (m.group(1) != null) {
                        named.add(m.group(1));
                    }
                }
            }
            for (String table : named) {
                String owner = owners.get(table);
                if (owner != null && !owner.equals(pkg)) {
                    violations.add(relative + " names " + table + " (owned by " + owner + ")");
                }
            }
            if (JOOQ_TABLE.matcher(code).find() && !relative.endsWith("Tables.java")) {
                violations.add(relative + " declares a jOOQ table outside its package's *Tables class");
            }
        }
        assertThat(violations).as("tables named outside their owner").isEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

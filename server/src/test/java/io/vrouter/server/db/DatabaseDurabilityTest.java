package io.vrouter.server.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded database keeps every commit it acknowledged when the management node is SIGKILLed: the node
 * reconciles hosts and routers with what the database says, so a commit lost after its effect happened (a namespace
 * made, a router claimed) would leave the two disagreeing.
 */
@Timeout(120)
class DatabaseDurabilityTest {

    @Test
    void h2_killedRightAfterACommit_keepsIt(@TempDir Path dir) throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                acknowledged = Integer.parseInt(line.trim());
                if (acknowledged >= 50) {
                    writer.destroyForcibly(); // SIGKILL, a few milliseconds after the 50th commit returned
                    break;
                }
            }
        } finally {
            writer.destroyForcibly().waitFor();
        }
        assertThat(acknowledged).as("commits the writer acknowledged before it was killed").isGreaterThanOrEqualTo(50);

        try (Database db = Database.open(Database.h2FileUrl(dir), null, null, 2)) {
            int kept = db.dsl().fetchCount(db.dsl().selectFrom(org.jooq.impl.DSL.table("durability_probe")));
            assertThat(kept).as("rows of the %d acknowledged commits found after the kill", acknowledged).isGreaterThanOrEqualTo(acknowledged);
        }
    }

    /** The killed process: one row per transaction, each acknowledged on stdout after its commit returned. */
    public static final class Writer {
        public static void main(String[] args) {
            Database db = Database.open(Database.h2FileUrl(Path.of(args[0])), null, null, 2);
            db.dsl().execute("create table durability_probe (n int primary key)");
            for (int n = 1; ; n++) {
                db.dsl().execute("insert into durability_probe values (" + n + ")");
                System.out.println(n);
                System.out.flush();
            }
        }
    }
}

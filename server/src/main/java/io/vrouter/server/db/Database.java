package io.vrouter.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderNameCase;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

import java.nio.file.Path;

/**
 * The management node's database: a HikariCP pool, Flyway migrations applied at open, and a jOOQ context.
 *
 * <p>The same migrations run on the embedded H2 file database and on PostgreSQL. Names are rendered unquoted
 * so that H2 (which folds unquoted names to upper case) and PostgreSQL (lower case) both find the tables the
 * migrations created with unquoted names.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final SQLDialect dialect;
    private final String url;

    static {
        // jOOQ prints a banner and tips at first use; a server log has no place for them
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private Database(HikariDataSource dataSource, SQLDialect dialect, String url) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.url = url;
        Settings settings = new Settings()
                .withRenderQuotedNames(RenderQuotedNames.NEVER)
                .withRenderNameCase(RenderNameCase.AS_IS)
                .withExecuteLogging(false);
        this.dsl = DSL.using(dataSource, dialect, settings);
    }

    /** The embedded default: an H2 file database in the data directory. */
    public static String h2FileUrl(Path dataDir) {
        // DB_CLOSE_ON_EXIT=FALSE: the node closes the database itself after the last request has finished.
        // WRITE_DELAY=0: H2 has no redo log; by default it writes commits out up to 500 ms later, so a killed node
        // would forget what it acknowledged (and what it already did to hosts and routers). Written at each commit,
        // a commit survives the process.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("vrouter") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }

    /** Opens the pool and brings the schema up to date. Credentials may be part of the URL or given here. */
    public static Database open(String jdbcUrl, String user, String password, int maxPoolSize) {
        SQLDialect dialect = dialectOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(maxPoolSize);
        config.setPoolName("vrouter-db");
        config.setConnectionTimeout(30_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new IllegalStateException("cannot migrate the database at " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
        return new Database(dataSource, dialect, jdbcUrl);
    }

    static SQLDialect dialectOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return SQLDialect.H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return SQLDialect.POSTGRES;
        }
        throw new IllegalArgumentException("unsupported database URL " + redact(jdbcUrl)
                + ": use jdbc:h2:... (embedded) or jdbc:postgresql://host:port/db");
    }

    /** The URL without a password, for logs and errors. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    public DSLContext dsl() {
        return dsl;
    }

    public SQLDialect dialect() {
        return dialect;
    }

    public String describe() {
        return redact(url);
    }

    @Override
    public void close() {
        if (dialect == SQLDialect.H2) {
            // compact and close the file cleanly so the next start does not replay a log
            try {
                dsl.execute("SHUTDOWN");
            } catch (RuntimeException ignored) {
                // already closed by another path; the pool close below is what matters
            }
        }
        dataSource.close();
    }
}

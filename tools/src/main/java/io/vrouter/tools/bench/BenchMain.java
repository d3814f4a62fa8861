package io.vrouter.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;

/**
 * {@code ./vrouter bench NAME [--flag value ...]}: runs one benchmark of the management node and prints its
 * result table. Sizes default to the issues' sizes; smaller ones make a quick run. A size may be written with
 * separators ({@code 100_000}, {@code 1,000}).
 */
@Command(name = "vrouter bench", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, synopsisSubcommandLabel = "NAME",
        description = "Runs one benchmark of the management node (see docs/benchmarks.md).",
        footer = "--db names an EMPTY database (PostgreSQL); the default is an embedded H2 file database in a temp directory.")
public final class BenchMain implements Runnable {
    private static final String DB = "an EMPTY PostgreSQL database (default: embedded H2 in a temp directory)";

    @Spec
    private CommandSpec spec;

    private final PrintStream out;

    BenchMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        int code = commandLine(System.out).execute(args);
        // the node's non-daemon threads are closed; exit explicitly so a stray HTTP client thread cannot hold the JVM
        System.exit(code);
    }

    static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new BenchMain(out));
    }

    /** Without a benchmark name: the usage, as a mistake. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a benchmark: query, create-vms, routers, rules, zstack-walk or deadhost");
    }

    @Command(name = "query", description = "QueryVmInstance and the REST query over many VMs")
    int query(@Option(names = "--vms", defaultValue = "100000", converter = Size.class) int vms,
              @Option(names = "--runs", defaultValue = "200", converter = Size.class) int runs,
              @Option(names = "--page-runs", defaultValue = "30", converter = Size.class) int pageRuns,
              @Option(names = "--warmup", defaultValue = "20", converter = Count.class) int warmup,
              @Option(names = "--batch", defaultValue = "2000", converter = Size.class) int batch,
              @Option(names = "--seed", defaultValue = "1") long seed,
              @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        atLeast("--vms", vms, 1_000);
        return timed("query", new QueryBench(vms, runs, pageRuns, warmup, batch, seed, db, out)::run);
    }

    @Command(name = "create-vms", description = "concurrent CreateVmInstance through the API")
    int createVms(@Option(names = "--vms", defaultValue = "1000", converter = Size.class) int vms,
                  @Option(names = "--threads", defaultValue = "100", converter = Size.class) int threads,
                  @Option(names = "--small-ips", defaultValue = "5", converter = Size.class) int smallIps,
                  @Option(names = "--small-vms", defaultValue = "10", converter = Size.class) int smallVms,
                  @Option(names = "--warmup", defaultValue = "20", converter = Count.class) int warmup,
                  @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        return timed("create-vms", new CreateVmsBench(vms, threads, smallIps, smallVms, warmup, db, out)::run);
    }

    @Command(name = "routers", description = "many virtual routers: creation, node restart, reconnect")
    int routers(@Option(names = "--l3s", defaultValue = "1000", converter = Size.class) int l3s,
                @Option(names = "--vms", defaultValue = "10", converter = Size.class) int vms,
                @Option(names = "--threads", defaultValue = "32", converter = Size.class) int threads,
                @Option(names = "--wait-s", defaultValue = "900", converter = Size.class) int waitSeconds,
                @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        return timed("routers", new RoutersBench(l3s, vms, threads, waitSeconds, db, out)::run);
    }

    @Command(name = "rules", description = "EIP and port-forwarding rule changes on one router")
    int rules(@Option(names = "--eips", defaultValue = "1000", converter = Size.class) int eips,
              @Option(names = "--rules", defaultValue = "10000", converter = Size.class) int rules,
              @Option(names = "--rule-vips", defaultValue = "10", converter = Size.class) int ruleVips,
              @Option(names = "--threads", defaultValue = "16", converter = Size.class) int threads,
              @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        return timed("rules", new RulesBench(eips, rules, ruleVips, threads, db, out)::run);
    }

    @Command(name = "zstack-walk", description = "the seed walk through ZStack's RPC envelope, timed call by call, against /v1/api")
    int zstackWalk(@Option(names = "--rounds", defaultValue = "5", converter = Size.class) int rounds,
                   @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        return timed("zstack-walk", new ZStackWalkBench(rounds, db, out)::run);
    }

    @Command(name = "deadhost", description = "a host dies with its routers: time to confirm it dead and to have every router back elsewhere")
    int deadhost(@Option(names = "--routers", defaultValue = "1,10", split = ",", description = "routers on the dying host, one size per run group") List<Integer> routers,
                 @Option(names = "--runs", defaultValue = "3", converter = Size.class) int runs,
                 @Option(names = "--confirm-s", defaultValue = "5", converter = Size.class, description = "hostFailure/confirm.time (the product's default: 5)") int confirm,
                 @Option(names = "--probe-s", defaultValue = "1", converter = Size.class, description = "hostFailure/probe.interval (the product's default: 1)") int probe,
                 @Option(names = "--db", paramLabel = "JDBC_URL", description = DB) String db) {
        routers.forEach(n -> atLeast("--routers", n, 1));
        return timed("deadhost", new DeadHostBench(routers, runs, confirm, probe, db, out)::run);
    }

    private void atLeast(String flag, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), flag + " must be at least " + min + ", got " + value);
        }
    }

    private int timed(String name, Runnable bench) {
        // a thousand in-process Simulator agents log each init at INFO; in production that log is on the router
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vrouter.agent")).setLevel(ch.qos.logback.classic.Level.WARN);
        Runtime rt = Runtime.getRuntime();
        out.printf("%s: %s on %d CPUs, max heap %d MiB, Java %s, %s%n", name, Instant.now(), rt.availableProcessors(),
                rt.maxMemory() >> 20, System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        long t0 = System.nanoTime();
        try {
            bench.run();
        } catch (RuntimeException e) {
            System.err.println("bench " + name + " failed: " + e);
            e.printStackTrace();
            return 1;
        }
        out.printf("%nbench %s finished in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * A size: a whole number of at least 1, maybe written with separators as sizes are ({@code 100_000},
     * {@code 1,000}). picocli names the option in its message, so no command checks its sizes itself.
     */
    static class Size implements CommandLine.ITypeConverter<Integer> {
        int min() {
            return 1;
        }

        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < min()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is less than " + min());
            }
            return n;
        }
    }

    /** A count that may be 0 (warm-up rounds). */
    static final class Count extends Size {
        @Override
        int min() {
            return 0;
        }
    }
}

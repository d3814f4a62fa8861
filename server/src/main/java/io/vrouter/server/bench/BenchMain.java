package io.vrouter.server.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;

/**
 * {@code ./vrouter bench NAME [--flag value ...]}: runs one benchmark of the management node and prints its
 * result table. Sizes default to the issues' sizes; smaller ones make a quick run.
 */
public final class BenchMain {
    static final String USAGE = """
            usage: ./vrouter bench NAME [--flag value ...]
              query       [--vms 100000] [--runs 200] [--page-runs 30] [--warmup 20] [--batch 2000] [--seed 1] [--db JDBC_URL]
              create-vms  [--vms 1000] [--threads 100] [--small-ips 5] [--small-vms 10] [--warmup 20] [--db JDBC_URL]
              routers     [--l3s 1000] [--vms 10] [--threads 32] [--wait-s 900] [--db JDBC_URL]
              rules       [--eips 1000] [--rules 10000] [--rule-vips 10] [--threads 16] [--db JDBC_URL]
              zstack-walk [--rounds 5] [--db JDBC_URL]
            --db names an EMPTY database (PostgreSQL); the default is an embedded H2 file database in a temp directory.""";

    private BenchMain() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || argv[0].equals("-h") || argv[0].equals("--help")) {
            System.out.println(USAGE);
            return;
        }
        PrintStream out = System.out;
        BenchArgs args;
        Runnable bench;
        try {
            args = new BenchArgs(Arrays.copyOfRange(argv, 1, argv.length));
            bench = switch (argv[0]) {
                case "query" -> new QueryBench(args, out)::run;
                case "create-vms" -> new CreateVmsBench(args, out)::run;
                case "routers" -> new RoutersBench(args, out)::run;
                case "rules" -> new RulesBench(args, out)::run;
                case "zstack-walk" -> new ZStackWalkBench(args, out)::run;
                default -> throw new IllegalArgumentException("unknown benchmark '" + argv[0] + "'");
            };
            args.checkAllUsed();
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        // a thousand in-process Simulator agents log each init at INFO; in production that log is on the router
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vrouter.agent")).setLevel(ch.qos.logback.classic.Level.WARN);
        Runtime rt = Runtime.getRuntime();
        out.printf("%s: %s on %d CPUs, max heap %d MiB, Java %s, %s%n", argv[0], Instant.now(), rt.availableProcessors(),
                rt.maxMemory() >> 20, System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments());
        long t0 = System.nanoTime();
        try {
            bench.run();
        } catch (RuntimeException e) {
            System.err.println("bench " + argv[0] + " failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        out.printf("%nbench %s finished in %.1f s%n", argv[0], (System.nanoTime() - t0) / 1e9);
        // the node's non-daemon threads are closed; exit explicitly so a stray HTTP client thread cannot hold the JVM
        System.exit(0);
    }
}

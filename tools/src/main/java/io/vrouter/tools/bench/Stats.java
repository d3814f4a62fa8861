package io.vrouter.tools.bench;

import java.util.Arrays;
import java.util.List;

/** Latency percentiles of a set of samples, in milliseconds. Nearest-rank percentiles: each one is a real sample. */
record Stats(int count, double min, double median, double p95, double p99, double max, double mean) {

    static Stats ofNanos(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElseThrow() / 1e6;
        return new Stats(sorted.length, ms(sorted[0]), ms(rank(sorted, 50)), ms(rank(sorted, 95)), ms(rank(sorted, 99)),
                ms(sorted[sorted.length - 1]), mean);
    }

    /** The nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
    static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}

package io.vrouter.server.hostfailure;

import java.time.Duration;

/**
 * The rule that confirms a host dead (docs/operations.md, "When is a host dead"): its agent does not answer the
 * management node AND its data plane answers none of {@code witnesses} probes (peer hosts of its cluster, the
 * management node standing in when there are fewer peers), in every round for {@code confirmTime}. One answer of
 * either kind starts over. So a host whose agent died while its namespaces still forward is never dead: its data
 * plane answers the witnesses. Confirming takes at least {@code confirmTime}: the setting that trades failover speed
 * against false alarms.
 *
 * <p>Pure and single-threaded: one instance per host, fed by one detector thread.
 */
final class DeathRule {
    enum Verdict { ALIVE, AGENT_DOWN, SUSPECT, DEAD }

    private long silentSinceNanos = -1;
    /** Since when its agent alone has been silent (its host Disconnected after a while), or -1. */
    private long agentSilentSinceNanos = -1;
    private Verdict last = Verdict.ALIVE;

    /** Feeds one round observed at {@code nanos} (System.nanoTime); returns what the host is now. */
    Verdict observe(HostObservation o, long nanos, Duration confirmTime, int witnesses) {
        if (o.agentAnswers()) {
            agentSilentSinceNanos = -1;
        } else if (agentSilentSinceNanos < 0) {
            agentSilentSinceNanos = nanos;
        }
        if (!o.silent(witnesses)) {
            silentSinceNanos = -1;
            last = o.agentAnswers() ? Verdict.ALIVE : Verdict.AGENT_DOWN;
            return last;
        }
        if (silentSinceNanos < 0) {
            silentSinceNanos = nanos;
        }
        last = nanos - silentSinceNanos >= confirmTime.toNanos() ? Verdict.DEAD : Verdict.SUSPECT;
        return last;
    }

    /** The verdict of the last round (ALIVE before the first). */
    Verdict last() {
        return last;
    }

    /** How long the host's agent has not answered at {@code nanos}, whatever its data plane does; or zero. */
    Duration agentSilentFor(long nanos) {
        return agentSilentSinceNanos < 0 ? Duration.ZERO : Duration.ofNanos(nanos - agentSilentSinceNanos);
    }

    /** How long the host has been silent at {@code nanos}, or zero. */
    Duration silentFor(long nanos) {
        return silentSinceNanos < 0 ? Duration.ZERO : Duration.ofNanos(nanos - silentSinceNanos);
    }
}

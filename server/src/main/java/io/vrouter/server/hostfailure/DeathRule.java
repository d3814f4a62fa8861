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
 * <p>The silence runs from the start of the first round that heard nothing to the end of the last (a probe that timed
 * out heard nothing all along), and death is confirmed at its {@link #deadline}: {@code confirmTime} into the silence,
 * and no earlier than {@code confirmTime} plus the host's fence lag after its agent last answered (the host fences its
 * routers that long after the node's last heartbeat reached it, so its copies stop before any re-created elsewhere can
 * answer). The detector confirms at the deadline itself, not at the next round, when nothing answered meanwhile
 * ({@link #deadAt}); {@link #heard} tells it of an answer the moment one arrives.
 *
 * <p>One instance per host; its rounds come one at a time, the deadline and the answers from other threads.
 */
final class DeathRule {
    enum Verdict { ALIVE, AGENT_DOWN, SUSPECT, DEAD }

    private long silentSinceNanos = -1;
    /** When the host's agent last answered (the reply's arrival, no earlier than the host heard the node), or -1. */
    private long lastAnswerNanos = -1;
    /** Since when its agent alone has been silent (its host Disconnected after a while), or -1. */
    private long agentSilentSinceNanos = -1;
    private Verdict last = Verdict.ALIVE;

    /** A round seen all at {@code nanos}, for a host without a fence of its own (the rule's tests). */
    synchronized Verdict observe(HostObservation o, long nanos, Duration confirmTime, int witnesses) {
        return observe(o, nanos, nanos, confirmTime, Duration.ZERO, witnesses);
    }

    /**
     * Feeds one round that started at {@code startedNanos} and whose probes ended at {@code endedNanos}
     * (System.nanoTime); returns what the host is now.
     */
    synchronized Verdict observe(HostObservation o, long startedNanos, long endedNanos, Duration confirmTime, Duration fenceLag,
                                 int witnesses) {
        if (o.agentAnswers()) {
            agentSilentSinceNanos = -1;
            lastAnswerNanos = endedNanos;
        } else if (agentSilentSinceNanos < 0) {
            agentSilentSinceNanos = startedNanos;
        }
        if (!o.silent(witnesses)) {
            silentSinceNanos = -1;
            last = o.agentAnswers() ? Verdict.ALIVE : Verdict.AGENT_DOWN;
            return last;
        }
        if (silentSinceNanos < 0) {
            silentSinceNanos = startedNanos;
        }
        last = endedNanos >= deadline(confirmTime, fenceLag) ? Verdict.DEAD : Verdict.SUSPECT;
        return last;
    }

    /**
     * When the silence that began at {@link #silentSince} becomes death: {@code confirmTime} into it, and
     * {@code confirmTime} plus {@code fenceLag} after the agent's last answer.
     */
    synchronized long deadline(Duration confirmTime, Duration fenceLag) {
        long answered = lastAnswerNanos < 0 ? silentSinceNanos : Math.min(lastAnswerNanos, silentSinceNanos);
        return Math.max(silentSinceNanos + confirmTime.toNanos(), answered + confirmTime.plus(fenceLag).toNanos());
    }

    /** Since when the host has been silent (System.nanoTime), or -1. */
    synchronized long silentSince() {
        return silentSinceNanos;
    }

    /** An answer of either kind arrived now, before its round ended: the silence is over. */
    synchronized void heard(boolean agent, long nanos) {
        silentSinceNanos = -1;
        if (agent) {
            lastAnswerNanos = nanos;
        }
        if (last == Verdict.SUSPECT) {
            last = agent ? Verdict.ALIVE : Verdict.AGENT_DOWN;
        }
    }

    /**
     * At the deadline: true (and the verdict DEAD from now) when the silence that began at {@code silentSince} still
     * runs, nothing having answered since, and {@code nanos} is past its deadline.
     */
    synchronized boolean deadAt(long nanos, long silentSince, Duration confirmTime, Duration fenceLag) {
        if (last != Verdict.SUSPECT || silentSinceNanos < 0 || silentSinceNanos != silentSince
                || nanos < deadline(confirmTime, fenceLag)) {
            return false;
        }
        last = Verdict.DEAD;
        return true;
    }

    /** The verdict of the last round (ALIVE before the first). */
    synchronized Verdict last() {
        return last;
    }

    /** How long the host's agent has not answered at {@code nanos}, whatever its data plane does; or zero. */
    synchronized Duration agentSilentFor(long nanos) {
        return agentSilentSinceNanos < 0 ? Duration.ZERO : Duration.ofNanos(nanos - agentSilentSinceNanos);
    }

    /** How long the host has been silent at {@code nanos}, or zero. */
    synchronized Duration silentFor(long nanos) {
        return silentSinceNanos < 0 ? Duration.ZERO : Duration.ofNanos(nanos - silentSinceNanos);
    }
}

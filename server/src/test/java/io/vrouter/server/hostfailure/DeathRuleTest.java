package io.vrouter.server.hostfailure;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.vrouter.server.hostfailure.DeathRule.Verdict.AGENT_DOWN;
import static io.vrouter.server.hostfailure.DeathRule.Verdict.ALIVE;
import static io.vrouter.server.hostfailure.DeathRule.Verdict.DEAD;
import static io.vrouter.server.hostfailure.DeathRule.Verdict.SUSPECT;
import static org.assertj.core.api.Assertions.assertThat;

/** The rule alone, on made-up rounds: what makes a host dead, and what does not. */
class DeathRuleTest {
    private static final Duration CONFIRM = Duration.ofSeconds(5);
    private static final long S = 1_000_000_000L;
    private static final HostObservation SILENT = new HostObservation(false, 0, 2);

    @Test
    void silenceOfAgentAndDataPlaneForTheConfirmTimeIsDeath() {
        DeathRule rule = new DeathRule();
        assertThat(rule.observe(SILENT, 0, CONFIRM, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 4 * S, CONFIRM, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 5 * S, CONFIRM, 2)).isEqualTo(DEAD);
        assertThat(rule.silentFor(5 * S)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void anAgentDeadWhileTheDataPlaneForwardsIsNeverDeath() {
        DeathRule rule = new DeathRule();
        HostObservation agentOnly = new HostObservation(false, 1, 1); // one witness reaches the data plane
        for (long t = 0; t <= 60; t++) {
            assertThat(rule.observe(agentOnly, t * S, CONFIRM, 2)).isEqualTo(AGENT_DOWN);
        }
    }

    @Test
    void oneAnswerStartsTheCountOver() {
        DeathRule rule = new DeathRule();
        rule.observe(SILENT, 0, CONFIRM, 2);
        rule.observe(SILENT, 4 * S, CONFIRM, 2);
        assertThat(rule.observe(new HostObservation(true, 0, 0), 4 * S + 1, CONFIRM, 2)).isEqualTo(ALIVE);
        assertThat(rule.observe(SILENT, 5 * S, CONFIRM, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 9 * S, CONFIRM, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 10 * S, CONFIRM, 2)).isEqualTo(DEAD);
    }

    @Test
    void tooFewWitnessesIsNoEvidence() {
        DeathRule rule = new DeathRule();
        HostObservation oneProbe = new HostObservation(false, 0, 1); // the other witness could not probe
        for (long t = 0; t <= 60; t++) {
            assertThat(rule.observe(oneProbe, t * S, CONFIRM, 2)).isEqualTo(AGENT_DOWN);
        }
        assertThat(rule.observe(oneProbe, 61 * S, CONFIRM, 1)).isEqualTo(SUSPECT);
    }

    @Test
    void theAgentsOwnSilenceIsCountedWhateverTheDataPlaneSays() {
        DeathRule rule = new DeathRule();
        HostObservation agentOnly = new HostObservation(false, 2, 0);
        rule.observe(agentOnly, 0, CONFIRM, 2);
        rule.observe(agentOnly, 3 * S, CONFIRM, 2);
        assertThat(rule.agentSilentFor(7 * S)).isEqualTo(Duration.ofSeconds(7));
        rule.observe(new HostObservation(true, 0, 0), 8 * S, CONFIRM, 2);
        assertThat(rule.agentSilentFor(9 * S)).as("an answer starts it over").isEqualTo(Duration.ZERO);
    }

    private static final Duration LAG = Duration.ofMillis(1400);
    private static final long MS = 1_000_000L;

    @Test
    void theSilenceRunsToTheEndOfTheProbesThatHeardNothing() {
        DeathRule rule = new DeathRule();
        // rounds that start every second and whose probes time out after one: the silence from 0 reaches 5 s at the
        // end of the round that started at 4 s
        assertThat(rule.observe(SILENT, 0, S, CONFIRM, Duration.ZERO, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 3 * S, 4 * S, CONFIRM, Duration.ZERO, 2)).isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 4 * S, 5 * S, CONFIRM, Duration.ZERO, 2)).isEqualTo(DEAD);
    }

    @Test
    void deathWaitsForTheHostsFenceAfterItsLastAnswer() {
        DeathRule rule = new DeathRule();
        HostObservation answered = new HostObservation(true, 0, 0);
        rule.observe(answered, 0, 10 * MS, CONFIRM, LAG, 2); // its last answer: 10 ms
        rule.observe(SILENT, S, 2 * S, CONFIRM, LAG, 2); // silent from 1 s
        assertThat(rule.deadline(CONFIRM, LAG)).as("the fence stops its routers by 10 ms + 5 s + its lag")
                .isEqualTo(10 * MS + CONFIRM.toNanos() + LAG.toNanos());
        assertThat(rule.observe(SILENT, 5 * S, 6 * S + 10 * MS, CONFIRM, LAG, 2)).as("5 s of silence, the fence not yet sure")
                .isEqualTo(SUSPECT);
        assertThat(rule.observe(SILENT, 6 * S, 6 * S + 410 * MS, CONFIRM, LAG, 2)).isEqualTo(DEAD);
    }

    @Test
    void withoutAnAnswerSeenTheFenceLagCountsFromTheSilence() {
        DeathRule rule = new DeathRule(); // a node that took the host over: it never heard it
        rule.observe(SILENT, 2 * S, 3 * S, CONFIRM, LAG, 2);
        assertThat(rule.deadline(CONFIRM, LAG)).isEqualTo(2 * S + CONFIRM.toNanos() + LAG.toNanos());
    }

    @Test
    void atTheDeadlineTheSilenceIsDeath_unlessAnAnswerCameMeanwhile() {
        DeathRule rule = new DeathRule();
        rule.observe(SILENT, 0, S, CONFIRM, Duration.ZERO, 2);
        long since = rule.silentSince();
        assertThat(rule.deadAt(4 * S, since, CONFIRM, Duration.ZERO)).as("before the deadline").isFalse();
        assertThat(rule.deadAt(5 * S, since, CONFIRM, Duration.ZERO)).isTrue();
        assertThat(rule.last()).isEqualTo(DEAD);

        DeathRule back = new DeathRule();
        back.observe(SILENT, 0, S, CONFIRM, Duration.ZERO, 2);
        long silence = back.silentSince();
        back.heard(false, 4 * S); // a witness reached its data plane while a round still waited for its agent
        assertThat(back.deadAt(5 * S, silence, CONFIRM, Duration.ZERO)).as("an answer before the deadline").isFalse();
        assertThat(back.last()).isEqualTo(AGENT_DOWN);
    }
}

package io.vrouter.hostagent;

import io.vrouter.agent.protocol.hostagent.HeartbeatCmd;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The self-fence's rule, on a clock the test moves: cut off from the node AND every peer for the bound, and only then. */
class SelfFenceTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger stops = new AtomicInteger();
    private final List<String> reachable = new ArrayList<>();
    private final SelfFence fence = new SelfFence(() -> {
        stops.incrementAndGet();
        return List.of("router-1");
    }, peers -> peers.stream().filter(reachable::contains).toList(), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void unarmedUntilTheFirstHeartbeat_andABoundOfZeroDisarms() {
        advance(Duration.ofMinutes(10));
        fence.check();
        assertThat(stops).hasValue(0);
        fence.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2"), 0));
        advance(Duration.ofMinutes(10));
        fence.check();
        assertThat(stops).as("disarmed").hasValue(0);
    }

    @Test
    void noHeartbeatForTheBoundAndNoPeerAnswers_theRoutersStopAndStayFencedUntilAReconcile() {
        fence.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2", "10.0.0.3"), 5));
        advance(Duration.ofSeconds(4));
        fence.check();
        assertThat(stops).as("within the bound").hasValue(0);
        advance(Duration.ofSeconds(2));
        fence.check();
        assertThat(stops).hasValue(1);
        assertThat(fence.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2"), 5))).as("reported to the node").containsExactly("router-1");
        assertThat(fence.fenced()).as("a heartbeat alone does not lift it").containsExactly("router-1");
        fence.reconciled();
        assertThat(fence.fenced()).isEmpty();
    }

    @Test
    void aPeerThatAnswers_meansTheNodeAloneIsAway_nothingStops() {
        reachable.add("10.0.0.3");
        fence.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2", "10.0.0.3"), 5));
        advance(Duration.ofSeconds(60));
        fence.check();
        assertThat(stops).hasValue(0);
    }

    @Test
    void aHostWithoutPeersIsNeverConfirmedDead_soItNeverFences() {
        fence.heartbeat(new HeartbeatCmd("h", List.of(), 5));
        advance(Duration.ofSeconds(60));
        fence.check();
        assertThat(stops).hasValue(0);
    }

    @Test
    void heartbeatsInTime_nothingStops() {
        for (int i = 0; i < 20; i++) {
            fence.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2"), 5));
            advance(Duration.ofSeconds(3));
            fence.check();
        }
        assertThat(stops).hasValue(0);
    }

    @Test
    void anAgentRestartedWhileCutOff_isArmedFromItsStartByTheKeptArming(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path arm = dir.resolve("self-fence.json");
        SelfFence before = new SelfFence(() -> List.of("router-1"), peers -> List.of(), now::get, arm);
        before.heartbeat(new HeartbeatCmd("h", List.of("10.0.0.2"), 5));
        // the agent restarts; no heartbeat reaches the new one, no peer answers
        SelfFence after = new SelfFence(() -> {
            stops.incrementAndGet();
            return List.of("router-1");
        }, peers -> List.of(), now::get, arm);
        advance(Duration.ofSeconds(4));
        after.check();
        assertThat(stops).as("the bound counts from the start").hasValue(0);
        advance(Duration.ofSeconds(2));
        after.check();
        assertThat(stops).hasValue(1);
        assertThat(after.fenced()).containsExactly("router-1");
    }
}

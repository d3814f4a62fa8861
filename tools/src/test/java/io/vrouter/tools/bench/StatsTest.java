package io.vrouter.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsTest {
    @Test
    void nearestRankPercentilesAreRealSamples() {
        List<Long> nanos = new ArrayList<>();
        for (long ms = 100; ms >= 1; ms--) {
            nanos.add(ms * 1_000_000);
        }
        Stats s = Stats.ofNanos(nanos);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.median()).isEqualTo(50.0);
        assertThat(s.p95()).isEqualTo(95.0);
        assertThat(s.p99()).isEqualTo(99.0);
        assertThat(s.max()).isEqualTo(100.0);
        assertThat(s.mean()).isEqualTo(50.5);
    }

    @Test
    void oneSampleIsEveryPercentile() {
        Stats s = Stats.ofNanos(List.of(7_000_000L));
        assertThat(List.of(s.min(), s.median(), s.p95(), s.p99(), s.max())).containsOnly(7.0);
    }

    @Test
    void smallSetsRoundTheRankUp() {
        // 95% of 3 samples is 2.85 samples: the third one
        assertThat(Stats.rank(new long[]{1, 2, 3}, 95)).isEqualTo(3);
        assertThat(Stats.rank(new long[]{1, 2, 3}, 50)).isEqualTo(2);
        assertThat(Stats.rank(new long[]{1, 2, 3, 4}, 50)).isEqualTo(2);
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> Stats.ofNanos(List.of())).hasMessage("no samples");
    }
}

package io.vrouter.agent.linux;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class JitWarmupTest {

    @Test
    void madeUpStateIsAcceptedSoTheWarmupRunsTheCodeOfARealSync() {
        // every command must succeed: a rejected sync would compile the error paths, not the ones a sync takes
        assertThatCode(() -> new JitWarmup().run()).doesNotThrowAnyException();
    }
}

package io.vrouter.platform.threads;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

    @Test
    void namedThreadsAreDaemonsWithTheName() {
        Thread t = DaemonThreads.named("host-probe").newThread(() -> { });
        assertThat(t.isDaemon()).as("never keeps the JVM alive").isTrue();
        assertThat(t.getName()).isEqualTo("host-probe");
    }

    @Test
    void numberedThreadsCountUpPerFactory() {
        var jobs = DaemonThreads.numbered("job");
        assertThat(jobs.newThread(() -> { }).getName()).isEqualTo("job-1");
        Thread second = jobs.newThread(() -> { });
        assertThat(second.getName()).isEqualTo("job-2");
        assertThat(second.isDaemon()).isTrue();
        assertThat(DaemonThreads.numbered("job").newThread(() -> { }).getName()).as("a new factory starts over").isEqualTo("job-1");
    }
}

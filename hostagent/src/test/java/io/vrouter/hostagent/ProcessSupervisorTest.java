package io.vrouter.hostagent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Detached processes found again by pid file, and the supervisor's restarts (no root needed). */
@Timeout(60)
class ProcessSupervisorTest {

    @Test
    void aSpawnedProcessIsFoundByItsPidFile_andStopEndsIt(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        ProcessSupervisor.spawn("vm", pidFile, dir.resolve("sleeper.log"), Map.of(), List.of("sleep", "30"));

        long pid = ProcessSupervisor.livePid(pidFile, "sleep 30");
        assertThat(pid).isPositive().isEqualTo(Long.parseLong(Files.readString(pidFile).trim()));
        assertThat(ProcessSupervisor.livePid(pidFile, "udhcpc")).as("a pid reused by another command is not ours").isEqualTo(-1);

        ProcessSupervisor.stop(pidFile, "sleep 30", Duration.ofSeconds(5));
        assertThat(ProcessSupervisor.livePid(pidFile, "sleep 30")).isEqualTo(-1);
        assertThat(ProcessSupervisor.livePid(dir.resolve("missing.pid"), "sleep")).isEqualTo(-1);
    }

    @Test
    void aDeadWatchedProcessIsRestarted_anUnwatchedOneIsNot() throws Exception {
        try (ProcessSupervisor supervisor = new ProcessSupervisor(vm -> this)) {
            AtomicBoolean alive = new AtomicBoolean(false);
            AtomicInteger restarts = new AtomicInteger();
            supervisor.watch("vm", new ProcessSupervisor.Watch("the test's process", Duration.ZERO, alive::get, () -> {
                restarts.incrementAndGet();
                alive.set(true);
            }));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (restarts.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(restarts.get()).as("restarted once it was found dead").isEqualTo(1);

            supervisor.unwatch("vm");
            alive.set(false);
            Thread.sleep(2500); // two rounds of the supervisor
            assertThat(restarts.get()).as("a stopped VM's processes stay stopped").isEqualTo(1);
        }
    }
}

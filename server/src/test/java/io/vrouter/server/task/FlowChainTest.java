package io.vrouter.server.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FlowChainTest {

    private static final FlowKey<String> VM_UUID = FlowKey.of("vmUuid");
    private static final FlowKey<List<String>> IPS = FlowKey.of("ips");

    private final List<String> log = new ArrayList<>();

    /** A step that records its run and rollback, and fails its run or rollback on demand. */
    private Flow step(String name, boolean failRun, boolean failRollback) {
        return Flow.of(name, ctx -> {
            log.add("run " + name);
            if (failRun) {
                throw new IOException(name + " broke");
            }
        }, ctx -> {
            log.add("rollback " + name);
            if (failRollback) {
                throw new IllegalStateException(name + " undo broke");
            }
        });
    }

    private Flow ok(String name) {
        return step(name, false, false);
    }

    @Test
    void runsStepsInOrderThenTheDoneHooks() {
        FlowContext ctx = FlowChain.named("create-vm")
                .then(ok("a"))
                .then("b", c -> c.put(VM_UUID, "vm-1"))
                .then(ok("c"))
                .done(c -> log.add("done " + c.get(VM_UUID)))
                .run();

        assertThat(log).containsExactly("run a", "run c", "done vm-1");
        assertThat(ctx.get(VM_UUID)).isEqualTo("vm-1");
    }

    @Test
    void aFailureRollsBackTheCompletedStepsInReverseOrderAndNamesTheStep() {
        FlowChain chain = FlowChain.named("create-vr")
                .then(ok("allocate-nics"))
                .then(ok("create-vm"))
                .then(step("start-vm", true, false))
                .then(ok("connect-agent"))
                .done(c -> log.add("done"));

        FlowException ex = catchThrowableOfType(FlowException.class, chain::run);

        assertThat(log).containsExactly("run allocate-nics", "run create-vm", "run start-vm",
                "rollback create-vm", "rollback allocate-nics");
        assertThat(ex).hasMessage("Flow chain 'create-vr' failed at step 'start-vm' (3 of 4): "
                        + "java.io.IOException: start-vm broke; rolled back 2 step(s)")
                .hasCauseInstanceOf(IOException.class)
                .hasNoSuppressedExceptions();
        assertThat(ex.getCause()).hasMessage("start-vm broke");
        assertThat(ex.chainName()).isEqualTo("create-vr");
        assertThat(ex.failedStep()).isEqualTo("start-vm");
        assertThat(ex.rolledBackSteps()).containsExactly("create-vm", "allocate-nics");
        assertThat(ex.rollbackFailures()).isEmpty();
    }

    @Test
    void everyRollbackRunsWhenSomeFailAndTheirFailuresAreSuppressed() {
        FlowChain chain = FlowChain.named("create-vr")
                .then(ok("a"))
                .then(step("b", false, true))
                .then(step("c", false, true))
                .then(ok("d"))
                .then(step("e", true, false));

        FlowException ex = catchThrowableOfType(FlowException.class, chain::run);

        assertThat(log).containsExactly("run a", "run b", "run c", "run d", "run e",
                "rollback d", "rollback c", "rollback b", "rollback a");
        assertThat(ex).hasMessage("Flow chain 'create-vr' failed at step 'e' (5 of 5): java.io.IOException: e broke;"
                + " rolled back 4 step(s), 2 rollback(s) failed: ['c', 'b']");
        assertThat(ex.getCause()).isInstanceOf(IOException.class).hasMessage("e broke");
        assertThat(ex.getSuppressed()).hasSize(2);
        assertThat(ex.rollbackFailures()).extracting(FlowRollbackException::step).containsExactly("c", "b");
        FlowRollbackException first = ex.rollbackFailures().get(0);
        assertThat(first).hasMessage("Rollback of step 'c' in flow chain 'create-vr' failed: "
                        + "java.lang.IllegalStateException: c undo broke")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(first.getCause()).hasMessage("c undo broke");
    }

    @Test
    void aFailingFirstStepRollsBackNothing() {
        FlowException ex = catchThrowableOfType(FlowException.class,
                () -> FlowChain.named("x").then(step("a", true, false)).then(ok("b")).run());

        assertThat(log).containsExactly("run a");
        assertThat(ex).hasMessage("Flow chain 'x' failed at step 'a' (1 of 2): java.io.IOException: a broke");
        assertThat(ex.rolledBackSteps()).isEmpty();
    }

    @Test
    void theErrorHookSeesTheExceptionAfterRollbackAndItsOwnFailureIsSuppressed() {
        AtomicReference<FlowException> seen = new AtomicReference<>();
        FlowChain chain = FlowChain.named("attach-eip")
                .then(ok("a"))
                .then(step("b", true, false))
                .error((c, e) -> {
                    log.add("error hook");
                    seen.set(e);
                })
                .error((c, e) -> {
                    throw new IllegalStateException("hook broke");
                })
                .done(c -> log.add("done"));

        FlowException ex = catchThrowableOfType(FlowException.class, chain::run);

        assertThat(log).containsExactly("run a", "run b", "rollback a", "error hook");
        assertThat(seen.get()).isSameAs(ex);
        assertThat(ex.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("hook broke"));
        assertThat(ex.rollbackFailures()).isEmpty();
    }

    @Test
    void aDoneHookFailureReachesTheCallerAndRollsNothingBack() {
        FlowChain chain = FlowChain.named("x").then(ok("a")).done(c -> {
            throw new IllegalStateException("done broke");
        });

        assertThatThrownBy(chain::run).isInstanceOf(IllegalStateException.class).hasMessage("done broke");
        assertThat(log).containsExactly("run a");
    }

    @Test
    void skippedStepsNeitherRunNorRollBack() {
        Flow skipped = new Flow() {
            @Override
            public String name() {
                return "snat";
            }

            @Override
            public boolean skip(FlowContext context) {
                return true; // a flat network has no SNAT
            }

            @Override
            public void run(FlowContext context) {
                log.add("run snat");
            }

            @Override
            public void rollback(FlowContext context) {
                log.add("rollback snat");
            }
        };

        assertThatThrownBy(() -> FlowChain.named("x").then(ok("a")).then(skipped).then(step("b", true, false)).run())
                .isInstanceOf(FlowException.class);
        assertThat(log).containsExactly("run a", "run b", "rollback a");
    }

    @Test
    void contextCarriesTypedValuesBetweenStepsAndTheirRollbacks() {
        List<String> released = new ArrayList<>();
        FlowContext input = new FlowContext().put(VM_UUID, "vm-9");
        FlowChain chain = FlowChain.named("start-vm")
                .then("allocate-ips", c -> c.put(IPS, List.of("10.0.0.5", "10.0.0.6")),
                        c -> released.addAll(c.get(IPS)))
                .then("fail", c -> {
                    throw new IllegalStateException("no host for " + c.get(VM_UUID));
                });

        FlowException ex = catchThrowableOfType(FlowException.class, () -> chain.run(input));

        assertThat(ex.getCause()).hasMessage("no host for vm-9");
        assertThat(released).containsExactly("10.0.0.5", "10.0.0.6");
        assertThat(input.find(IPS)).contains(List.of("10.0.0.5", "10.0.0.6"));
        assertThat(input.remove(VM_UUID)).contains("vm-9");
        assertThat(input.contains(VM_UUID)).isFalse();
        assertThatThrownBy(() -> input.get(VM_UUID))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No value for 'vmUuid' in the flow context");
    }

    @Test
    void stepNamesAreUniqueAndPresent() {
        FlowChain chain = FlowChain.named("x").then(ok("a"));
        assertThatThrownBy(() -> chain.then(ok("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flow chain 'x' already has a step named 'a'");
        assertThatThrownBy(() -> Flow.of(" ", c -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flow name must not be blank");
        assertThat(chain.stepNames()).containsExactly("a");
    }

    @Test
    void rollbacksRunWithTheInterruptClearedAndTheFlagIsRestored() {
        AtomicBoolean interruptedDuringRollback = new AtomicBoolean(true);
        FlowChain chain = FlowChain.named("x")
                .then("a", c -> { }, c -> interruptedDuringRollback.set(Thread.currentThread().isInterrupted()))
                .then("b", c -> {
                    throw new InterruptedException("timed out");
                });

        try {
            assertThatThrownBy(chain::run).isInstanceOf(FlowException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(interruptedDuringRollback).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aChainTimedOutOnItsQueueIsStillRolledBack() throws Exception {
        ExecutorService executor = TaskQueues.boundedExecutor("flow-test", 2, 10);
        FakeTaskClock clock = new FakeTaskClock();
        TaskQueues queues = new TaskQueues(executor, clock);
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch rolledBack = new CountDownLatch(1);
        AtomicBoolean interruptedDuringRollback = new AtomicBoolean(true);
        try {
            var f = queues.submit(Task.of("vm-1", "create-vm", () -> FlowChain.named("create-vm")
                    .then("allocate", c -> { }, c -> {
                        interruptedDuringRollback.set(Thread.currentThread().isInterrupted());
                        rolledBack.countDown();
                    })
                    .then("boot", c -> {
                        hung.countDown();
                        new CountDownLatch(1).await(); // a hypervisor that never answers
                    })
                    .run()).withTimeout(Duration.ofSeconds(30)));
            hung.await();

            clock.advance(Duration.ofSeconds(30));

            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TaskTimeoutException.class)
                    .hasMessageStartingWith("Task 'create-vm' on 'vm-1' timed out after 30000ms while running");
            assertThat(rolledBack.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(interruptedDuringRollback).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- steps run together

    @Test
    @Timeout(10)
    void stepsTogether_runAtTheSameTime_andTheNextStepWaitsForAllOfThem() {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch bothRunning = new CountDownLatch(2);
        Flow.Step meetTheOther = ctx -> {
            bothRunning.countDown();
            // one at a time would wait here for ever (the test's timeout): the two are running at once
            assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
        };
        FlowChain.named("create-vm")
                .then("load spec", ctx -> seen.add("load spec"))
                .thenTogether(Flow.of("network services", ctx -> {
                    meetTheOther.apply(ctx);
                    seen.add("network services on " + Thread.currentThread().getName());
                }), Flow.of("prepare on hypervisor", ctx -> {
                    meetTheOther.apply(ctx);
                    Thread.sleep(50);
                    seen.add("prepare on hypervisor");
                }))
                .then("start on hypervisor", ctx -> seen.add("start on hypervisor"))
                .run();

        assertThat(seen).hasSize(4).startsWith("load spec").endsWith("start on hypervisor")
                .contains("network services on " + Thread.currentThread().getName(), "prepare on hypervisor");
    }

    @Test
    void aStepTogetherThatFails_letsTheOthersEnd_thenRollsBackWhatCompleted_andNamesTheFailedStep() {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch failed = new CountDownLatch(1);
        FlowChain chain = FlowChain.named("create-vm")
                .then(Flow.of("allocate nics", ctx -> seen.add("run allocate nics"), ctx -> seen.add("rollback allocate nics")))
                .thenTogether(Flow.of("network services", ctx -> {
                            seen.add("run network services");
                            failed.countDown();
                            throw new IOException("router unreachable");
                        }, ctx -> seen.add("rollback network services")),
                        Flow.of("prepare on hypervisor", ctx -> {
                            failed.await(); // still ends after the other failed: never abandoned half-way
                            Thread.sleep(20);
                            seen.add("run prepare on hypervisor");
                        }, ctx -> seen.add("rollback prepare on hypervisor")))
                .then(Flow.of("start on hypervisor", ctx -> seen.add("run start"), ctx -> seen.add("rollback start")));

        FlowException ex = catchThrowableOfType(FlowException.class, chain::run);

        assertThat(seen).containsExactly("run allocate nics", "run network services", "run prepare on hypervisor",
                "rollback prepare on hypervisor", "rollback allocate nics");
        assertThat(ex.failedStep()).isEqualTo("network services");
        assertThat(ex).hasMessageStartingWith("Flow chain 'create-vm' failed at step 'network services' (2 of 4)");
        assertThat(ex.rolledBackSteps()).containsExactly("prepare on hypervisor", "allocate nics");
    }

    @Test
    void whenEveryStepTogetherFails_theFirstInTheOrderGivenIsTheCause_theOthersSuppressed() {
        FlowChain chain = FlowChain.named("c")
                .thenTogether(Flow.of("a", ctx -> {
                    Thread.sleep(30);
                    throw new IOException("a broke");
                }), Flow.of("b", ctx -> {
                    throw new IOException("b broke");
                }));

        FlowException ex = catchThrowableOfType(FlowException.class, chain::run);

        assertThat(ex.failedStep()).isEqualTo("a");
        assertThat(ex.getCause()).hasMessage("a broke");
        assertThat(ex.getCause().getSuppressed()).extracting(Throwable::getMessage).containsExactly("b broke");
        assertThat(ex.rolledBackSteps()).isEmpty();
    }

    @Test
    void stepsTogether_keepUniqueNames() {
        assertThatThrownBy(() -> FlowChain.named("c").then(ok("a")).thenTogether(ok("b"), ok("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a step named 'a'");
    }
}

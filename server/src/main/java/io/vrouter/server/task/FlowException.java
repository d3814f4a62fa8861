package io.vrouter.server.task;

import java.util.List;

/**
 * A {@link FlowChain} failed and was rolled back. The message names the chain and the failing step; the cause is
 * that step's failure; every rollback that failed as well is attached as a suppressed
 * {@link FlowRollbackException}, in the order the rollbacks ran.
 */
public final class FlowException extends RuntimeException {

    private final String chainName;
    private final String failedStep;
    private final List<String> rolledBackSteps;

    FlowException(String message, String chainName, String failedStep, List<String> rolledBackSteps,
                  Throwable cause) {
        super(message, cause);
        this.chainName = chainName;
        this.failedStep = failedStep;
        this.rolledBackSteps = List.copyOf(rolledBackSteps);
    }

    public String chainName() {
        return chainName;
    }

    public String failedStep() {
        return failedStep;
    }

    /** Steps whose rollback was attempted, in the order it ran (reverse of their runs), failed ones included. */
    public List<String> rolledBackSteps() {
        return rolledBackSteps;
    }

    /** The rollbacks that failed; the same objects as {@link #getSuppressed()} minus any from the error hooks. */
    public List<FlowRollbackException> rollbackFailures() {
        return java.util.Arrays.stream(getSuppressed())
                .filter(FlowRollbackException.class::isInstance)
                .map(FlowRollbackException.class::cast)
                .toList();
    }
}

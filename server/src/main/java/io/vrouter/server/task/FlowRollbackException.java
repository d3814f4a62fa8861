package io.vrouter.server.task;

/** The rollback of one step failed; suppressed on the {@link FlowException}, with the rollback's failure as cause. */
public final class FlowRollbackException extends RuntimeException {

    private final String step;

    FlowRollbackException(String chainName, String step, Throwable cause) {
        super("Rollback of step '" + step + "' in flow chain '" + chainName + "' failed: " + cause, cause);
        this.step = step;
    }

    public String step() {
        return step;
    }
}

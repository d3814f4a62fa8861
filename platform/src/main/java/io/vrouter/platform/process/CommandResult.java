package io.vrouter.platform.process;

/** How a finished command ended. */
public record CommandResult(int exitCode, String stdout, String stderr, long elapsedMillis) {

    public boolean succeeded() {
        return exitCode == 0;
    }
}

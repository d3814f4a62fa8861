package io.vrouter.agent.protocol;

import java.time.Duration;

/**
 * A call to an agent failed: it could not be reached, timed out, refused the secret, or answered
 * {@code success=false}. The message names the agent, the path and the elapsed time.
 */
public class AgentException extends RuntimeException {

    private final String agentUrl;
    private final String path;
    private final Duration elapsed;
    private final int httpStatus;
    private final String agentError;

    public AgentException(String agentUrl, String path, Duration elapsed, int httpStatus, String agentError,
            String reason, Throwable cause) {
        super("agent " + agentUrl + path + " failed after " + elapsed.toMillis() + " ms"
                + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "") + ": " + reason, cause);
        this.agentUrl = agentUrl;
        this.path = path;
        this.elapsed = elapsed;
        this.httpStatus = httpStatus;
        this.agentError = agentError;
    }

    public String agentUrl() {
        return agentUrl;
    }

    public String path() {
        return path;
    }

    public Duration elapsed() {
        return elapsed;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The agent's own {@code error} text when it answered {@code success=false}, else null. */
    public String agentError() {
        return agentError;
    }

    /** True when the agent rejected the secret (HTTP 401): retrying with the same secret is pointless. */
    public boolean isUnauthorized() {
        return httpStatus == 401;
    }

    /**
     * True when no TLS session could be made: the agent speaks plain HTTP (an agent from before TLS), or its
     * certificate is not one of this installation's authority for this address, or it refused ours. Waiting does
     * not cure that; deploying the agent again (a new certificate and the authority's) does.
     */
    public boolean isTlsRefused() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }
}

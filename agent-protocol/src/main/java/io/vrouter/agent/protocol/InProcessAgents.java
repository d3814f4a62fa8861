package io.vrouter.agent.protocol;

import javax.net.ssl.SSLContext;

/**
 * Router agents that run inside the management node's own JVM, each reachable over real HTTP at {@link #url}: how
 * the Simulator's routers get an agent without a process of their own. The management node decides when an agent
 * runs and which version it reports; the implementation (the agent's, with a recording dataplane) runs it. A
 * router's dataplane outlives its agent, as a kernel's state outlives a restarted agent process.
 */
public interface InProcessAgents extends AutoCloseable {

    /**
     * Agents answer over mutual TLS with this context (a certificate the node's installation authority issued), as
     * real agents do; called once by the node before the first agent starts. Without it they answer plain HTTP.
     */
    void useTls(SSLContext agentContext);

    /** Starts the agent of router {@code vrUuid}, or restarts it losing its init and in-memory state. */
    void start(String vrUuid, String secret, String version, String md5);

    /**
     * As {@link #start}, but the agent presents a certificate of another authority, as an agent does after the
     * installation's authority was replaced or when it predates TLS; the next {@link #start} brings it back.
     */
    void startWithForeignCertificate(String vrUuid, String secret, String version, String md5);

    /** The agent stops answering (its calls get 404, as from a router that is gone); its dataplane stays. */
    void stop(String vrUuid);

    /** The base URL to give {@link AgentClient} for the router's agent. */
    String url(String vrUuid);

    @Override
    void close();
}

package io.vrouter.agent.protocol;

/** The base reply of every command: {@code {success, error}}. */
public record AgentReply(boolean success, String error) {

    public static AgentReply ok() {
        return new AgentReply(true, null);
    }

    public static AgentReply failure(String error) {
        return new AgentReply(false, error);
    }
}

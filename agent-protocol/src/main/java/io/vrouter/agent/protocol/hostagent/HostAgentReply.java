package io.vrouter.agent.protocol.hostagent;

/** The reply of a command that returns nothing but its outcome: {@code {success, error}}. */
public record HostAgentReply(boolean success, String error) {
    public static HostAgentReply ok() {
        return new HostAgentReply(true, null);
    }

    public static HostAgentReply failure(String error) {
        return new HostAgentReply(false, error);
    }
}

package io.vrouter.agent.protocol;

/** Reply of {@code /echo}: liveness plus the agent's version and the md5 of its jar. */
public record EchoReply(boolean success, String error, String version, String md5) {
}

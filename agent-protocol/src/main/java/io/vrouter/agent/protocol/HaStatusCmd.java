package io.vrouter.agent.protocol;

/**
 * Body of {@code /hastatus}, a long poll: the agent answers as soon as its HA status's version differs from
 * {@code knownVersion}, or after {@code waitMillis} with the unchanged status. The management node keeps one such
 * call open per HA router, which is how a takeover reaches it within milliseconds without the agent calling out.
 */
public record HaStatusCmd(long knownVersion, int waitMillis) {
}

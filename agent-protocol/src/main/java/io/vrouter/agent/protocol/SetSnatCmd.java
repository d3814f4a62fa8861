package io.vrouter.agent.protocol;

/** Body of {@code /setsnat}. */
public record SetSnatCmd(SNATInfo snat) {
}

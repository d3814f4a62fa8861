package io.vrouter.agent.protocol;

/** Body of {@code /createeip} and {@code /removeeip}. */
public record EipCmd(EipTO eip) {
}

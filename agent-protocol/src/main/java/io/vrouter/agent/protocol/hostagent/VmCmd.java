package io.vrouter.agent.protocol.hostagent;

/** {@code /vm/start}, {@code /vm/stop}, {@code /vm/destroy}, {@code /vm/router/deployagent}: the whole VM each time. */
public record VmCmd(VmTO vm) {
}

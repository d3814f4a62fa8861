package io.vrouter.agent.protocol.hostagent;

/** {@code /vm/status}: about nic {@code deviceId} of VM {@code vmUuid}. */
public record VmStatusCmd(String vmUuid, int deviceId) {
}

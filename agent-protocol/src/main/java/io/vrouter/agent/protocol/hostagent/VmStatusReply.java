package io.vrouter.agent.protocol.hostagent;

/**
 * @param namespace the VM's network namespace on the host
 * @param lease     what the guest's DHCP client recorded on the nic, or null
 * @param dhcpLog   what that client printed
 * @param agentPid  the router agent's pid, or -1
 */
public record VmStatusReply(boolean success, String error, String namespace, String lease, String dhcpLog, long agentPid) {
}

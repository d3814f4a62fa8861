package io.vrouter.agent.protocol.hostagent;

/**
 * What a host says when the management node connects.
 *
 * @param problems    null when the host can run VMs, else everything it lacks (root, iproute2, ...), with the packages
 * @param cpuNum      CPUs of the host
 * @param memoryBytes memory of the host, in bytes
 * @param agentUuid   this run of the agent (a new one after every restart)
 * @param namePrefix  the prefix of everything the agent makes on the host (its namespaces are named after it)
 */
public record ConnectReply(boolean success, String error, String problems, int cpuNum, long memoryBytes, String agentUuid,
                           String namePrefix, String version) {
}

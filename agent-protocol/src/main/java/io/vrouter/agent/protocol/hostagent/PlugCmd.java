package io.vrouter.agent.protocol.hostagent;

/**
 * {@code /network/plug}: a veth pair from a port of the L2's bridge to {@code ifname} in namespace {@code namespace}
 * (the operator's, on this host). {@code portSuffix} names the port among the installation's extras.
 */
public record PlugCmd(L2TO l2, String portSuffix, String namespace, String ifname) {
}

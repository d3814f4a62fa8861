/**
 * The host agent's protocol: what the management node sends to the agent on each host ({@code ./vrouter
 * host-agent}) and what it answers, as records. Paths after ZStack's KVM agent ({@code /host/connect},
 * {@code /host/ping}, {@code /vm/start}, ...), JSON bodies, the host's secret as a bearer token on every path. Every
 * command is idempotent: the node repeats it after a timeout or a restart.
 */
package io.vrouter.agent.protocol.hostagent;

/**
 * The router's state as the agent holds it: what the management node asked for ({@link io.vrouter.agent.state.DesiredState}),
 * one command's change to it ({@link io.vrouter.agent.state.StateDelta}) and per-kind changes
 * ({@link io.vrouter.agent.state.Changes}). Both the command handling ({@code core}) and the dataplanes read it, so it
 * lives below both.
 */
package io.vrouter.agent.state;

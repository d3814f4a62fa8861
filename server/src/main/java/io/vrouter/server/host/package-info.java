/**
 * Hosts ({@code AddSimulatorHost}, {@code ChangeHostState}, {@code ReconnectHost}, {@code DeleteHost},
 * {@code QueryHost}); other host types plug in through {@link io.vrouter.server.host.HostConnector}. Deleting a
 * host that still has VMs is refused with SYS.1008 naming them; deleting removes its tags.
 */
package io.vrouter.server.host;

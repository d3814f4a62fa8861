/**
 * The virtual router provider: its global configurations and system tags, offerings, the appliance lifecycle,
 * reconnect and the backends that turn database state into agent commands.
 */
package io.vrouter.server.vrouter;

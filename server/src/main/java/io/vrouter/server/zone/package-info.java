/**
 * Zones ({@code CreateZone}, {@code UpdateZone}, {@code DeleteZone}, {@code QueryZone}). Deleting a zone that still
 * holds clusters, L2 networks or VMs is refused with SYS.1008 naming them (ZStack cascades instead; here nothing
 * disappears behind the user's back). Deleting removes the zone's tags.
 */
package io.vrouter.server.zone;

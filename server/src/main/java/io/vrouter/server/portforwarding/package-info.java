/**
 * Port forwarding rules: VIP port ranges forwarded to a user VM nic, never overlapping per protocol and VIP, their
 * APIs, and the applier the router provider implements.
 */
package io.vrouter.server.portforwarding;

/** Elastic IPs: one VIP mapped onto one user VM nic, their APIs, and the applier the router provider implements. */
package io.vrouter.server.eip;

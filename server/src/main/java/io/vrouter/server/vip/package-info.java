/**
 * VIPs: addresses taken from an L3's ranges for EIPs and port forwarding, the VIP row lock that serialises what
 * uses a VIP, and the nic checks EIPs and rules share.
 */
package io.vrouter.server.vip;

/**
 * VIPs: addresses taken from an L3's ranges for EIPs and port forwarding, the VIP row lock that serialises what
 * uses a VIP, and what EIPs and rules share: the nic checks and their life on a VIP ({@code VipRules}).
 */
package io.vrouter.server.vip;

/**
 * L3 networks, their IP ranges and DNS servers, free addresses, and IP allocation ({@link io.vrouter.server.l3.IpAllocator}).
 * Deleting an L3 network is refused with SYS.1008 while VMs have nics on it or any of its addresses is in use
 * (ZStack would delete the nics; here the VM owner decides); an IP range likewise while addresses of it are in use.
 * Deleting removes the resource's tags, and an L3's ranges, DNS servers and their tags go with it.
 */
package io.vrouter.server.l3;

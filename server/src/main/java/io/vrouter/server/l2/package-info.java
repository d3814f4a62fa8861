/**
 * L2 networks ({@code CreateL2NoVlanNetwork}, {@code CreateL2VlanNetwork}, {@code AttachL2NetworkToCluster},
 * {@code DetachL2NetworkFromCluster}, {@code DeleteL2Network}, {@code QueryL2Network}, {@code QueryL2VlanNetwork}).
 * Deleting an L2 that still has L3 networks is refused with SYS.1008 naming them; its cluster attachments and tags
 * go with it. Detaching is refused while VMs of the cluster have nics on the L2's L3 networks.
 * VXLAN ({@link io.vrouter.server.l2.VxlanNetworks}): {@code CreateL2VxlanNetworkPool}, {@code CreateVniRange},
 * {@code DeleteVniRange}, {@code CreateL2VxlanNetwork}, their Query APIs, and the pool's VTEP cidr per cluster.
 */
package io.vrouter.server.l2;

package io.vrouter.server.l2;

import io.vrouter.platform.net.Ipv4Cidr;

import java.util.Optional;

/**
 * What a hypervisor backend does when a VXLAN pool is attached to a cluster: every host of the cluster needs a VTEP
 * address inside the attachment's cidr. {@link #check} runs before the attachment is written and refuses it (an
 * {@link io.vrouter.server.api.ApiException} naming each host without one and its addresses), so that nothing is
 * half made; {@link #attached} runs once it is written and records each host's VTEP ({@link VxlanNetworks#recordVtep}).
 */
public interface VxlanPoolAttachment {
    /** {@code cidr}: the attachment's VTEP cidr; empty when the hosts' management addresses are their VTEPs. */
    void check(String poolUuid, String clusterUuid, Optional<Ipv4Cidr> cidr);

    void attached(String poolUuid, String clusterUuid);
}

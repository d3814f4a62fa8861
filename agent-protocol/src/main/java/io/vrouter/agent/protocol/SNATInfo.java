package io.vrouter.agent.protocol;

/** Source NAT of one guest subnet ({@code privateNicIp}/{@code snatNetmask}) to {@code publicIp} on the public nic. */
public record SNATInfo(
        String publicNicMac,
        String publicIp,
        String privateNicMac,
        String privateNicIp,
        String privateGatewayIp,
        String snatNetmask) {
}

package io.vrouter.server.networkservice;

import java.util.List;

/** ZStack's names of the network service types. */
public final class NetworkServiceType {
    public static final String DHCP = "DHCP";
    public static final String DNS = "DNS";
    public static final String SNAT = "SNAT";
    public static final String EIP = "Eip";
    public static final String PORT_FORWARDING = "PortForwarding";

    /** The order services are applied in when a VM comes up (reference §2: DNS, DHCP, SNAT, then the rules). */
    public static final List<String> APPLY_ORDER = List.of(DNS, DHCP, SNAT, PORT_FORWARDING, EIP);

    private NetworkServiceType() {
    }
}

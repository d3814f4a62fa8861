package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/** {@code /network/checkphysicalinterface}: the physical interfaces the host's L2 networks need. */
public record CheckInterfacesCmd(List<String> interfaces) {
    public CheckInterfacesCmd {
        interfaces = List.copyOf(interfaces);
    }
}

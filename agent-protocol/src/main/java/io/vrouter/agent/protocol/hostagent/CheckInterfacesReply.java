package io.vrouter.agent.protocol.hostagent;

import java.util.List;

/** The interfaces of the command that the host does not have. */
public record CheckInterfacesReply(boolean success, String error, List<String> missing) {
}

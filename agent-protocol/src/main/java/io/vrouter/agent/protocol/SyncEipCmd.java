package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /synceip}: the whole EIP list. */
public record SyncEipCmd(List<EipTO> eips) {
}

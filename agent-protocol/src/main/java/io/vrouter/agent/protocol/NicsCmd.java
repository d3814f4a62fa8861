package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /configurenic} and {@code /removenic}. */
public record NicsCmd(List<NicInfo> nics) {
}

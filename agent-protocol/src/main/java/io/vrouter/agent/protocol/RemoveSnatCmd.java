package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /removesnat}. */
public record RemoveSnatCmd(List<SNATInfo> natInfo) {
}

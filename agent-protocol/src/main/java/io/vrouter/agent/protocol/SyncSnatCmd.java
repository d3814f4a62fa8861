package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /syncsnat}: the whole SNAT list; {@code enable=false} removes every SNAT. */
public record SyncSnatCmd(List<SNATInfo> snats, boolean enable) {
}

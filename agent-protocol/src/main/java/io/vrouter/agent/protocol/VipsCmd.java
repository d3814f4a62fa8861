package io.vrouter.agent.protocol;

import java.util.List;

/** Body of {@code /createvip}, {@code /removevip} and {@code /syncvip}; {@code syncVip=true} on createvip replaces every VIP. */
public record VipsCmd(List<VipTO> vips, boolean syncVip) {
}

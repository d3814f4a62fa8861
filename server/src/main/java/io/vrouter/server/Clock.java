package io.vrouter.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** The node's notion of now; tests replace it to expire sessions without sleeping. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = Instant::now;

    Instant now();

    /** Now as the database stores times: UTC without a zone. */
    default LocalDateTime utcNow() {
        return LocalDateTime.ofInstant(now(), ZoneOffset.UTC);
    }
}

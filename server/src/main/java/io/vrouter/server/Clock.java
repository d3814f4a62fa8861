package io.vrouter.server;

import java.time.Instant;

/** The node's notion of now; tests replace it to expire sessions without sleeping. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = Instant::now;

    Instant now();
}

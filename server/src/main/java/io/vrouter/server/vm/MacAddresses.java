package io.vrouter.server.vm;

import java.security.SecureRandom;

/**
 * Random MAC addresses with the prefix ZStack uses, {@code fa:}: locally administered (bit 1 set) and unicast
 * (bit 0 clear), so they never clash with a vendor's. Uniqueness is the database's job (unique key on the MAC);
 * a collision makes the caller draw again.
 */
final class MacAddresses {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MacAddresses() {
    }

    static String random() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return String.format("fa:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4]);
    }
}

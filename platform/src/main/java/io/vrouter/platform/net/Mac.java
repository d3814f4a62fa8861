package io.vrouter.platform.net;

import java.util.Locale;

/** MAC addresses in the kernel's form: six lower-case hex pairs separated by colons. */
public final class Mac {

    private Mac() {
    }

    /** Lower-cases and checks {@code aa:bb:cc:dd:ee:ff} (dashes accepted); throws naming the text otherwise. */
    public static String normalize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing");
        }
        String mac = text.trim().toLowerCase(Locale.ROOT).replace('-', ':');
        if (mac.length() != 17) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address");
        }
        for (int i = 0; i < 17; i++) {
            char c = mac.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address");
            }
        }
        return mac;
    }
}

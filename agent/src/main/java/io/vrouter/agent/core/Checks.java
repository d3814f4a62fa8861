package io.vrouter.agent.core;

import io.vrouter.agent.state.DesiredState;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Mac;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Field checks shared by the command planners. Each names the field by its JSON path
 * ({@code rules[2].vipPortStart}) so an operator can find the culprit in a large sync.
 */
final class Checks {

    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private Checks() {
    }

    static <T> T required(String where, T value) {
        if (value == null) {
            throw new InvalidCommandException(where + ": missing");
        }
        return value;
    }

    static <T> List<T> list(String where, List<T> value) {
        required(where, value);
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                // the path only when it is needed: a 10,000-rule sync would build 10,000 strings for nothing
                throw new InvalidCommandException(where + "[" + i + "]: missing");
            }
        }
        return value;
    }

    static String ip(String where, String value) {
        try {
            Ipv4.parse(required(where, value));
            return value;
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(where + ": " + e.getMessage());
        }
    }

    static String optionalIp(String where, String value) {
        return value == null || value.isEmpty() ? null : ip(where, value);
    }

    static String netmask(String where, String value) {
        try {
            Ipv4Cidr.prefixLength(required(where, value));
            return value;
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(where + ": " + e.getMessage());
        }
    }

    static String cidr(String where, String value) {
        try {
            return Ipv4Cidr.parseNormalising(value).toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(where + ": " + e.getMessage());
        }
    }

    static String mac(String where, String value) {
        try {
            return Mac.normalize(required(where, value));
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(where + ": " + e.getMessage());
        }
    }

    /** A MAC that must belong to a nic configured through {@code /configurenic}. */
    static String nicMac(String where, String value, DesiredState state) {
        String mac = mac(where, value);
        if (state.nic(mac) == null) {
            throw new InvalidCommandException(where + ": no nic with MAC " + mac + " is configured (configured: "
                    + state.nics().keySet() + ")");
        }
        return mac;
    }

    static int port(String where, Integer value) {
        int port = required(where, value);
        if (port < 1 || port > 65535) {
            throw new InvalidCommandException(where + ": port " + port + " is outside 1-65535");
        }
        return port;
    }

    static Integer mtu(String where, Integer value) {
        if (value != null && (value < 68 || value > 65535)) {
            throw new InvalidCommandException(where + ": mtu " + value + " is outside 68-65535");
        }
        return value;
    }

    static String hostname(String where, String value) {
        if (value != null && !value.isEmpty() && !HOSTNAME.matcher(value).matches()) {
            throw new InvalidCommandException(where + ": '" + value + "' is not a valid host name");
        }
        return value == null || value.isEmpty() ? null : value;
    }
}

package io.vrouter.agent.dataplane;

/** What {@code /ping} reports: healthy, or the reason it is not (for example "dnsmasq restarting"). */
public record Health(boolean healthy, String detail) {

    public static final Health OK = new Health(true, null);

    public static Health unhealthy(String detail) {
        return new Health(false, detail);
    }
}

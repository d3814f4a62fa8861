package io.vrouter.agent.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One nic of the virtual router. {@code category} is "Public", "Private" (guest) or "Management";
 * the agent treats Public nics as the untrusted side of its firewall.
 */
public record NicInfo(
        String ip,
        String mac,
        String gateway,
        String netmask,
        @JsonProperty("isDefaultRoute") boolean isDefaultRoute,
        String category,
        String l2type,
        Integer vni,
        Integer mtu) {

    public static final String CATEGORY_PUBLIC = "Public";
    public static final String CATEGORY_PRIVATE = "Private";
    public static final String CATEGORY_MANAGEMENT = "Management";

    public boolean isPublic() {
        return CATEGORY_PUBLIC.equalsIgnoreCase(category);
    }

    public boolean isManagement() {
        return CATEGORY_MANAGEMENT.equalsIgnoreCase(category);
    }
}

package io.vrouter.server.l3;

/**
 * An L3 network as other packages (VMs, network services) need it.
 *
 * @param type      {@code L3BasicNetwork}
 * @param state     {@code Enabled} or {@code Disabled}
 * @param system    a system network (management, public) refuses user VMs
 * @param dnsDomain the DNS domain handed to guests, or null
 */
public record L3NetworkRecord(String uuid, String name, String zoneUuid, String l2NetworkUuid, String type, String state,
                              boolean system, String dnsDomain) {
}

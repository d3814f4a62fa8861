package io.vrouter.server.cluster;

/** A cluster as other packages need it. */
public record ClusterRecord(String uuid, String name, String zoneUuid, String hypervisorType, String state) {
}

package io.vrouter.server.query;

/**
 * A field of an inventory and the column it is read from.
 *
 * @param name   the inventory's (ZStack's) field name, e.g. {@code l3NetworkUuid}
 * @param column the column, e.g. {@code l3_network_uuid}
 */
public record QueryField(String name, String column, FieldType type) {
}

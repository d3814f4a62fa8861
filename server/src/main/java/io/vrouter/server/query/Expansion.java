package io.vrouter.server.query;

/**
 * A relation from one inventory to another, through which a condition reaches nested fields
 * ({@code vmNics.ip=...}) and, when {@code inline}, through which the related rows are embedded in each
 * inventory ({@code "vmNics":[...]}).
 *
 * @param name        the field name, e.g. {@code vmNics}
 * @param target      the related inventory's name
 * @param localField  the field of this inventory that joins, e.g. {@code uuid}
 * @param remoteField the field of the target that joins, e.g. {@code vmInstanceUuid}
 * @param many        a collection (true) or a single related inventory (false)
 * @param inline      embedded in every inventory of this kind
 * @param valueField  for inline collections of plain values (an L3's {@code dns}): the one field to show
 * @param orderField  for inline collections: the order they are shown in, or null
 */
public record Expansion(String name, String target, String localField, String remoteField, boolean many,
                        boolean inline, String valueField, String orderField) {

    /** A related inventory reachable by conditions only: {@code zone.name=...}. */
    public static Expansion one(String name, String target, String localField, String remoteField) {
        return new Expansion(name, target, localField, remoteField, false, false, null, null);
    }

    /** A related collection reachable by conditions only. */
    public static Expansion many(String name, String target, String localField, String remoteField) {
        return new Expansion(name, target, localField, remoteField, true, false, null, null);
    }

    /** A collection embedded in each inventory and reachable by conditions. */
    public static Expansion inlineMany(String name, String target, String localField, String remoteField, String orderField) {
        return new Expansion(name, target, localField, remoteField, true, true, null, orderField);
    }

    /** A collection of plain values embedded in each inventory, e.g. an L3's dns addresses in order. */
    public static Expansion inlineValues(String name, String target, String localField, String remoteField,
                                         String valueField, String orderField) {
        return new Expansion(name, target, localField, remoteField, true, true, valueField, orderField);
    }
}

package io.vrouter.api;

/**
 * One condition of a query: {@code {name, op, value}}. Conditions of a query are AND-ed.
 * For {@code in} and {@code not in} the value is a comma-separated list; for the null tests it is absent.
 *
 * @param name  a field of the queried inventory, or a nested field such as {@code vmNics.ip}
 * @param op    the operator as on the wire, see {@link QueryOp}
 * @param value the value as text; the server converts it to the field's type
 */
public record QueryCondition(String name, String op, String value) {
}

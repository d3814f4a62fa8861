package io.vrouter.api;

import java.util.Arrays;
import java.util.Optional;

/** The operators of a query condition, spelled as on the wire (reference §5). */
public enum QueryOp {
    EQ("="), NOT_EQ("!="), GT(">"), GT_OR_EQ(">="), LT("<"), LT_OR_EQ("<="),
    IN("in"), NOT_IN("not in"), IS_NULL("is null"), NOT_NULL("is not null"),
    LIKE("like"), NOT_LIKE("not like");

    private final String wire;

    QueryOp(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** True for the operators that take no value. */
    public boolean unary() {
        return this == IS_NULL || this == NOT_NULL;
    }

    /** True for the operators whose value is a comma-separated list. */
    public boolean takesList() {
        return this == IN || this == NOT_IN;
    }

    public static Optional<QueryOp> fromWire(String op) {
        if (op == null) {
            return Optional.empty();
        }
        String normalized = op.trim().toLowerCase().replaceAll("\\s+", " ");
        return Arrays.stream(values()).filter(o -> o.wire.equals(normalized)).findFirst();
    }
}

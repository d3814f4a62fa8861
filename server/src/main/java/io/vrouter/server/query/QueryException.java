package io.vrouter.server.query;

/** A query that cannot be compiled: an unknown field, a bad operator for the field, a value of the wrong type. */
public final class QueryException extends RuntimeException {
    public QueryException(String message) {
        super(message);
    }
}

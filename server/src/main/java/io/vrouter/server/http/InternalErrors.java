package io.vrouter.server.http;

import io.vrouter.api.ApiError;
import io.vrouter.api.ErrorCode;
import io.vrouter.server.db.Uuid;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * What a bug looks like from outside: HTTP 500 with a generic body and an incident id, and one log entry under
 * that id. The reply never carries the exception's text (it may hold SQL, values or paths), and a database error
 * is logged without its message: jOOQ's and the drivers' messages quote the statement and the values, so the log
 * gets the exception classes, the SQL state and the stack, enough to find the statement in the code.
 */
public final class InternalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(InternalErrors.class);

    private InternalErrors() {
    }

    /** Logs {@code error} once under a new incident id and returns the envelope to send. */
    public static ApiError.Envelope report(String method, String path, Throwable error) {
        String incident = Uuid.random().substring(0, 12);
        SQLException sql = sqlCause(error);
        if (sql == null && !(rootOf(error) instanceof DataAccessException)) {
            LOG.error("internal error {} serving {} {}", incident, method, path, error);
        } else {
            LOG.error("internal error {} serving {} {}: database error, SQL state {} ({}); statement and values not logged",
                    incident, method, path, sql == null ? "unknown" : sql.getSQLState(), chain(error), withoutMessages(error));
        }
        return new ApiError.Envelope(new ApiError(ErrorCode.INTERNAL_ERROR.code(), "internal error",
                "internal error " + incident + ": the node logged the details under this id"));
    }

    private static SQLException sqlCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static Throwable rootOf(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The class names of the cause chain, outermost first. */
    private static String chain(Throwable error) {
        StringBuilder names = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            names.append(names.isEmpty() ? "" : " <- ").append(t.getClass().getName());
        }
        return names.toString();
    }

    /** The same chain and stack frames, every message dropped. */
    private static Throwable withoutMessages(Throwable error) {
        Throwable cause = error.getCause() == null || error.getCause() == error ? null : withoutMessages(error.getCause());
        Throwable copy = new RedactedException(error.getClass().getName(), cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** Stands in for an exception whose message may quote SQL: its message is the original's class name. */
    private static final class RedactedException extends Exception {
        RedactedException(String originalClass, Throwable cause) {
            super(originalClass, cause, false, true);
        }
    }
}

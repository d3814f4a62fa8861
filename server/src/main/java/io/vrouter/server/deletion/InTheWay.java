package io.vrouter.server.deletion;

import io.vrouter.server.api.ApiException;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Table;

import java.util.ArrayList;
import java.util.List;

import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;

/**
 * What stands in the way of deleting a resource: its children, collected kind by kind, then one refusal that names
 * them all (the first few of each kind), so the user learns everything to remove from one error.
 */
public final class InTheWay {
    private static final int SHOWN = 10;

    private final DSLContext tx;
    private final List<String> parts = new ArrayList<>();

    public InTheWay(DSLContext tx) {
        this.tx = tx;
    }

    /** Adds the rows of a table with a uuid and a name column that match, as "2 cluster(s): c1 (uuid), c2 (uuid)". */
    public InTheWay named(String what, Table<?> table, Condition condition) {
        int count = tx.fetchCount(table, condition);
        if (count > 0) {
            List<String> names = tx.select(NAME, UUID).from(table).where(condition).orderBy(NAME, UUID).limit(SHOWN)
                    .fetch(r -> r.value1() + " (" + r.value2() + ")");
            add(what, count, names);
        }
        return this;
    }

    /** Adds count things described by the given (possibly partial) list of labels. */
    public InTheWay add(String what, int count, List<String> labels) {
        if (count > 0) {
            parts.add(count + " " + what + ": " + String.join(", ", labels.subList(0, Math.min(labels.size(), SHOWN)))
                    + (count > Math.min(labels.size(), SHOWN) ? ", ..." : ""));
        }
        return this;
    }

    /** True when nothing stands in the way. */
    public boolean isEmpty() {
        return parts.isEmpty();
    }

    /** Throws SYS.1008 "&lt;refusal&gt;: 2 VM(s) ...: a (uuid), b (uuid)" when anything was found. */
    public void refuse(String refusal) {
        if (!parts.isEmpty()) {
            throw ApiException.conflict(refusal + ": " + String.join("; ", parts));
        }
    }

    /** Throws SYS.1008 "&lt;resource&gt; still has ...: remove them first" when anything was found. */
    public void refuseDeleting(String resource) {
        if (!parts.isEmpty()) {
            throw ApiException.conflict("cannot delete " + resource + ": it still has " + String.join("; ", parts)
                    + "; delete or detach them first");
        }
    }
}

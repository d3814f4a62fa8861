package io.vrouter.server.deletion;

import org.jooq.DSLContext;

/**
 * One child package's check that a parent may go: it adds to {@code inTheWay} the children of {@code parentUuid}
 * that the child package owns (in its own tables). The parent runs it inside its deleting transaction, after it has
 * locked its own row, so a child created concurrently either waits for that lock or is seen here.
 */
@FunctionalInterface
public interface DeletionGuard {
    void collect(DSLContext tx, String parentUuid, InTheWay inTheWay);
}

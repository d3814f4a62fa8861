package io.vrouter.server.deletion;

import org.jooq.DSLContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The deletion guards a parent resource holds, registered by its child packages at wiring time (the parent never
 * reads a child's table). They run in registration order, so the refusal lists the children in the order the
 * composition root wires the packages.
 */
public final class DeletionGuards {
    private final List<DeletionGuard> guards = new CopyOnWriteArrayList<>();

    public void register(DeletionGuard guard) {
        guards.add(guard);
    }

    /** Every guard's findings for the parent, to which the parent may add its own before refusing. */
    public InTheWay collect(DSLContext tx, String parentUuid) {
        InTheWay inTheWay = new InTheWay(tx);
        guards.forEach(guard -> guard.collect(tx, parentUuid, inTheWay));
        return inTheWay;
    }
}

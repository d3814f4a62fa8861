package io.vrouter.server.deletion;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The deletion guards a parent resource holds, registered by its child packages at wiring time (the parent never
 * reads a child's table). They run in registration order, so the refusal lists the children in the order the
 * composition root wires the packages.
 */
public final class DeletionGuards {
    private final List<DeletionGuard> guards = new CopyOnWriteArrayList<>();
    private final List<DeletionCascade> cascades = new CopyOnWriteArrayList<>();

    public void register(DeletionGuard guard) {
        guards.add(guard);
    }

    /** A child package's release of what it keeps of a parent that goes (see {@link DeletionCascade}). */
    public void registerCascade(DeletionCascade cascade) {
        cascades.add(cascade);
    }

    /** Runs every cascade for the parent; call after the guards let the deletion through, before deleting its row. */
    public void release(DSLContext tx, String parentUuid) {
        cascades.forEach(cascade -> cascade.release(tx, parentUuid));
    }

    /** Every guard's findings for the parent, to which the parent may add its own before refusing. */
    public InTheWay collect(DSLContext tx, String parentUuid) {
        InTheWay inTheWay = new InTheWay(tx);
        guards.forEach(guard -> guard.collect(tx, parentUuid, inTheWay));
        return inTheWay;
    }

    /**
     * Deletes a parent that has nothing of its own to add to the refusal, in one transaction: {@code lock} takes the
     * parent's row (throwing when there is none), so no child can be created under it meanwhile; the guards refuse
     * (SYS.1008 naming {@code resource}) while a child package still has rows under it; then the cascades release
     * what child packages keep of it and {@code delete} removes the row.
     *
     * @param resource the parent for the refusal, e.g. {@code zone <uuid>}
     */
    public void deleteUnlessInTheWay(DSLContext dsl, String parentUuid, String resource, Consumer<DSLContext> lock,
                                     Consumer<DSLContext> delete) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lock.accept(tx);
            collect(tx, parentUuid).refuseDeleting(resource);
            release(tx, parentUuid);
            delete.accept(tx);
        });
    }
}

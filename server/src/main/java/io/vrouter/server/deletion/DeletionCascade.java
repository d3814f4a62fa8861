package io.vrouter.server.deletion;

import org.jooq.DSLContext;

/**
 * What a child package lets go of when a parent goes, where ZStack detaches rather than refuses: a zone's deletion
 * detaches its backup storages (they serve other zones, and hold images that outlive any zone). The parent runs it
 * inside its deleting transaction, after every {@link DeletionGuard} has let the deletion through, so a refused
 * deletion detaches nothing.
 */
@FunctionalInterface
public interface DeletionCascade {
    void release(DSLContext tx, String parentUuid);
}

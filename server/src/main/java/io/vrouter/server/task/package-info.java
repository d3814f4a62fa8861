/**
 * Per-resource serial task queues (a sync signature with a parallelism degree) and the flow chain whose
 * steps roll back, so blocking work on one resource never interleaves and a failed operation leaves nothing half-made.
 */
package io.vrouter.server.task;

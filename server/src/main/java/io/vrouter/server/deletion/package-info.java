/**
 * Refusing to delete a parent that still has children, without the parent knowing its children's tables: each
 * child package registers a {@link io.vrouter.server.deletion.DeletionGuard} with its parent (for example the VM
 * package with zones, clusters, hosts, L3 networks, images and offerings), and the parent's delete collects them
 * into one {@link io.vrouter.server.deletion.InTheWay} refusal (SYS.1008 naming the children).
 */
package io.vrouter.server.deletion;

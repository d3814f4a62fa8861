/**
 * Management nodes sharing one database: each node's row and heartbeat ({@code management_node}), and which node
 * tracks each host ({@code host_tracker}, a lease per host). See {@link io.vrouter.server.managementnode.ManagementNodes}.
 */
package io.vrouter.server.managementnode;

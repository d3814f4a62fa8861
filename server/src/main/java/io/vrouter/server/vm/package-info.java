/**
 * VM instances, their nics and root volumes: creation (placement, addresses, MACs), start, stop, reboot and destroy
 * as flows with rollback, serialised per VM, with extension points where network services attach.
 */
package io.vrouter.server.vm;

/**
 * The hypervisor SPI: create, start, stop, reboot and destroy a VM with its nics on a host. Backends live in
 * sub-packages ({@code simulator}; {@code netns} on a real Linux host).
 */
package io.vrouter.server.hypervisor;

/**
 * The one JNA interface to glibc ({@link io.vrouter.agent.libc.LibC}), for what the JDK cannot do: netlink sockets
 * ({@link io.vrouter.agent.libc.Netlink}: opening one, the kernel's address), entering a network namespace.
 */
package io.vrouter.agent.libc;

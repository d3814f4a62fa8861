/**
 * The one JNA interface to glibc ({@link io.vrouter.platform.libc.LibC}), for what the JDK cannot do: netlink sockets
 * ({@link io.vrouter.platform.libc.Netlink}: opening one, the kernel's address), entering a network namespace.
 */
package io.vrouter.platform.libc;

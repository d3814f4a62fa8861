/** The one JNA interface to glibc, for what the JDK cannot do: netlink sockets, entering a network namespace. */
package io.vrouter.agent.libc;

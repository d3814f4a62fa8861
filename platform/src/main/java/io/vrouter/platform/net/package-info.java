/** IPv4 addresses, networks and MAC addresses as values: parsing that rejects anything but the canonical forms (what the kernel would), and arithmetic. One type for the management node and the agent. */
package io.vrouter.platform.net;

/** IPv4 addresses and networks as values: parsing that rejects anything but the canonical forms, and arithmetic. */
package io.vrouter.server.net;

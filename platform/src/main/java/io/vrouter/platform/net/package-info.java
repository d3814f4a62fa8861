/** IPv4 addresses, subnets and MAC addresses: parsing that rejects what the kernel would, and formatting. */
package io.vrouter.agent.net;

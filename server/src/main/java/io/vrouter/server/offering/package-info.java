/** Instance offerings: the CPU and memory a VM gets; virtual router offerings extend them. */
package io.vrouter.server.offering;

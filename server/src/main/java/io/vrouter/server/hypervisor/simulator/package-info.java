/** The Simulator hypervisor: VMs that exist only in memory, for tests and scale runs; failures can be injected. */
package io.vrouter.server.hypervisor.simulator;

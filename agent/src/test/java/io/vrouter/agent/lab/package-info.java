/** Throwaway network-namespace topologies with a real agent inside, for the Linux tests and the benchmarks. */
package io.vrouter.agent.lab;

/** Benchmarks of the real agent in a namespace ({@code ./vrouter bench agent...}), with the naive per-rule approach as reference. */
package io.vrouter.tools.agentbench;

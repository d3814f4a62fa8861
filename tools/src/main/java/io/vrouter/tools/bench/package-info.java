/**
 * Reproducible benchmarks of the management node (issues 3 and 5): each starts its own in-process node on a
 * temporary data directory, drives it through the real HTTP API and prints a result table; docs/benchmarks.md
 * records the numbers.
 */
package io.vrouter.tools.bench;

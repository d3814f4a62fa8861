/** The management node: its entry point and the composition root that wires every package together. */
package io.vrouter.server;

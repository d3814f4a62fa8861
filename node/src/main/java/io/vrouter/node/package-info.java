/** The runnable management node: the server module composed with the agent module for the Simulators routers. */
package io.vrouter.node;

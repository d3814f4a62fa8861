/** The boundary between desired state and the system that provides it: the Dataplane interface and its in-memory recording implementation. */
package io.vrouter.agent.dataplane;

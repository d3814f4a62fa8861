/** The agent's command handling, independent of HTTP: validation, desired state, and handing changes to a dataplane. */
package io.vrouter.agent.core;

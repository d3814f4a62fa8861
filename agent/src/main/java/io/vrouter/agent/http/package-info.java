/** HTTP transport of the agent: one agent on its own port, or many agents mounted under /agents/{id} in one server. */
package io.vrouter.agent.http;

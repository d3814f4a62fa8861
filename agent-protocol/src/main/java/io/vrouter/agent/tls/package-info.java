/**
 * Mutual TLS between the management node and its agents: the installation's certificate authority, the identities it
 * issues (management node, agents) and the TLS contexts built from them. JDK only, so every agent can use it.
 */
package io.vrouter.agent.tls;

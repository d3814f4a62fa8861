/** The agent's entry point and its configuration file. */
package io.vrouter.agent;

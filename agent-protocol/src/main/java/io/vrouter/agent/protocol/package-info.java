/** Commands, replies and paths of the virtual router agent protocol, with ZStack's JSON names, and the one client that speaks it. */
package io.vrouter.agent.protocol;

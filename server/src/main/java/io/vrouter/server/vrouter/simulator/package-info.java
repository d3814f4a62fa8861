/** Virtual router agents of Simulator routers: the real agent, in-process, with a recording dataplane, over real HTTP. */
package io.vrouter.server.vrouter.simulator;

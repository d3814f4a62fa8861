/**
 * The network service framework: providers and the service types they offer, which services an L3 takes from
 * which provider, and the calls into a provider when a VM on such an L3 starts, stops or goes away.
 */
package io.vrouter.server.networkservice;

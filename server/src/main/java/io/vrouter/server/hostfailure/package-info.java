/**
 * When is a host dead, and what follows: {@link io.vrouter.server.hostfailure.HostLiveness} (how a hypervisor type
 * probes its hosts' agents and data planes), {@link io.vrouter.server.hostfailure.DeathRule} (the rule, written in
 * docs/operations.md), {@link io.vrouter.server.hostfailure.HostFailureDetector} (runs the rule on the hosts this
 * management node tracks and tells the {@link io.vrouter.server.hostfailure.HostFailureListener}s: routers move
 * away from a dead host; what it still holds of them is destroyed when it returns, before it is Connected).
 */
package io.vrouter.server.hostfailure;

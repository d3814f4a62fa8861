/** VRRP pairs: the router's part in a highly available pair (keepalived, conntrackd) and the HA status it reports. */
package io.vrouter.agent.ha;

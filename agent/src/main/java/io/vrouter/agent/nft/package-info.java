/** The agent's nftables table: rendering desired state to one atomic script or to per-element changes, and applying them. */
package io.vrouter.agent.nft;

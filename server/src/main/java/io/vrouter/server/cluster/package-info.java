/**
 * Clusters ({@code CreateCluster}, {@code DeleteCluster}, {@code QueryCluster}). Deleting a cluster that still has
 * hosts or VMs is refused with SYS.1008 naming them; its L2 attachments are removed with it, and so are its tags.
 */
package io.vrouter.server.cluster;

/** Running short system commands (nft, ip, conntrack, kill) with a timeout and errors that say what failed. */
package io.vrouter.platform.process;

/** How background threads are made: {@link io.vrouter.platform.threads.DaemonThreads}. */
package io.vrouter.platform.threads;

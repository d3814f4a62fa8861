/**
 * {@code ./vrouter demo}: the seed walked on this host with the netns backend, and the pieces the demo, the
 * end-to-end tests and the netns benchmark share (an API client, an outside world, probes from inside a guest).
 */
package io.vrouter.tools.demo;

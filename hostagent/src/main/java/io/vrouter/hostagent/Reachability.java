package io.vrouter.hostagent;

import io.vrouter.platform.threads.DaemonThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Which addresses this host reaches from its own network stack: an ICMP echo each (the agent runs as root, so
 * {@link InetAddress#isReachable} sends a real echo request), all at once, each within the timeout. What a host
 * agent answers as a witness of another host's death, and how a host looks for its peers before fencing itself.
 */
final class Reachability implements AutoCloseable {
    private final ExecutorService probes = Executors.newCachedThreadPool(DaemonThreads.named("host-probe"));

    /** The addresses of {@code addresses} that answered within {@code timeout}, in their order. */
    List<String> reachable(List<String> addresses, Duration timeout) {
        int millis = (int) Math.max(100, Math.min(timeout.toMillis(), 10_000));
        List<CompletableFuture<Boolean>> answers = addresses.stream()
                .map(a -> CompletableFuture.supplyAsync(() -> answers(a, millis), probes)).toList();
        List<String> reached = new java.util.ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            if (answers.get(i).join()) {
                reached.add(addresses.get(i));
            }
        }
        return reached;
    }

    private static boolean answers(String address, int millis) {
        try {
            return InetAddress.getByName(address).isReachable(millis);
        } catch (IOException e) {
            return false; // no route, or not an address: not reached
        }
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}

package io.vrouter.server.l3;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Many allocators racing on one L3 range: every address handed out once, all of the range handed out, and the
 * calls beyond it told plainly that the L3 is full. Once per database (see the subclasses).
 */
abstract class IpAllocatorConcurrencyContract extends NodeContract {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 200;
    /** 10.20.0.0/22 less network, gateway and broadcast. */
    private static final int USABLE = 1024 - 3;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void eightThreadsExhaustASlash22WithoutADuplicate() throws Exception {
        String l3 = infra.l3();
        infra.rangeByCidr(l3, "10.20.0.0/22");
        IpAllocator allocator = new IpAllocator(node.node().database().dsl(), node.clock());

        List<String> allocated = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        try {
                            allocated.add(allocator.allocate(l3, null, "VmNic").ip());
                        } catch (ApiException e) {
                            failures.add(e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(new HashSet<>(allocated)).hasSize(allocated.size());
        assertThat(allocated).hasSize(USABLE);
        assertThat(allocated).allMatch(ip -> ip.startsWith("10.20.") && !ip.equals("10.20.0.1") && !ip.equals("10.20.0.0")
                && !ip.equals("10.20.3.255"));
        String full = "L3 network " + l3 + " has no free IP: all " + USABLE + " addresses of its 1 IP range(s) are in use";
        assertThat(failures).hasSize(THREADS * PER_THREAD - USABLE).containsOnly(full);
        assertThatThrownBy(() -> allocator.allocate(l3, null, "VmNic")).isInstanceOf(ApiException.class).hasMessage(full);
        assertThat(node.admin().ok("GetFreeIp", java.util.Map.of("l3NetworkUuid", l3)).get("inventories")).isEmpty();
    }
}

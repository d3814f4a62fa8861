package io.vrouter.tools.demo;

import io.vrouter.hostagent.HostAgent;
import io.vrouter.hostagent.HostTesting;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a netns test class: every step runs even when an earlier one fails, then nothing with the host
 * agent's prefix may be left; the first failure is thrown with the others attached.
 */
final class NetnsTeardown {
    private NetnsTeardown() {
    }

    /** @param hypervisor the test's host agent, null when the class never got that far */
    static void run(HostAgent hypervisor, Runnable... steps) {
        List<RuntimeException> failures = new ArrayList<>();
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (hypervisor != null) {
            String prefix = hypervisor.names().prefix();
            assertThat(HostTesting.leftovers(prefix)).as("namespaces and links left with prefix " + prefix).isEmpty();
        }
        if (!failures.isEmpty()) {
            failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
            throw failures.get(0);
        }
    }
}

package io.vrouter.server.hypervisor;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The hypervisor backends by type; a cluster's {@code hypervisorType} names one. */
public final class Hypervisors {
    private final Map<String, Hypervisor> byType = new ConcurrentHashMap<>();

    public void register(Hypervisor hypervisor) {
        if (byType.putIfAbsent(hypervisor.type(), hypervisor) != null) {
            throw new IllegalStateException("hypervisor " + hypervisor.type() + " is registered twice");
        }
    }

    public Hypervisor get(String type) {
        Hypervisor h = byType.get(type);
        if (h == null) {
            throw new HypervisorException("no hypervisor backend of type " + type + "; backends are " + types());
        }
        return h;
    }

    public java.util.Collection<Hypervisor> all() {
        return java.util.List.copyOf(byType.values());
    }

    public Set<String> types() {
        return new TreeSet<>(byType.keySet());
    }
}

package io.vrouter.server.vip;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.eip.EipView;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.server.portforwarding.PortForwardingView;
import io.vrouter.server.vm.VmLifecycleExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A fake router provider that reconciles as the real one does: asked to sync a guest L3, it reads the L3's active
 * EIPs and rules from the database and records, against what it holds, each rule it would revoke
 * ({@code eipDetached}, {@code ruleDetached}) and apply ({@code eipAttached}, {@code ruleAttached}), with the view
 * and whether the rule's row existed at that moment. It fails the next call of a kind on demand; after a failure it
 * holds both the old and the new rules (a half-done push), so the undo's sync revokes what was half applied.
 * A VM start or stop only updates what it holds, silently: the tests watch what rule changes send.
 */
public final class RecordingApplier implements VipRuleRouters, VmLifecycleExtension {
    /** One call: kind ("eipAttached", "ruleDetached"...), the view, and whether its row existed then. */
    public record Call(String kind, Object view, boolean rowExisted) {
        public String name() {
            return view instanceof EipView e ? e.name() : ((PortForwardingView) view).name();
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Set<String> failNext = ConcurrentHashMap.newKeySet();
    private final Set<String> refuseAttach = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, VipRules.ActiveRule>> heldByL3 = new HashMap<>();
    private final Predicate<String> rowExists;
    private final Eips eips;
    private final PortForwardingRules rules;

    /** @param rowExists whether a uuid's EIP or rule row exists (asked at each call) */
    public RecordingApplier(Predicate<String> rowExists, Eips eips, PortForwardingRules rules) {
        this.rowExists = rowExists;
        this.eips = eips;
        this.rules = rules;
    }

    public void failNext(String kind) {
        failNext.add(kind);
    }

    /** checkAttach refuses attaching anything to this nic. */
    public void refuseAttachTo(String nicUuid) {
        refuseAttach.add(nicUuid);
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<String> kinds() {
        return calls.stream().map(c -> c.kind() + ":" + c.name()).toList();
    }

    public synchronized void clear() {
        calls.clear();
    }

    @Override
    public void checkAttach(VipRules.Kind<?> kind, String vipUuid, String vmNicUuid) {
        if (refuseAttach.contains(vmNicUuid)) {
            throw ApiException.invalidArgument("the provider refuses nic " + vmNicUuid);
        }
    }

    private Map<String, VipRules.ActiveRule> activeOn(String guestL3) {
        Map<String, VipRules.ActiveRule> active = new LinkedHashMap<>();
        eips.activeEipsOnGuestL3(guestL3).forEach(e -> active.put(e.uuid(), e));
        rules.activeRulesOnGuestL3(guestL3).forEach(r -> active.put(r.uuid(), r));
        return active;
    }

    @Override
    public synchronized void syncGuestL3(String guestL3Uuid) {
        Map<String, VipRules.ActiveRule> held = heldByL3.computeIfAbsent(guestL3Uuid, k -> new LinkedHashMap<>());
        Map<String, VipRules.ActiveRule> want = activeOn(guestL3Uuid);
        try {
            for (VipRules.ActiveRule had : held.values()) {
                if (!Objects.equals(want.get(had.uuid()), had)) {
                    record(had instanceof EipView ? "eipDetached" : "ruleDetached", had);
                }
            }
            for (VipRules.ActiveRule wanted : want.values()) {
                if (!Objects.equals(held.get(wanted.uuid()), wanted)) {
                    record(wanted instanceof EipView ? "eipAttached" : "ruleAttached", wanted);
                }
            }
            held.clear();
        } finally {
            // on failure the router may hold both
            held.putAll(want);
        }
    }

    private void record(String kind, VipRules.ActiveRule view) {
        calls.add(new Call(kind, view, rowExists.test(view.uuid())));
        if (failNext.remove(kind)) {
            throw new IllegalStateException("simulated agent failure on " + kind);
        }
    }

    private synchronized void rebaseline(VmSpec vm) {
        for (NicSpec nic : vm.nics()) {
            heldByL3.put(nic.l3NetworkUuid(), activeOn(nic.l3NetworkUuid()));
        }
    }

    @Override
    public void afterStart(VmSpec vm) {
        rebaseline(vm);
    }

    @Override
    public void afterStop(VmSpec vm) {
        rebaseline(vm);
    }
}

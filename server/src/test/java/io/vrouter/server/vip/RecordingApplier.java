package io.vrouter.server.vip;

import io.vrouter.server.api.ApiException;
import io.vrouter.server.eip.EipApplier;
import io.vrouter.server.eip.EipView;
import io.vrouter.server.portforwarding.PortForwardingApplier;
import io.vrouter.server.portforwarding.PortForwardingView;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A fake router provider: records every applier call with its view and whether the record was still in the
 * database at that moment, and fails the next call of a kind on demand.
 */
public final class RecordingApplier implements EipApplier, PortForwardingApplier {
    /** One call: kind ("eipAttached", "ruleDetached"...), the view, and whether its row existed then. */
    public record Call(String kind, Object view, boolean rowExisted) {
        public String name() {
            return view instanceof EipView e ? e.name() : ((PortForwardingView) view).name();
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Set<String> failNext = ConcurrentHashMap.newKeySet();
    private final Set<String> refuseAttach = ConcurrentHashMap.newKeySet();
    private final Predicate<String> rowExists;

    /** @param rowExists whether a uuid's EIP or rule row exists (asked at each call) */
    public RecordingApplier(Predicate<String> rowExists) {
        this.rowExists = rowExists;
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

    private void record(String kind, Object view, String uuid) {
        boolean existed = rowExists.test(uuid);
        synchronized (this) {
            calls.add(new Call(kind, view, existed));
        }
        if (failNext.remove(kind)) {
            throw new IllegalStateException("simulated agent failure on " + kind);
        }
    }

    @Override
    public void checkAttach(String vipUuid, String vmNicUuid) {
        if (refuseAttach.contains(vmNicUuid)) {
            throw ApiException.invalidArgument("the provider refuses nic " + vmNicUuid);
        }
    }

    @Override
    public void eipAttached(EipView eip) {
        record("eipAttached", eip, eip.uuid());
    }

    @Override
    public void eipDetached(EipView eip) {
        record("eipDetached", eip, eip.uuid());
    }

    @Override
    public void ruleAttached(PortForwardingView rule) {
        record("ruleAttached", rule, rule.uuid());
    }

    @Override
    public void ruleDetached(PortForwardingView rule) {
        record("ruleDetached", rule, rule.uuid());
    }
}

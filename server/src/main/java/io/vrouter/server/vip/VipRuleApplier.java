package io.vrouter.server.vip;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A kind's applier as {@link VipRules} calls it. Each kind keeps its own applier interface (its method names are
 * part of what the router provider implements, e.g. {@code EipApplier.eipAttached}) and adapts it with {@link #of}.
 *
 * @param <V> the kind's view of an active rule
 */
public interface VipRuleApplier<V> {
    /** Before a rule is created on or attached to a nic, inside no transaction; throws to refuse. */
    void checkAttach(String vipUuid, String vmNicUuid);

    /** After the commit that made the rule active. */
    void attached(V rule);

    /** Before the database forgets the active rule. */
    void detached(V rule);

    static <V> VipRuleApplier<V> of(BiConsumer<String, String> checkAttach, Consumer<V> attached, Consumer<V> detached) {
        return new VipRuleApplier<>() {
            @Override
            public void checkAttach(String vipUuid, String vmNicUuid) {
                checkAttach.accept(vipUuid, vmNicUuid);
            }

            @Override
            public void attached(V rule) {
                attached.accept(rule);
            }

            @Override
            public void detached(V rule) {
                detached.accept(rule);
            }
        };
    }

    static <V> VipRuleApplier<V> none() {
        return of((vip, nic) -> { }, rule -> { }, rule -> { });
    }
}

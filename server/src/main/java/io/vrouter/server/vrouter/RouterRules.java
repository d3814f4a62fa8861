package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.eip.EipApplier;
import io.vrouter.server.eip.EipView;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.networkservice.NetworkServiceType;
import io.vrouter.server.networkservice.NetworkServices;
import io.vrouter.server.portforwarding.PortForwardingApplier;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.server.portforwarding.PortForwardingView;
import io.vrouter.server.task.Task;
import io.vrouter.server.task.TaskQueues;
import io.vrouter.server.vip.Vips;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * EIPs, port forwarding and their VIPs on routers. Attaching or detaching sends only that rule (VIP first, then
 * the rule; on detach the rule, then the VIP when nothing else on the router uses it), through a serial queue per
 * router ({@code vr-rules-<uuid>}) so changes reach a router in the order they were made. As the desired-state
 * source it lists what the database says a router serves, which Reconnect and VM start/stop sync whole.
 */
final class RouterRules implements DesiredRouterState.RuleSource {
    private final VirtualRouters routers;
    private final RouterRepository repository;
    private final DesiredRouterState desired;
    private final NetworkServices services;
    private final VirtualRouterOfferings offerings;
    private final TaskQueues queues;
    private final Eips eips;
    private final PortForwardingRules portForwardings;
    private final Vips vips;

    RouterRules(VirtualRouters routers, RouterRepository repository, DesiredRouterState desired, NetworkServices services,
                VirtualRouterOfferings offerings, TaskQueues queues, Eips eips, PortForwardingRules portForwardings, Vips vips) {
        this.routers = routers;
        this.repository = repository;
        this.desired = desired;
        this.services = services;
        this.offerings = offerings;
        this.queues = queues;
        this.eips = eips;
        this.portForwardings = portForwardings;
        this.vips = vips;
    }

    // ---------------------------------------------------------------- checks before attach

    /** The applier EIPs call. */
    EipApplier eipApplier() {
        return new EipApplier() {
            @Override
            public void checkAttach(String vipUuid, String vmNicUuid) {
                check(vipUuid, vmNicUuid, NetworkServiceType.EIP);
            }

            @Override
            public void eipAttached(EipView eip) {
                RouterRules.this.eipAttached(eip);
            }

            @Override
            public void eipDetached(EipView eip) {
                RouterRules.this.eipDetached(eip);
            }
        };
    }

    /** The applier port forwarding rules call. */
    PortForwardingApplier portForwardingApplier() {
        return new PortForwardingApplier() {
            @Override
            public void checkAttach(String vipUuid, String vmNicUuid) {
                check(vipUuid, vmNicUuid, NetworkServiceType.PORT_FORWARDING);
            }

            @Override
            public void ruleAttached(PortForwardingView rule) {
                RouterRules.this.ruleAttached(rule);
            }

            @Override
            public void ruleDetached(PortForwardingView rule) {
                RouterRules.this.ruleDetached(rule);
            }
        };
    }

    private void check(String vipUuid, String vmNicUuid, String serviceType) {
        String nicL3 = repository.l3OfNic(vmNicUuid);
        if (nicL3 == null) {
            return;
        }
        if (!VirtualRouterProvider.TYPE.equals(services.servicesOf(nicL3).get(serviceType))) {
            throw ApiException.invalidArgument("L3 network " + nicL3 + " of nic " + vmNicUuid + " has no " + serviceType
                    + " service from the virtual router; attach it with AttachNetworkServiceToL3Network");
        }
        String vipL3 = vips.get(vipUuid).l3NetworkUuid();
        String publicL3 = repository.routerOf(nicL3).flatMap(repository::find).map(RouterRepository.Router::publicL3)
                .orElseGet(() -> offerings.selectFor(nicL3, repository.zoneOf(nicL3)).publicNetworkUuid());
        if (!publicL3.equals(vipL3)) {
            throw ApiException.invalidArgument("VIP " + vipUuid + " is on L3 network " + vipL3 + ", but the virtual router of L3 network "
                    + nicL3 + " has its public network on " + publicL3 + "; create the VIP on " + publicL3);
        }
    }

    // ---------------------------------------------------------------- incremental changes

    void eipAttached(EipView eip) {
        onRouterOf(eip.guestL3NetworkUuid(), "attach EIP " + eip.uuid(), (router, view) -> {
            VipTO vip = vipTO(view, eip.vipUuid(), eip.vipIp(), eip.vipNetmask(), eip.vipGateway());
            routers.command(router, "createvip", c -> c.createVips(List.of(vip)));
            routers.command(router, "createeip", c -> c.createEip(eipTO(view, eip)));
        });
    }

    void eipDetached(EipView eip) {
        onRouterOf(eip.guestL3NetworkUuid(), "detach EIP " + eip.uuid(), (router, view) -> {
            routers.command(router, "removeeip", c -> c.removeEip(eipTO(view, eip)));
            // an EIP's VIP is its alone: nothing else can still use it
            VipTO vip = vipTO(view, eip.vipUuid(), eip.vipIp(), eip.vipNetmask(), eip.vipGateway());
            routers.command(router, "removevip", c -> c.removeVips(List.of(vip)));
        });
    }

    void ruleAttached(PortForwardingView rule) {
        onRouterOf(rule.guestL3NetworkUuid(), "attach port forwarding " + rule.uuid(), (router, view) -> {
            VipTO vip = vipTO(view, rule.vipUuid(), rule.vipIp(), rule.vipNetmask(), rule.vipGateway());
            routers.command(router, "createvip", c -> c.createVips(List.of(vip)));
            routers.command(router, "createportforwarding", c -> c.createPortForwarding(List.of(ruleTO(view, rule))));
        });
    }

    void ruleDetached(PortForwardingView rule) {
        onRouterOf(rule.guestL3NetworkUuid(), "detach port forwarding " + rule.uuid(), (router, view) -> {
            routers.command(router, "revokeportforwarding", c -> c.revokePortForwarding(List.of(ruleTO(view, rule))));
            // the applier hears of a detach before the database changes: the rule itself still counts as a user
            boolean otherUsers = view.guestL3s().stream().flatMap(l3 -> portForwardings.activeRulesOnGuestL3(l3).stream())
                    .anyMatch(r -> r.vipUuid().equals(rule.vipUuid()) && !r.uuid().equals(rule.uuid()));
            if (!otherUsers) {
                VipTO vip = vipTO(view, rule.vipUuid(), rule.vipIp(), rule.vipNetmask(), rule.vipGateway());
                routers.command(router, "removevip", c -> c.removeVips(List.of(vip)));
            }
        });
    }

    /** What to do to a guest L3's router when it is up; nothing when it is not (its next connect syncs everything). */
    private interface RouterChange {
        void apply(RouterRepository.Router router, DesiredRouterState.RouterView view);
    }

    private void onRouterOf(String guestL3, String what, RouterChange change) {
        Optional<RouterRepository.Router> router = repository.routerOf(guestL3).flatMap(repository::find)
                .filter(r -> r.running() && VirtualRouters.CONNECTED.equals(r.status()));
        if (router.isEmpty()) {
            return;
        }
        DesiredRouterState.RouterView view = desired.view(router.get());
        try {
            queues.submit(Task.ofRunnable("vr-rules-" + router.get().uuid(), what, () -> change.apply(router.get(), view))).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof ApiException api ? api : ApiException.operationFailed(what + ": " + cause.getMessage());
        }
    }

    // ---------------------------------------------------------------- desired state

    @Override
    public List<VipTO> vips(DesiredRouterState.RouterView router) {
        Map<String, VipTO> byUuid = new LinkedHashMap<>();
        for (String l3 : router.guestL3s()) {
            vips.vipsInUseOnGuestL3(l3).forEach(v -> byUuid.put(v.uuid(), vipTO(router, v.uuid(), v.ip(), v.netmask(), v.gateway())));
        }
        return new ArrayList<>(byUuid.values());
    }

    @Override
    public List<EipTO> eips(DesiredRouterState.RouterView router) {
        List<EipTO> out = new ArrayList<>();
        for (String l3 : router.guestL3s()) {
            if (VirtualRouterProvider.TYPE.equals(services.servicesOf(l3).get(NetworkServiceType.EIP))) {
                eips.activeEipsOnGuestL3(l3).forEach(e -> out.add(eipTO(router, e)));
            }
        }
        return out;
    }

    @Override
    public List<PortForwardingRuleTO> portForwardings(DesiredRouterState.RouterView router) {
        List<PortForwardingRuleTO> out = new ArrayList<>();
        for (String l3 : router.guestL3s()) {
            if (VirtualRouterProvider.TYPE.equals(services.servicesOf(l3).get(NetworkServiceType.PORT_FORWARDING))) {
                portForwardings.activeRulesOnGuestL3(l3).forEach(r -> out.add(ruleTO(router, r)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- wire forms

    private static VipTO vipTO(DesiredRouterState.RouterView router, String uuid, String ip, String netmask, String gateway) {
        return new VipTO(ip, netmask, gateway, router.nicMacByL3().get(router.publicL3()), uuid);
    }

    private static EipTO eipTO(DesiredRouterState.RouterView router, EipView eip) {
        return new EipTO(eip.vipIp(), router.nicMacByL3().get(eip.guestL3NetworkUuid()), router.nicMacByL3().get(router.publicL3()),
                eip.guestIp(), false);
    }

    private static PortForwardingRuleTO ruleTO(DesiredRouterState.RouterView router, PortForwardingView rule) {
        return new PortForwardingRuleTO(rule.uuid(), rule.vipPortStart(), rule.vipPortEnd(), rule.privatePortStart(),
                rule.privatePortEnd(), rule.protocolType(), rule.vipIp(), router.nicMacByL3().get(router.publicL3()),
                rule.guestIp(), router.nicMacByL3().get(rule.guestL3NetworkUuid()), rule.allowedCidr(), false);
    }
}

package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.eip.EipView;
import io.vrouter.server.eip.Eips;
import io.vrouter.server.networkservice.NetworkServiceType;
import io.vrouter.server.networkservice.NetworkServices;
import io.vrouter.server.portforwarding.PortForwardingRules;
import io.vrouter.server.portforwarding.PortForwardingView;
import io.vrouter.server.vip.VipRuleRouters;
import io.vrouter.server.vip.VipRules;
import io.vrouter.server.vip.Vips;
import io.vrouter.server.vm.VmDirectory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EIPs, port forwarding and their VIPs on routers: the provider's side of {@link VipRuleRouters} (its checks, and a
 * sync of the guest L3's router through {@link RouterSync} when a rule changed, for just that rule), and the
 * desired-state source that reads what the database says a router serves: all of it, or only the rules that changed.
 */
final class RouterRules implements VipRuleRouters, DesiredRouterState.RuleSource {
    private final VirtualRouters routers;
    private final RouterRepository repository;
    private final NetworkServices services;
    private final VirtualRouterOfferings offerings;
    private final Eips eips;
    private final PortForwardingRules portForwardings;
    private final Vips vips;
    private final VmDirectory vms;

    RouterRules(VirtualRouters routers, RouterRepository repository, NetworkServices services, VirtualRouterOfferings offerings,
                Eips eips, PortForwardingRules portForwardings, Vips vips, VmDirectory vms) {
        this.routers = routers;
        this.repository = repository;
        this.services = services;
        this.offerings = offerings;
        this.eips = eips;
        this.portForwardings = portForwardings;
        this.vips = vips;
        this.vms = vms;
    }

    /** The nic's L3 has the kind's service from the virtual router, and the VIP is on that router's public L3. */
    @Override
    public void checkAttach(VipRules.Kind<?> kind, String vipUuid, String vmNicUuid) {
        String serviceType = kind.useFor();
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

    /** Whether a rule of this service type reaches the nic: else its VM coming or going changes no rule on the router. */
    boolean anyOnNic(String nicUuid, String serviceType) {
        return vips.anyRuleOnNic(nicUuid, serviceType);
    }

    @Override
    public void syncGuestL3(String guestL3Uuid) {
        routers.syncRouterOf(guestL3Uuid);
    }

    @Override
    public void syncRules(String guestL3Uuid, Set<String> ruleUuids) {
        routers.syncRulesOf(guestL3Uuid, ruleUuids);
    }

    // ---------------------------------------------------------------- desired state

    /** The guest L3s' nics of Running VMs are read once, then each kind's rules on them (a read per thousand nics). */
    @Override
    public RouterRuleSet all(DesiredRouterState.RouterView router) {
        Map<String, VmDirectory.NicWithVm> nics = new HashMap<>();
        for (String l3 : router.guestL3s()) {
            vms.nicsOfRunningVmsOn(l3).forEach(n -> nics.put(n.uuid(), n));
        }
        return ruleSet(router, eips.rules().placedOn(nics), portForwardings.rules().placedOn(nics));
    }

    /** A read of each kind's table by rule uuid (and of those rules' nics): the same few reads at any number of rules. */
    @Override
    public RouterRuleSet only(DesiredRouterState.RouterView router, Collection<String> ruleUuids) {
        return ruleSet(router, eips.rules().placed(ruleUuids), portForwardings.rules().placed(ruleUuids));
    }

    private RouterRuleSet ruleSet(DesiredRouterState.RouterView router, List<VipRules.Placed<EipView>> placedEips,
                                  List<VipRules.Placed<PortForwardingView>> placedRules) {
        Set<String> guests = Set.copyOf(router.guestL3s());
        Map<String, Map<String, String>> servicesByL3 = new HashMap<>();
        RouterRuleSet set = new RouterRuleSet();
        for (VipRules.Placed<EipView> eip : placedEips) {
            if (place(set, router, guests, eip) && served(servicesByL3, eip, NetworkServiceType.EIP)) {
                set.serve(eip.ruleUuid(), eipTO(router, eip.view()));
            }
        }
        for (VipRules.Placed<PortForwardingView> rule : placedRules) {
            if (place(set, router, guests, rule) && served(servicesByL3, rule, NetworkServiceType.PORT_FORWARDING)) {
                set.serve(rule.ruleUuid(), ruleTO(router, rule.view()));
            }
        }
        return set;
    }

    /** Places a rule on the router when its nic is on one of the router's guest L3s; true when its VIP is Enabled. */
    private static boolean place(RouterRuleSet set, DesiredRouterState.RouterView router, Set<String> guests,
                                 VipRules.Placed<? extends VipRules.ActiveRule> rule) {
        if (!guests.contains(rule.view().guestL3NetworkUuid())) {
            return false;
        }
        set.place(rule.ruleUuid(), rule.vipUuid(), rule.vipEnabled()
                ? new VipTO(rule.vipIp(), rule.vipNetmask(), rule.vipGateway(), router.nicMacByL3().get(router.publicL3()),
                        rule.vipUuid())
                : null);
        return rule.vipEnabled();
    }

    /** Whether the rule's guest L3 has the kind's service from the virtual router (each L3's services read once). */
    private boolean served(Map<String, Map<String, String>> servicesByL3, VipRules.Placed<? extends VipRules.ActiveRule> rule,
                           String serviceType) {
        String l3 = rule.view().guestL3NetworkUuid();
        return VirtualRouterProvider.TYPE.equals(servicesByL3.computeIfAbsent(l3, services::servicesOf).get(serviceType));
    }

    // ---------------------------------------------------------------- wire forms

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

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EIPs, port forwarding and their VIPs on routers: the provider's side of {@link VipRuleRouters} (its checks, and a
 * sync of the guest L3's router through {@link RouterSync} when a rule changed), and the desired-state source that
 * lists what the database says a router serves.
 */
final class RouterRules implements VipRuleRouters, DesiredRouterState.RuleSource {
    private final VirtualRouters routers;
    private final RouterRepository repository;
    private final NetworkServices services;
    private final VirtualRouterOfferings offerings;
    private final Eips eips;
    private final PortForwardingRules portForwardings;
    private final Vips vips;

    RouterRules(VirtualRouters routers, RouterRepository repository, NetworkServices services, VirtualRouterOfferings offerings,
                Eips eips, PortForwardingRules portForwardings, Vips vips) {
        this.routers = routers;
        this.repository = repository;
        this.services = services;
        this.offerings = offerings;
        this.eips = eips;
        this.portForwardings = portForwardings;
        this.vips = vips;
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

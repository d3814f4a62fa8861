package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.HaConfig;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.VipTO;
import io.vrouter.server.networkservice.DhcpMtu;
import io.vrouter.server.networkservice.NetworkServiceType;
import io.vrouter.server.networkservice.NetworkServices;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a router's agent should hold, derived from the database alone: that is what makes Reconnect able to
 * rebuild a router from nothing, and what the tests' consistency checker compares an agent's state against.
 */
public final class DesiredRouterState {
    /**
     * The whole state of one router, in the agent protocol's terms; {@code ha} is its part in a VRRP pair
     * ({@link HaConfig#DISABLED} for a plain router).
     */
    public record State(List<NicInfo> nics, HaConfig ha, List<DnsInfo> dns, List<DhcpInfo> dhcp, List<SNATInfo> snats,
                        List<VipTO> vips, List<EipTO> eips, List<PortForwardingRuleTO> portForwardings) {
    }

    /** Where EIP, VIP and port forwarding state comes from; empty until those resources exist. */
    interface RuleSource {
        RuleSource NONE = new RuleSource() {
            @Override
            public RouterRuleSet all(RouterView router) {
                return new RouterRuleSet();
            }

            @Override
            public RouterRuleSet only(RouterView router, Collection<String> ruleUuids) {
                return new RouterRuleSet();
            }
        };

        /** Every rule the router holds, read in one pass (the guest L3s' nics once, then each kind's rules on them). */
        RouterRuleSet all(RouterView router);

        /** Only these rules (of any kind), as the database has them now: those absent from the set are not placed. */
        RouterRuleSet only(RouterView router, Collection<String> ruleUuids);
    }

    /**
     * What a sync read: the state, and its rules kept by rule so that a later change of a few rules can be applied
     * to them ({@link RouterRuleSet#replace}).
     */
    record Snapshot(State base, RouterRuleSet rules) {
        /** The whole state; the rule lists are built from {@code rules} as they are now. */
        State state() {
            return new State(base.nics(), base.ha(), base.dns(), base.dhcp(), base.snats(), rules.vips(), rules.eips(),
                    rules.portForwardings());
        }
    }

    /** A router with its nics by L3, for rule sources. */
    public record RouterView(String uuid, String publicL3, Map<String, String> nicMacByL3, List<String> guestL3s) {
    }

    private final RouterRepository repository;
    private final NetworkServices services;
    private final DhcpMtu dhcpMtu;
    private volatile RuleSource rules = RuleSource.NONE;
    private final HaPairs pairs;

    DesiredRouterState(RouterRepository repository, NetworkServices services, DhcpMtu dhcpMtu, HaPairs pairs) {
        this.repository = repository;
        this.services = services;
        this.dhcpMtu = dhcpMtu;
        this.pairs = pairs;
    }

    void setRuleSource(RuleSource source) {
        this.rules = source;
    }

    State of(RouterRepository.Router router) {
        return read(router).state();
    }

    /** The router's whole desired state, as of now. */
    Snapshot read(RouterRepository.Router router) {
        List<RouterRepository.Nic> routerNics = repository.nicsOf(router.uuid());
        List<String> guests = repository.guestL3s(router.uuid());
        List<NicInfo> nics = routerNics.stream().map(n -> nicInfo(router, n, guests, dhcpMtu.of(n.l2Type()))).toList();
        HaConfig ha = pairs.configOf(router, routerNics, guests);
        List<DnsInfo> dns = new ArrayList<>();
        List<DhcpInfo> dhcp = new ArrayList<>();
        List<SNATInfo> snats = new ArrayList<>();
        for (String guest : guests) {
            Map<String, String> l3Services = services.servicesOf(guest);
            Optional<RouterRepository.Nic> guestNic = nicOn(routerNics, guest);
            if (guestNic.isEmpty()) {
                continue;
            }
            if (VirtualRouterProvider.TYPE.equals(l3Services.get(NetworkServiceType.DNS))) {
                dns.addAll(dnsFor(guest, guestNic.get()));
            }
            if (VirtualRouterProvider.TYPE.equals(l3Services.get(NetworkServiceType.DHCP))) {
                boolean dnsOnRouter = VirtualRouterProvider.TYPE.equals(l3Services.get(NetworkServiceType.DNS));
                // what every entry of this L3 shares is read once, not once per nic
                String dnsDomain = repository.dnsDomainOf(guest);
                // a pair's guests resolve through the gateway address, which is the master's wherever it is
                String routerDns = ha.enabled() ? guestNic.get().gateway() : guestNic.get().ip();
                List<String> guestDns = dnsOnRouter ? List.of(routerDns) : repository.dnsOf(guest);
                for (RouterRepository.Nic userNic : repository.liveUserNicsOn(guest)) {
                    dhcp.add(dhcpEntry(userNic, guestNic.get(), guestDns, dnsDomain));
                }
            }
            if (VirtualRouterProvider.TYPE.equals(l3Services.get(NetworkServiceType.SNAT))) {
                // a pair's source NAT uses its floating public address, so a flow keeps its address on failover
                snatFor(router, routerNics, guest).map(snat -> ha.enabled()
                        ? new SNATInfo(snat.publicNicMac(), pairs.floatingPublicIp(guests).orElse(snat.publicIp()),
                                snat.privateNicMac(), snat.privateNicIp(), snat.privateGatewayIp(), snat.snatNetmask())
                        : snat).ifPresent(snats::add);
            }
        }
        RouterRuleSet ruleSet = rules.all(view(router, routerNics, guests));
        return new Snapshot(new State(nics, ha, dns, dhcp, snats, List.of(), List.of(), List.of()), ruleSet);
    }

    /** Only these rules of the router, as of now: what a sync after a change of just those rules reads. */
    RouterRuleSet rulesOnly(RouterRepository.Router router, Collection<String> ruleUuids) {
        return rules.only(view(router), ruleUuids);
    }

    RouterView view(RouterRepository.Router router) {
        return view(router, repository.nicsOf(router.uuid()), repository.guestL3s(router.uuid()));
    }

    private static RouterView view(RouterRepository.Router router, List<RouterRepository.Nic> nics, List<String> guests) {
        Map<String, String> macs = new java.util.LinkedHashMap<>();
        nics.forEach(n -> macs.put(n.l3Uuid(), n.mac()));
        return new RouterView(router.uuid(), router.publicL3(), macs, guests);
    }

    static Optional<RouterRepository.Nic> nicOn(List<RouterRepository.Nic> nics, String l3) {
        return nics.stream().filter(n -> n.l3Uuid().equals(l3)).findFirst();
    }

    /**
     * The category tells the agent's firewall how far to trust a nic. A nic on the management L3 stays
     * Management even when that L3 is also public or guest, or the management node could not reach the agent.
     * The nic's MTU is its guests' ({@code mtu}, by the L2's kind): on a VXLAN L2 the router must not send frames its
     * guests' vxlan device would drop.
     */
    static NicInfo nicInfo(RouterRepository.Router router, RouterRepository.Nic n, List<String> guests, Integer mtu) {
        String category = n.l3Uuid().equals(router.managementL3()) ? NicInfo.CATEGORY_MANAGEMENT
                : guests.contains(n.l3Uuid()) ? NicInfo.CATEGORY_PRIVATE
                : NicInfo.CATEGORY_PUBLIC;
        return new NicInfo(n.ip(), n.mac(), n.gateway(), n.netmask(), n.l3Uuid().equals(router.publicL3()), category,
                n.l2Type(), n.vlan(), mtu);
    }

    List<DnsInfo> dnsFor(String guestL3, RouterRepository.Nic routerGuestNic) {
        return repository.dnsOf(guestL3).stream().map(d -> new DnsInfo(d, routerGuestNic.mac())).toList();
    }

    /**
     * A guest nic's static DHCP entry. With the DNS service on the router, the guest's resolver is the router;
     * without, the L3's own DNS servers. A nic on a non-default L3 gets neither router nor DNS (the agent leaves
     * them out when isDefaultL3Network is false).
     */
    DhcpInfo dhcpEntry(RouterRepository.Nic userNic, RouterRepository.Nic routerGuestNic, boolean dnsOnRouter) {
        List<String> dns = dnsOnRouter ? List.of(routerGuestNic.ip()) : repository.dnsOf(userNic.l3Uuid());
        return dhcpEntry(userNic, routerGuestNic, dns, repository.dnsDomainOf(userNic.l3Uuid()));
    }

    private DhcpInfo dhcpEntry(RouterRepository.Nic userNic, RouterRepository.Nic routerGuestNic, List<String> dns,
                               String dnsDomain) {
        // the L3's MTU by its L2's kind (a VXLAN L2 leaves room for the encapsulation): DHCP option 26
        return new DhcpInfo(userNic.ip(), userNic.mac(), userNic.netmask(), userNic.gateway(), dns,
                userNic.ip().replace('.', '-'), routerGuestNic.mac(), dnsDomain,
                userNic.l3Uuid().equals(userNic.vmDefaultL3()), dhcpMtu.of(userNic.l2Type()));
    }

    /** Source NAT of the guest subnet to the router's public address; none for a flat network (guest = public). */
    static Optional<SNATInfo> snatFor(RouterRepository.Router router, List<RouterRepository.Nic> routerNics, String guestL3) {
        if (guestL3.equals(router.publicL3())) {
            return Optional.empty();
        }
        Optional<RouterRepository.Nic> publicNic = nicOn(routerNics, router.publicL3());
        Optional<RouterRepository.Nic> guestNic = nicOn(routerNics, guestL3);
        if (publicNic.isEmpty() || guestNic.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SNATInfo(publicNic.get().mac(), publicNic.get().ip(), guestNic.get().mac(),
                guestNic.get().ip(), guestNic.get().gateway(), guestNic.get().netmask()));
    }
}

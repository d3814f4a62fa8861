package io.vrouter.server.networkservice;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCall;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.l3.L3Networks;
import io.vrouter.server.hypervisor.NicSpec;
import io.vrouter.server.hypervisor.VmSpec;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.vm.VmLifecycleExtension;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.networkservice.NetworkServiceTables.PROVIDER;
import static io.vrouter.server.networkservice.NetworkServiceTables.TYPE;
import static io.vrouter.server.networkservice.NetworkServiceTables.REF;

/**
 * The framework: provider records (created at start for every plugin), the L3-to-service map and its APIs, and the
 * VM lifecycle hook that calls the right provider's backends for each nic of a user VM. Appliance VMs are the
 * providers' own business and pass untouched.
 */
public final class NetworkServices implements VmLifecycleExtension {
    private static final Field<String> PROVIDER_TYPE = field("provider_type", String.class);
    private static final Field<String> PROVIDER_UUID = field("network_service_provider_uuid", String.class);
    private static final Field<String> SERVICE_TYPE = field("service_type", String.class);
    private static final Field<String> REF_SERVICE_TYPE = field("network_service_type", String.class);
    private static final Field<String> L3 = field("l3_network_uuid", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Map<String, NetworkServiceProvider> providersByType = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<String>> l3Listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public NetworkServices(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Registers a provider plugin and makes sure its record exists with its service types. */
    public void registerProvider(NetworkServiceProvider provider) {
        providersByType.put(provider.type(), provider);
        String uuid = dsl.select(UUID).from(PROVIDER).where(PROVIDER_TYPE.eq(provider.type())).fetchOne(UUID);
        if (uuid == null) {
            String created = Uuid.random();
            LocalDateTime now = clock.utcNow();
            try {
                dsl.insertInto(PROVIDER).columns(UUID, NAME, DESCRIPTION, PROVIDER_TYPE, CREATE_DATE, LAST_OP_DATE)
                        .values(created, provider.type(), provider.type() + " network service provider", provider.type(), now, now)
                        .execute();
                uuid = created;
            } catch (org.jooq.exception.DataAccessException e) {
                // another node created it at the same moment
                uuid = dsl.select(UUID).from(PROVIDER).where(PROVIDER_TYPE.eq(provider.type())).fetchOne(UUID);
                if (uuid == null) {
                    throw e;
                }
            }
        }
        for (NetworkServiceBackend backend : provider.backends()) {
            if (!dsl.fetchExists(TYPE, PROVIDER_UUID.eq(uuid).and(SERVICE_TYPE.eq(backend.serviceType())))) {
                dsl.insertInto(TYPE).columns(PROVIDER_UUID, SERVICE_TYPE).values(uuid, backend.serviceType()).execute();
            }
        }
    }

    /** The services an L3 takes: service type -> provider type. */
    public Map<String, String> servicesOf(String l3Uuid) {
        Map<String, String> services = new LinkedHashMap<>();
        dsl.select(REF_SERVICE_TYPE, PROVIDER_TYPE).from(REF).join(PROVIDER).on(field("network_service_provider", "uuid", String.class)
                        .eq(field("network_service_l3_ref", "network_service_provider_uuid", String.class)))
                .where(L3.eq(l3Uuid))
                .forEach(r -> services.put(r.value1(), r.value2()));
        return services;
    }

    /** Told an L3's uuid after services were attached to or detached from it. */
    public void onServicesChanged(java.util.function.Consumer<String> listener) {
        l3Listeners.add(listener);
    }

    // ---------------------------------------------------------------- attach and detach

    void attach(String l3Uuid, Map<String, Object> networkServices) {
        requireL3(l3Uuid);
        Map<String, Set<String>> wanted = parseServiceMap(networkServices);
        Map<String, String> existing = servicesOf(l3Uuid);
        for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
            for (String type : e.getValue()) {
                if (existing.containsKey(type)) {
                    throw ApiException.invalidArgument("L3 network " + l3Uuid + " already has network service " + type
                            + " (from provider " + existing.get(type) + ")");
                }
            }
        }
        LocalDateTime now = clock.utcNow();
        try {
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
                    for (String type : e.getValue()) {
                        tx.insertInto(REF).columns(UUID, L3, PROVIDER_UUID, REF_SERVICE_TYPE, CREATE_DATE)
                                .values(Uuid.random(), l3Uuid, e.getKey(), type, now).execute();
                    }
                }
            });
        } catch (org.jooq.exception.DataAccessException e) {
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                throw ApiException.invalidArgument("L3 network " + l3Uuid + " got one of " + wanted.values()
                        + " attached by a concurrent call");
            }
            throw e;
        }
    }

    void detach(String l3Uuid, Map<String, Object> networkServices) {
        requireL3(l3Uuid);
        Map<String, Set<String>> unwanted = parseServiceMap(networkServices);
        for (Map.Entry<String, Set<String>> e : unwanted.entrySet()) {
            for (String type : e.getValue()) {
                if (!dsl.fetchExists(REF, L3.eq(l3Uuid).and(PROVIDER_UUID.eq(e.getKey())).and(REF_SERVICE_TYPE.eq(type)))) {
                    throw ApiException.invalidArgument("network service " + type + " of provider " + e.getKey()
                            + " is not attached to L3 network " + l3Uuid);
                }
            }
        }
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            for (Map.Entry<String, Set<String>> e : unwanted.entrySet()) {
                tx.deleteFrom(REF).where(L3.eq(l3Uuid)).and(PROVIDER_UUID.eq(e.getKey())).and(REF_SERVICE_TYPE.in(e.getValue())).execute();
            }
        });
    }

    private void requireL3(String l3Uuid) {
        if (L3Networks.find(dsl, l3Uuid).isEmpty()) {
            throw ApiException.notFound("L3 network", l3Uuid);
        }
    }

    /** {providerUuid: [types]} checked against the providers: non-empty, known providers, supported types. */
    private Map<String, Set<String>> parseServiceMap(Map<String, Object> networkServices) {
        if (networkServices.isEmpty()) {
            throw ApiException.invalidArgument("parameter networkServices: the map is empty; give {providerUuid: [service types]}");
        }
        Map<String, Set<String>> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : networkServices.entrySet()) {
            String providerUuid = e.getKey();
            if (!(e.getValue() instanceof List<?> list) || list.isEmpty()) {
                throw ApiException.invalidArgument("parameter networkServices: provider " + providerUuid
                        + " needs a non-empty list of service types, got " + e.getValue());
            }
            Set<String> supported = new TreeSet<>(dsl.select(SERVICE_TYPE).from(TYPE).where(PROVIDER_UUID.eq(providerUuid)).fetch(SERVICE_TYPE));
            if (supported.isEmpty() && !dsl.fetchExists(PROVIDER, UUID.eq(providerUuid))) {
                throw ApiException.invalidArgument("parameter networkServices: there is no network service provider " + providerUuid);
            }
            Set<String> types = new TreeSet<>();
            for (Object t : list) {
                String type = String.valueOf(t);
                if (!supported.contains(type)) {
                    throw ApiException.invalidArgument("parameter networkServices: provider " + providerUuid
                            + " does not provide " + type + "; it provides " + supported);
                }
                types.add(type);
            }
            parsed.put(providerUuid, types);
        }
        return parsed;
    }

    // ---------------------------------------------------------------- the VM lifecycle

    /** The nics of a VM grouped by provider, with the service types each nic's L3 takes from it. */
    private Map<NetworkServiceProvider, Map<NicSpec, List<String>>> servicesByProvider(VmSpec vm) {
        Map<NetworkServiceProvider, Map<NicSpec, List<String>>> out = new LinkedHashMap<>();
        for (NicSpec nic : vm.nics()) {
            Map<String, String> services = servicesOf(nic.l3NetworkUuid());
            for (String type : NetworkServiceType.APPLY_ORDER) {
                String providerType = services.get(type);
                NetworkServiceProvider provider = providerType == null ? null : providersByType.get(providerType);
                if (provider != null) {
                    out.computeIfAbsent(provider, p -> new LinkedHashMap<>()).computeIfAbsent(nic, n -> new ArrayList<>()).add(type);
                }
            }
        }
        return out;
    }

    private static Optional<NetworkServiceBackend> backend(NetworkServiceProvider provider, String type) {
        return provider.backends().stream().filter(b -> b.serviceType().equals(type)).findFirst();
    }

    @Override
    public void preStart(VmSpec vm) {
        if (vm.isAppliance()) {
            return;
        }
        servicesByProvider(vm).forEach((provider, nics) -> {
            provider.prepare(vm, List.copyOf(nics.keySet()));
            nics.forEach((nic, types) -> types.forEach(type -> backend(provider, type)
                    .filter(NetworkServiceBackend::appliesBeforeBoot).ifPresent(b -> b.apply(vm, nic))));
        });
    }

    @Override
    public void afterStart(VmSpec vm) {
        if (vm.isAppliance()) {
            return;
        }
        servicesByProvider(vm).forEach((provider, nics) -> nics.forEach((nic, types) -> types.forEach(type -> backend(provider, type)
                .filter(b -> !b.appliesBeforeBoot()).ifPresent(b -> b.apply(vm, nic)))));
    }

    @Override
    public void rollbackStart(VmSpec vm) {
        releaseAll(vm, false);
    }

    @Override
    public void afterStop(VmSpec vm) {
        releaseAll(vm, false);
    }

    @Override
    public void beforeDestroy(VmSpec vm) {
        releaseAll(vm, true);
    }

    private void releaseAll(VmSpec vm, boolean destroyed) {
        if (vm.isAppliance()) {
            return;
        }
        servicesByProvider(vm).forEach((provider, nics) -> nics.forEach((nic, types) -> {
            List<String> reversed = new ArrayList<>(types);
            java.util.Collections.reverse(reversed);
            reversed.forEach(type -> backend(provider, type).ifPresent(b -> b.release(vm, nic, destroyed)));
        }));
    }

    // ---------------------------------------------------------------- API

    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        registry.register(Inventory.builder("NetworkServiceProvider", "network_service_provider")
                .strings("uuid", "name", "description")
                .field("type", "provider_type", FieldType.STRING)
                .dates()
                .expand(Expansion.inlineValues("networkServiceTypes", "NetworkServiceTypeOfProvider", "uuid",
                        "networkServiceProviderUuid", "serviceType", "serviceType"))
                .build());
        registry.register(Inventory.builder("NetworkServiceTypeOfProvider", "network_service_type")
                .primaryKey("networkServiceProviderUuid")
                .strings("networkServiceProviderUuid", "serviceType")
                .build());
        registry.register(Inventory.builder("NetworkServiceL3NetworkRef", "network_service_l3_ref")
                .strings("uuid", "l3NetworkUuid", "networkServiceProviderUuid")
                .field("networkServiceType", FieldType.STRING)
                .field("createDate", FieldType.TIMESTAMP)
                .expand(Expansion.one("l3Network", "L3Network", "l3NetworkUuid", "uuid"))
                .expand(Expansion.one("networkServiceProvider", "NetworkServiceProvider", "networkServiceProviderUuid", "uuid"))
                .build());
        queries.register("QueryNetworkServiceProvider", "NetworkServiceProvider", "network-services/providers");
        queries.register("QueryNetworkServiceL3NetworkRef", "NetworkServiceL3NetworkRef", "l3-networks/network-services/refs");
        ApiParam l3 = ApiParam.required("l3NetworkUuid", ParamType.UUID, "the L3 network");
        ApiParam services = ApiParam.required("networkServices", ParamType.MAP,
                "{providerUuid: [service types]}, e.g. {'<uuid>':['DHCP','DNS','SNAT']}");
        catalogue.register(ApiDefinition.of("AttachNetworkServiceToL3Network", "Give an L3 network services of providers",
                call -> {
                    attach(call.string("l3NetworkUuid"), call.map("networkServices"));
                    l3Listeners.forEach(l -> l.accept(call.string("l3NetworkUuid")));
                    return l3Inventory(queries, call);
                }, l3, services));
        catalogue.register(ApiDefinition.of("DetachNetworkServiceFromL3Network", "Take network services away from an L3 network",
                call -> {
                    detach(call.string("l3NetworkUuid"), call.map("networkServices"));
                    l3Listeners.forEach(l -> l.accept(call.string("l3NetworkUuid")));
                    return l3Inventory(queries, call);
                }, l3, services));
    }

    private static Object l3Inventory(QueryApis queries, ApiCall call) {
        return Replies.inventory(queries.inventory("L3Network", call.string("l3NetworkUuid")));
    }
}

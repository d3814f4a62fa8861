package io.vrouter.server.l3;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.server.l2.L2NetworkRecord;
import io.vrouter.server.l2.L2Networks;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.FieldType;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.deletion.DeletionGuard;
import io.vrouter.server.deletion.DeletionGuards;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.l3.L3Tables.L3;
import static io.vrouter.server.l3.L3Tables.DNS;
import static io.vrouter.server.l3.L3Tables.IP_RANGE;
import static io.vrouter.server.l3.L3Tables.USED_IP;

/**
 * L3 networks: an IPv4 subnet on an L2 network, with IP ranges ({@link IpRanges}) and DNS servers in the order
 * the user gave them (the resolver order guests get). An L3 is deleted only when no nic and no other user (a VIP)
 * holds an address of it; its ranges, DNS servers and tags go with it.
 */
public final class L3Networks {
    public static final String RESOURCE_TYPE = "L3NetworkVO";
    public static final String BASIC = "L3BasicNetwork";
    public static final String ENABLED = L3NetworkState.Enabled.name();
    public static final String DISABLED = L3NetworkState.Disabled.name();
    static final String INVENTORY = "L3Network";

    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Map<String, String> STATE_BY_EVENT = Map.of("enable", ENABLED, "disable", DISABLED);

    private static final Field<String> L3_TYPE = field("l3_type", String.class);
    private static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    private static final Field<String> L2_NETWORK_UUID = field("l2_network_uuid", String.class);
    private static final Field<String> L3_NETWORK_UUID = field("l3_network_uuid", String.class);
    private static final Field<String> STATE = field("state", String.class);
    private static final Field<Boolean> SYSTEM = field("system_network", Boolean.class);
    private static final Field<String> DNS_DOMAIN = field("dns_domain", String.class);
    private static final Field<String> DNS_ADDRESS = field("dns", String.class);
    private static final Field<Integer> POSITION = field("position", Integer.class);
    private static final Field<String> IP = field("ip", String.class);
    private static final Field<Long> IP_VALUE = field("ip_value", Long.class);
    private static final Field<String> USED_FOR = field("used_for", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private final IpRanges ipRanges;
    private final DeletionGuards deletionGuards = new DeletionGuards();
    private QueryApis queries;

    public L3Networks(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes, IpRanges ipRanges) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        this.ipRanges = ipRanges;
        resourceTypes.register(RESOURCE_TYPE, "l3_network");
    }

    // ---------------------------------------------------------------- read API for other packages

    public Optional<L3NetworkRecord> find(String l3Uuid) {
        return find(dsl, l3Uuid, false);
    }

    /** The L3's DNS servers in resolver order. */
    public List<String> dnsOf(String l3Uuid) {
        return dnsOf(dsl, l3Uuid);
    }

    /** The L3's DNS servers read through the caller's context (for packages that hold no {@code L3Networks}). */
    public static List<String> dnsOf(DSLContext ctx, String l3Uuid) {
        return ctx.select(DNS_ADDRESS).from(DNS).where(L3_NETWORK_UUID.eq(l3Uuid)).orderBy(POSITION).fetch(DNS_ADDRESS);
    }

    /** The L3 read through the caller's context (for packages that hold no {@code L3Networks}). */
    public static Optional<L3NetworkRecord> find(DSLContext ctx, String l3Uuid) {
        return find(ctx, l3Uuid, false);
    }

    /** Locks the L3's row for the rest of the caller's transaction and returns it; RESOURCE_NOT_FOUND if absent. */
    public static L3NetworkRecord lockExisting(DSLContext tx, String l3Uuid) {
        return find(tx, l3Uuid, true).orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, l3Uuid));
    }

    private static Optional<L3NetworkRecord> find(DSLContext ctx, String l3Uuid, boolean lock) {
        var select = ctx.select(UUID, NAME, ZONE_UUID, L2_NETWORK_UUID, L3_TYPE, STATE, SYSTEM, DNS_DOMAIN).from(L3)
                .where(UUID.eq(l3Uuid));
        Optional<? extends Record> row = lock ? select.forUpdate().fetchOptional() : select.fetchOptional();
        return row.map(r -> new L3NetworkRecord(r.get(UUID), r.get(NAME), r.get(ZONE_UUID), r.get(L2_NETWORK_UUID),
                r.get(L3_TYPE), r.get(STATE), Boolean.TRUE.equals(r.get(SYSTEM)), r.get(DNS_DOMAIN)));
    }

    /** The uuids of the L3 networks on an L2 network. */
    public List<String> uuidsOn(String l2Uuid) {
        return dsl.select(UUID).from(L3).where(L2_NETWORK_UUID.eq(l2Uuid)).orderBy(UUID).fetch(UUID);
    }

    /** A child package's check that an L3 network may be deleted (what of its own has addresses on it). */
    public void registerDeletionGuard(DeletionGuard guard) {
        deletionGuards.register(guard);
    }

    /** Refuses deleting an L2 network that still has L3 networks. */
    public void registerDeletionGuards(L2Networks l2Networks) {
        l2Networks.registerDeletionGuard((tx, l2Uuid, inTheWay) -> inTheWay.named("L3 network(s)", L3, L2_NETWORK_UUID.eq(l2Uuid)));
    }

    // ---------------------------------------------------------------- operations

    String create(String l2Uuid, String name, String type, boolean system, String dnsDomain, String description) {
        checkDomain(dnsDomain);
        String uuid = Uuid.random();
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L2NetworkRecord l2 = L2Networks.lockForNewL3(tx, l2Uuid);
            LocalDateTime now = clock.utcNow();
            tx.insertInto(L3).columns(UUID, NAME, DESCRIPTION, L3_TYPE, ZONE_UUID, L2_NETWORK_UUID, STATE, SYSTEM, DNS_DOMAIN,
                            CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, name, description, type, l2.zoneUuid(), l2Uuid, ENABLED, system, dnsDomain, now, now)
                    .execute();
        });
        return uuid;
    }

    private static void checkDomain(String dnsDomain) {
        if (dnsDomain != null && !DOMAIN.matcher(dnsDomain).matches()) {
            throw ApiException.invalidArgument("dnsDomain '" + dnsDomain + "' is not a domain name such as example.com");
        }
    }

    void update(String uuid, String name, String description, Boolean system, String dnsDomain) {
        checkDomain(dnsDomain);
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockExisting(tx, uuid);
            var update = tx.update(L3).set(LAST_OP_DATE, clock.utcNow());
            if (name != null) {
                update = update.set(NAME, name);
            }
            if (description != null) {
                update = update.set(DESCRIPTION, description);
            }
            if (system != null) {
                update = update.set(SYSTEM, system);
            }
            if (dnsDomain != null) {
                update = update.set(DNS_DOMAIN, dnsDomain);
            }
            update.where(UUID.eq(uuid)).execute();
        });
    }

    void changeState(String uuid, String stateEvent) {
        if (dsl.update(L3).set(STATE, STATE_BY_EVENT.get(stateEvent)).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(uuid)).execute() == 0) {
            throw ApiException.notFound(RESOURCE_TYPE, uuid);
        }
    }

    private final java.util.List<java.util.function.Consumer<String>> dnsListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told the L3's uuid after its DNS servers changed, e.g. so its router's upstreams follow. */
    public void onDnsChanged(java.util.function.Consumer<String> listener) {
        dnsListeners.add(listener);
    }

    private void dnsChanged(String l3Uuid) {
        dnsListeners.forEach(l -> l.accept(l3Uuid));
    }

    void addDns(String l3Uuid, String dns) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L3NetworkRecord l3 = lockExisting(tx, l3Uuid);
            if (tx.fetchExists(DNS, L3_NETWORK_UUID.eq(l3Uuid).and(DNS_ADDRESS.eq(dns)))) {
                throw ApiException.conflict("L3 network " + l3.name() + " (" + l3Uuid + ") already has DNS " + dns);
            }
            Integer last = tx.select(DSL.max(POSITION)).from(DNS).where(L3_NETWORK_UUID.eq(l3Uuid)).fetchOne(0, Integer.class);
            tx.insertInto(DNS).columns(L3_NETWORK_UUID, DNS_ADDRESS, POSITION, CREATE_DATE)
                    .values(l3Uuid, dns, last == null ? 0 : last + 1, clock.utcNow())
                    .execute();
            tx.update(L3).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(l3Uuid)).execute();
        });
        dnsChanged(l3Uuid);
    }

    void removeDns(String l3Uuid, String dns) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            L3NetworkRecord l3 = lockExisting(tx, l3Uuid);
            if (tx.deleteFrom(DNS).where(L3_NETWORK_UUID.eq(l3Uuid)).and(DNS_ADDRESS.eq(dns)).execute() == 0) {
                throw ApiException.invalidArgument("L3 network " + l3.name() + " (" + l3Uuid + ") has no DNS " + dns
                        + "; its DNS servers are " + tx.select(DNS_ADDRESS).from(DNS).where(L3_NETWORK_UUID.eq(l3Uuid))
                        .orderBy(POSITION).fetch(DNS_ADDRESS));
            }
            tx.update(L3).set(LAST_OP_DATE, clock.utcNow()).where(UUID.eq(l3Uuid)).execute();
        });
        dnsChanged(l3Uuid);
    }

    void delete(String uuid) {
        List<String> rangeUuids = dsl.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            lockExisting(tx, uuid);
            int usedCount = tx.fetchCount(USED_IP, L3_NETWORK_UUID.eq(uuid));
            List<String> used = tx.select(IP, USED_FOR).from(USED_IP).where(L3_NETWORK_UUID.eq(uuid)).orderBy(IP_VALUE).limit(10)
                    .fetch(r -> r.value1() + " (" + r.value2() + ")");
            deletionGuards.collect(tx, uuid)
                    .add("address(es) in use", usedCount, used)
                    .refuseDeleting("L3 network " + uuid);
            List<String> ranges = tx.select(UUID).from(IP_RANGE).where(L3_NETWORK_UUID.eq(uuid)).fetch(UUID);
            // ranges and DNS servers go by ON DELETE CASCADE
            tx.deleteFrom(L3).where(UUID.eq(uuid)).execute();
            return ranges;
        });
        tags.deleteAllOf(uuid);
        rangeUuids.forEach(tags::deleteAllOf);
    }

    // ---------------------------------------------------------------- API

    /** Registers the L3 network's inventory and APIs, and those of its IP ranges (which refer to each other). */
    public void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder("L3NetworkDns", "l3_network_dns").primaryKey("dns")
                .strings("l3NetworkUuid", "dns")
                .field("position", FieldType.INTEGER)
                .field("createDate", FieldType.TIMESTAMP)
                .build());
        registry.register(Inventory.builder(INVENTORY, "l3_network")
                .strings("uuid", "name", "description")
                .field("type", "l3_type", FieldType.STRING)
                .strings("zoneUuid", "l2NetworkUuid", "state")
                .field("system", "system_network", FieldType.BOOLEAN)
                .field("dnsDomain", FieldType.STRING)
                .dates()
                .expand(Expansion.inlineValues("dns", "L3NetworkDns", "uuid", "l3NetworkUuid", "dns", "position"))
                .expand(Expansion.inlineMany("ipRanges", IpRanges.INVENTORY, "uuid", "l3NetworkUuid", "createDate"))
                // registered by the network service framework; resolved by name when queried
                .expand(Expansion.inlineMany("networkServices", "NetworkServiceL3NetworkRef", "uuid", "l3NetworkUuid", "networkServiceType"))
                .expand(Expansion.one("zone", "Zone", "zoneUuid", "uuid"))
                .expand(Expansion.one("l2Network", "L2Network", "l2NetworkUuid", "uuid"))
                .build());
        ipRanges.registerApis(catalogue, registry, queries);
        queries.register("QueryL3Network", INVENTORY, "l3-networks");

        ApiParam uuidParam = ApiParam.required("uuid", ParamType.UUID, "the L3 network");
        ApiParam l3Param = ApiParam.required("l3NetworkUuid", ParamType.UUID, "the L3 network");
        catalogue.register(ApiDefinition.of("CreateL3Network", "Create an L3 network on an L2 network",
                call -> inventory(create(call.string("l2NetworkUuid"), call.string("name"), call.string("type"),
                        call.bool("system"), call.optString("dnsDomain").orElse(null), call.optString("description").orElse(null))),
                ApiParam.required("l2NetworkUuid", ParamType.UUID, "the L2 network; the L3 is in its zone"),
                ApiParam.required("name", ParamType.STRING, "the network's name").withRange(1, 255),
                ApiParam.optional("type", ParamType.STRING, "the L3 type").withChoices(BASIC).withDefault(BASIC),
                ApiParam.optional("system", ParamType.BOOLEAN, "a system network (management, public) takes no user VM")
                        .withDefault(false),
                ApiParam.optional("dnsDomain", ParamType.STRING, "DNS domain handed to guests").withRange(1, 253),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine()));
        catalogue.register(ApiDefinition.of("UpdateL3Network", "Change an L3 network's name, description, system flag or DNS domain",
                call -> {
                    update(call.string("uuid"), call.optString("name").orElse(null), call.optString("description").orElse(null),
                            call.optBool("system").orElse(null), call.optString("dnsDomain").orElse(null));
                    return inventory(call.string("uuid"));
                },
                uuidParam,
                ApiParam.optional("name", ParamType.STRING, "the new name").withRange(1, 255),
                ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine(),
                ApiParam.optional("system", ParamType.BOOLEAN, "a system network takes no user VM"),
                ApiParam.optional("dnsDomain", ParamType.STRING, "DNS domain handed to guests").withRange(1, 253)));
        catalogue.register(ApiDefinition.of("ChangeL3NetworkState", "Enable or disable an L3 network",
                call -> {
                    changeState(call.string("uuid"), call.string("stateEvent"));
                    return inventory(call.string("uuid"));
                },
                uuidParam,
                ApiParam.required("stateEvent", ParamType.STRING, "what to do").withChoices("enable", "disable")));
        catalogue.register(ApiDefinition.of("DeleteL3Network", "Delete an L3 network none of whose addresses is in use",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                uuidParam));
        catalogue.register(ApiDefinition.of("AddDnsToL3Network", "Add a DNS server to an L3 network, after the ones it has",
                call -> {
                    addDns(call.string("l3NetworkUuid"), call.string("dns"));
                    return inventory(call.string("l3NetworkUuid"));
                },
                l3Param, ApiParam.required("dns", ParamType.IPV4, "the DNS server's address")));
        catalogue.register(ApiDefinition.of("RemoveDnsFromL3Network", "Remove a DNS server from an L3 network",
                call -> {
                    removeDns(call.string("l3NetworkUuid"), call.string("dns"));
                    return inventory(call.string("l3NetworkUuid"));
                },
                l3Param, ApiParam.required("dns", ParamType.IPV4, "the DNS server's address")));
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }
}

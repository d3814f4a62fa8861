package io.vrouter.server.l3;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.api.ApiParam;
import io.vrouter.server.api.ParamType;
import io.vrouter.server.api.Replies;
import io.vrouter.server.db.Uuid;
import io.vrouter.platform.net.Ipv4;
import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.server.query.Expansion;
import io.vrouter.server.query.Inventory;
import io.vrouter.server.query.QueryApis;
import io.vrouter.server.query.QueryRegistry;
import io.vrouter.server.tag.ResourceTypes;
import io.vrouter.server.tag.Tags;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.DESCRIPTION;
import static io.vrouter.server.db.Columns.LAST_OP_DATE;
import static io.vrouter.server.db.Columns.NAME;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.l3.L3Tables.IP_RANGE;
import static io.vrouter.server.l3.L3Tables.L3;
import static io.vrouter.server.l3.L3Tables.USED_IP;

/**
 * IP ranges of L3 networks and the free addresses in them.
 *
 * <p>The rules of a range (checked by {@link #check}, all before anything is written): the netmask is contiguous
 * and leaves room for hosts; start, end and gateway lie in one subnet of it; the range holds neither the network
 * nor the broadcast address nor the gateway, and the gateway is neither of those two either; and with the L3's other ranges it shares netmask and gateway and
 * overlaps none. A range whose addresses are in use is not deleted (the refusal lists them).
 */
public final class IpRanges {
    public static final String RESOURCE_TYPE = "IpRangeVO";
    static final String INVENTORY = "IpRange";
    static final int DEFAULT_FREE_IP_LIMIT = 100;
    /** Used addresses read per query while walking a range for free ones. */
    private static final int USED_PAGE = 1000;

    private static final Field<String> L3_NETWORK_UUID = field("l3_network_uuid", String.class);
    private static final Field<String> IP_RANGE_UUID = field("ip_range_uuid", String.class);
    private static final Field<String> START_IP = field("start_ip", String.class);
    private static final Field<String> END_IP = field("end_ip", String.class);
    private static final Field<String> NETMASK = field("netmask", String.class);
    private static final Field<String> GATEWAY = field("gateway", String.class);
    private static final Field<String> NETWORK_CIDR = field("network_cidr", String.class);
    private static final Field<Long> START_VALUE = field("start_value", Long.class);
    private static final Field<Long> END_VALUE = field("end_value", Long.class);
    private static final Field<String> IP = field("ip", String.class);
    private static final Field<Long> IP_VALUE = field("ip_value", Long.class);
    private static final Field<String> USED_FOR = field("used_for", String.class);

    private final DSLContext dsl;
    private final Clock clock;
    private final Tags tags;
    private QueryApis queries;

    public IpRanges(DSLContext dsl, Clock clock, Tags tags, ResourceTypes resourceTypes) {
        this.dsl = dsl;
        this.clock = clock;
        this.tags = tags;
        resourceTypes.register(RESOURCE_TYPE, "ip_range");
    }

    /** A range as the rules see it. */
    record Span(String uuid, String name, long start, long end, String netmask, String gateway) {
        String label() {
            return name + " (" + uuid + ") " + new Ipv4(start) + "-" + new Ipv4(end);
        }
    }

    /** A free address as GetFreeIp shows it. */
    public record FreeIp(String ipRangeUuid, String ip, String netmask, String gateway) {
    }

    // ---------------------------------------------------------------- read API for other packages

    /** The L3's ranges, lowest first. */
    public List<IpRangeRecord> rangesOf(String l3Uuid) {
        return rangesOf(dsl, l3Uuid);
    }

    /** The L3's ranges read through the caller's context (for packages that hold no {@code IpRanges}), lowest first. */
    public static List<IpRangeRecord> rangesOf(DSLContext ctx, String l3Uuid) {
        return ranges(ctx, L3_NETWORK_UUID.eq(l3Uuid));
    }

    /** A range read through the caller's context, or empty when there is no such range. */
    public static Optional<IpRangeRecord> find(DSLContext ctx, String rangeUuid) {
        return ranges(ctx, UUID.eq(rangeUuid)).stream().findFirst();
    }

    private static List<IpRangeRecord> ranges(DSLContext ctx, Condition condition) {
        return ctx.select(UUID, L3_NETWORK_UUID, NAME, START_IP, END_IP, NETMASK, GATEWAY, NETWORK_CIDR).from(IP_RANGE)
                .where(condition).orderBy(START_VALUE)
                .fetch(r -> new IpRangeRecord(r.get(UUID), r.get(L3_NETWORK_UUID), r.get(NAME), r.get(START_IP), r.get(END_IP),
                        r.get(NETMASK), r.get(GATEWAY), r.get(NETWORK_CIDR)));
    }

    // ---------------------------------------------------------------- the rules

    /**
     * Checks a new range against the rules and the L3's existing ranges; returns its subnet. Throws SYS.1007
     * naming the broken rule and, for a conflict, the existing range.
     */
    static Ipv4Cidr check(Ipv4 start, Ipv4 end, Ipv4 netmask, Ipv4 gateway, List<Span> existing) {
        int prefix = Ipv4Cidr.prefixOf(netmask).orElseThrow(() -> ApiException.invalidArgument(
                "netmask " + netmask + " is not a valid netmask: its one bits must be contiguous, e.g. 255.255.255.0"));
        if (prefix > 30) {
            throw ApiException.invalidArgument("netmask " + netmask + " (/" + prefix
                    + ") leaves no room for a gateway and hosts; use /30 or a shorter prefix");
        }
        if (prefix == 0) {
            throw ApiException.invalidArgument("netmask " + netmask + " (/0) covers every address; use a prefix of 1 to 30");
        }
        if (start.compareTo(end) > 0) {
            throw ApiException.invalidArgument("startIp " + start + " is after endIp " + end);
        }
        Ipv4Cidr subnet = Ipv4Cidr.of(gateway, netmask);
        for (Ipv4 ip : List.of(start, end)) {
            if (!subnet.contains(ip)) {
                throw ApiException.invalidArgument((ip == start ? "startIp " : "endIp ") + ip + " is outside the subnet "
                        + subnet + " of gateway " + gateway + " and netmask " + netmask);
            }
        }
        if (start.equals(subnet.network())) {
            throw ApiException.invalidArgument("the range " + start + "-" + end + " contains the network address " + subnet.network()
                    + " of " + subnet);
        }
        if (end.equals(subnet.broadcast())) {
            throw ApiException.invalidArgument("the range " + start + "-" + end + " contains the broadcast address "
                    + subnet.broadcast() + " of " + subnet);
        }
        if (gateway.equals(subnet.network()) || gateway.equals(subnet.broadcast())) {
            throw ApiException.invalidArgument("gateway " + gateway + " is the " + (gateway.equals(subnet.network()) ? "network" : "broadcast")
                    + " address of " + subnet + ", not a host");
        }
        if (gateway.compareTo(start) >= 0 && gateway.compareTo(end) <= 0) {
            throw ApiException.invalidArgument("the range " + start + "-" + end + " contains the gateway " + gateway);
        }
        for (Span other : existing) {
            if (!other.netmask().equals(netmask.toString()) || !other.gateway().equals(gateway.toString())) {
                throw ApiException.invalidArgument("IP range " + other.label() + " of this L3 network has gateway "
                        + other.gateway() + " and netmask " + other.netmask() + "; all ranges of an L3 network share one subnet, "
                        + "but this one has gateway " + gateway + " and netmask " + netmask);
            }
            if (start.value() <= other.end() && end.value() >= other.start()) {
                throw ApiException.invalidArgument("the range " + start + "-" + end + " overlaps IP range " + other.label());
            }
        }
        return subnet;
    }

    // ---------------------------------------------------------------- operations

    String add(String l3Uuid, String name, String description, Ipv4 start, Ipv4 end, Ipv4 netmask, Ipv4 gateway) {
        String uuid = Uuid.random();
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            // the L3's row lock serialises range changes of one L3, so two overlapping adds cannot both pass
            L3Networks.lockExisting(tx, l3Uuid);
            Ipv4Cidr subnet = check(start, end, netmask, gateway, spans(tx, l3Uuid));
            LocalDateTime now = clock.utcNow();
            tx.insertInto(IP_RANGE).columns(UUID, L3_NETWORK_UUID, NAME, DESCRIPTION, START_IP, END_IP, NETMASK, GATEWAY,
                            NETWORK_CIDR, START_VALUE, END_VALUE, CREATE_DATE, LAST_OP_DATE)
                    .values(uuid, l3Uuid, name, description, start.toString(), end.toString(), netmask.toString(),
                            gateway.toString(), subnet.toString(), start.value(), end.value(), now, now)
                    .execute();
        });
        return uuid;
    }

    /** The whole subnet: gateway is its first address, the range the second to the last before broadcast. */
    String addByCidr(String l3Uuid, String name, String description, Ipv4Cidr cidr) {
        if (cidr.prefixLength() > 30 || cidr.prefixLength() < 1) {
            throw ApiException.invalidArgument("networkCidr " + cidr + " leaves no room for a gateway and hosts; use /30 or a shorter prefix");
        }
        Ipv4 network = cidr.network();
        return add(l3Uuid, name, description, network.plus(2), cidr.broadcast().plus(-1), cidr.netmask(), network.plus(1));
    }

    private static List<Span> spans(DSLContext ctx, String l3Uuid) {
        return ctx.select(UUID, NAME, START_VALUE, END_VALUE, NETMASK, GATEWAY).from(IP_RANGE).where(L3_NETWORK_UUID.eq(l3Uuid))
                .orderBy(START_VALUE)
                .fetch(r -> new Span(r.get(UUID), r.get(NAME), r.get(START_VALUE), r.get(END_VALUE), r.get(NETMASK), r.get(GATEWAY)));
    }

    void delete(String uuid) {
        dsl.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            Record range = tx.select(NAME, L3_NETWORK_UUID).from(IP_RANGE).where(UUID.eq(uuid)).fetchOptional()
                    .orElseThrow(() -> ApiException.notFound(RESOURCE_TYPE, uuid));
            // the L3 lock keeps allocations' view and this delete apart from concurrent range changes
            L3Networks.lockExisting(tx, range.get(L3_NETWORK_UUID));
            int count = tx.fetchCount(USED_IP, IP_RANGE_UUID.eq(uuid));
            if (count > 0) {
                List<String> used = tx.select(IP, USED_FOR).from(USED_IP).where(IP_RANGE_UUID.eq(uuid)).orderBy(IP_VALUE).limit(10)
                        .fetch(r -> r.value1() + " (" + r.value2() + ")");
                throw ApiException.conflict("cannot delete IP range " + range.get(NAME) + " (" + uuid + "): " + count
                        + " of its addresses are in use: " + String.join(", ", used) + (count > used.size() ? ", ..." : "")
                        + "; release them first");
            }
            tx.deleteFrom(IP_RANGE).where(UUID.eq(uuid)).execute();
        });
        tags.deleteAllOf(uuid);
    }

    /**
     * Free addresses of the L3 (or of one of its ranges) from {@code start} on, lowest first, at most {@code limit}.
     * Walks each range against its used addresses read in sorted pages, so the cost is one query per
     * {@value #USED_PAGE} used addresses passed, never one per address.
     */
    List<FreeIp> freeIps(String l3Uuid, String rangeUuid, Ipv4 start, int limit) {
        if (!dsl.fetchExists(L3, UUID.eq(l3Uuid))) {
            throw ApiException.notFound(L3Networks.RESOURCE_TYPE, l3Uuid);
        }
        List<Span> ranges = spans(dsl, l3Uuid);
        if (rangeUuid != null) {
            ranges = ranges.stream().filter(r -> r.uuid().equals(rangeUuid)).toList();
            if (ranges.isEmpty()) {
                throw ApiException.invalidArgument("IP range " + rangeUuid + " is not a range of L3 network " + l3Uuid);
            }
        }
        List<FreeIp> free = new ArrayList<>();
        long from = start == null ? 0 : start.value();
        for (Span range : ranges) {
            long gateway = Ipv4.parse(range.gateway()).value();
            long cursor = Math.max(range.start(), from);
            while (free.size() < limit && cursor <= range.end()) {
                List<Long> used = dsl.select(IP_VALUE).from(USED_IP).where(L3_NETWORK_UUID.eq(l3Uuid))
                        .and(IP_VALUE.between(cursor, range.end())).orderBy(IP_VALUE).limit(USED_PAGE).fetch(IP_VALUE);
                // free addresses are those between the used ones (and after the last one, when this page was the last)
                long stop = used.size() < USED_PAGE ? range.end() + 1 : used.get(used.size() - 1) + 1;
                int next = 0;
                while (free.size() < limit && cursor < stop) {
                    if (next < used.size() && used.get(next) == cursor) {
                        next++;
                    } else if (cursor != gateway) {
                        free.add(new FreeIp(range.uuid(), new Ipv4(cursor).toString(), range.netmask(), range.gateway()));
                    }
                    cursor++;
                }
            }
            if (free.size() >= limit) {
                break;
            }
        }
        return free;
    }

    // ---------------------------------------------------------------- API

    /** Called by {@link L3Networks#registerApis}, after the L3 inventory exists. */
    void registerApis(ApiCatalogue catalogue, QueryRegistry registry, QueryApis queries) {
        this.queries = queries;
        registry.register(Inventory.builder(INVENTORY, "ip_range")
                .strings("uuid", "l3NetworkUuid", "name", "description", "startIp", "endIp", "netmask", "gateway", "networkCidr")
                .dates()
                .expand(Expansion.one("l3Network", L3Networks.INVENTORY, "l3NetworkUuid", "uuid"))
                .build());
        queries.register("QueryIpRange", INVENTORY, "l3-networks/ip-ranges");
        ApiParam l3Param = ApiParam.required("l3NetworkUuid", ParamType.UUID, "the L3 network");
        ApiParam nameParam = ApiParam.required("name", ParamType.STRING, "the range's name").withRange(1, 255);
        ApiParam descriptionParam = ApiParam.optional("description", ParamType.STRING, "free text").withRange(0, 2048).multiLine();
        catalogue.register(ApiDefinition.of("AddIpRange", "Add a range of addresses to an L3 network",
                call -> inventory(add(call.string("l3NetworkUuid"), call.string("name"), call.optString("description").orElse(null),
                        Ipv4.parse(call.string("startIp")), Ipv4.parse(call.string("endIp")),
                        Ipv4.parse(call.string("netmask")), Ipv4.parse(call.string("gateway")))),
                l3Param, nameParam,
                ApiParam.required("startIp", ParamType.IPV4, "first address of the range"),
                ApiParam.required("endIp", ParamType.IPV4, "last address of the range"),
                ApiParam.required("netmask", ParamType.IPV4, "the subnet's netmask, e.g. 255.255.255.0"),
                ApiParam.required("gateway", ParamType.IPV4, "the subnet's gateway, outside the range"),
                descriptionParam));
        catalogue.register(ApiDefinition.of("AddIpRangeByNetworkCidr",
                "Add a whole subnet to an L3 network: the first address is the gateway, the rest up to broadcast the range",
                call -> inventory(addByCidr(call.string("l3NetworkUuid"), call.string("name"),
                        call.optString("description").orElse(null), Ipv4Cidr.parse(call.string("networkCidr")))),
                l3Param, nameParam,
                ApiParam.required("networkCidr", ParamType.CIDR, "the subnet, e.g. 192.168.10.0/24"),
                descriptionParam));
        catalogue.register(ApiDefinition.of("DeleteIpRange", "Delete an IP range none of whose addresses is in use",
                call -> {
                    delete(call.string("uuid"));
                    return Replies.success();
                },
                ApiParam.required("uuid", ParamType.UUID, "the IP range")));
        catalogue.register(ApiDefinition.of("GetFreeIp", "List free addresses of an L3 network, lowest first",
                call -> new Replies.InventoriesReply(freeIps(call.string("l3NetworkUuid"), call.optString("ipRangeUuid").orElse(null),
                        call.optString("start").map(Ipv4::parse).orElse(null), call.integer("limit")), null),
                l3Param,
                ApiParam.optional("ipRangeUuid", ParamType.UUID, "only this range of the L3"),
                ApiParam.optional("start", ParamType.IPV4, "only addresses from this one on"),
                ApiParam.optional("limit", ParamType.INTEGER, "at most this many").withRange(1, 65536).withDefault(DEFAULT_FREE_IP_LIMIT)));
    }

    private Replies.InventoryReply inventory(String uuid) {
        return Replies.inventory(queries.inventory(INVENTORY, uuid));
    }
}

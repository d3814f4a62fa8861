package io.vrouter.server.l3;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.db.Uuid;
import io.vrouter.platform.net.Ipv4;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static io.vrouter.server.db.Columns.CREATE_DATE;
import static io.vrouter.server.db.Columns.UUID;
import static io.vrouter.server.db.Columns.field;
import static io.vrouter.server.l3.L3Tables.IP_RANGE;
import static io.vrouter.server.l3.L3Tables.USED_IP;

/**
 * Hands out addresses of an L3 network's IP ranges, never one twice.
 *
 * <p>The database decides: {@code used_ip} has a unique key on (l3, address), and an allocation is one insert in
 * its own short transaction. A few random probes find a free address in O(1) while the ranges are far from full
 * (what concurrent creators mostly hit, without contending on one "next address"); when they keep colliding, one
 * query finds the lowest gap. Two creators racing for the same address cannot both win: the loser's insert fails on
 * the key and it tries again. Because the insert commits on its own, a caller that fails later must
 * {@link #release} what it got (the VM flow's rollback does).
 */
public final class IpAllocator {
    private static final int RANDOM_PROBES = 6;
    private static final int MAX_ROUNDS = 64;

    private static final Field<String> L3 = field("l3_network_uuid", String.class);
    private static final Field<String> RANGE = field("ip_range_uuid", String.class);
    private static final Field<String> IP = field("ip", String.class);
    private static final Field<Long> IP_VALUE = field("ip_value", Long.class);
    private static final Field<String> GATEWAY = field("gateway", String.class);
    private static final Field<String> NETMASK = field("netmask", String.class);
    private static final Field<String> USED_FOR = field("used_for", String.class);
    private static final Field<Long> START = field("start_value", Long.class);
    private static final Field<Long> END = field("end_value", Long.class);

    private final DSLContext dsl;
    private final Clock clock;

    public IpAllocator(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** One IP range as allocation sees it. */
    private record Range(String uuid, long start, long end, String netmask, String gateway) {
        long size() {
            return end - start + 1;
        }

        boolean contains(long value) {
            return value >= start && value <= end;
        }
    }

    /**
     * @param l3NetworkUuid the network
     * @param requiredIp    a specific address, or null for any free one
     * @param usedFor       what takes it: {@code VmNic}, {@code Vip}, {@code ApplianceVm}...
     */
    public AllocatedIp allocate(String l3NetworkUuid, String requiredIp, String usedFor) {
        return allocate(l3NetworkUuid, requiredIp, usedFor, Uuid.random());
    }

    /**
     * The same, under a uuid the caller chose: a caller that records what to release before it allocates (a
     * crash-safe flow step) knows the record's uuid before the record exists.
     */
    public AllocatedIp allocate(String l3NetworkUuid, String requiredIp, String usedFor, String usedIpUuid) {
        List<Range> ranges = ranges(l3NetworkUuid);
        if (ranges.isEmpty()) {
            throw ApiException.operationFailed("L3 network " + l3NetworkUuid + " has no IP range to allocate an address from; add one with AddIpRange");
        }
        if (requiredIp != null) {
            return allocateRequired(l3NetworkUuid, ranges, requiredIp, usedFor, usedIpUuid);
        }
        return allocateAny(l3NetworkUuid, ranges, usedFor, usedIpUuid, null);
    }

    /** Any free address of one of the L3's ranges (a VIP created from a chosen range). */
    public AllocatedIp allocateInRange(String l3NetworkUuid, String ipRangeUuid, String usedFor) {
        List<Range> ranges = ranges(l3NetworkUuid).stream().filter(r -> r.uuid().equals(ipRangeUuid)).toList();
        if (ranges.isEmpty()) {
            throw ApiException.notFound("IP range", ipRangeUuid);
        }
        Range range = ranges.get(0);
        return allocateAny(l3NetworkUuid, ranges, usedFor, Uuid.random(), "IP range " + ipRangeUuid + " of L3 network " + l3NetworkUuid
                + " has no free IP (" + new Ipv4(range.start()) + "-" + new Ipv4(range.end()) + ")");
    }

    /** @param exhausted the message when every address is taken, or null for the L3's */
    private AllocatedIp allocateAny(String l3NetworkUuid, List<Range> ranges, String usedFor, String usedIpUuid, String exhausted) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long total = ranges.stream().mapToLong(Range::size).sum();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<Long> candidate = Optional.empty();
            if (round < RANDOM_PROBES) {
                long pick = random.nextLong(total);
                candidate = Optional.of(nth(ranges, pick));
            } else {
                candidate = lowestFree(l3NetworkUuid, ranges);
                if (candidate.isEmpty()) {
                    break;
                }
            }
            Range range = rangeOf(ranges, candidate.get());
            Optional<AllocatedIp> taken = tryInsert(l3NetworkUuid, range, candidate.get(), usedFor, usedIpUuid);
            if (taken.isPresent()) {
                return taken.get();
            }
        }
        if (lowestFree(l3NetworkUuid, ranges).isPresent()) {
            throw ApiException.operationFailed("could not allocate an address on L3 network " + l3NetworkUuid
                    + " after " + MAX_ROUNDS + " attempts: too many concurrent allocations; try again");
        }
        throw ApiException.operationFailed(exhausted != null ? exhausted : "L3 network " + l3NetworkUuid + " has no free IP: all "
                + total + " addresses of its " + ranges.size() + " IP range(s) are in use");
    }

    private AllocatedIp allocateRequired(String l3NetworkUuid, List<Range> ranges, String requiredIp, String usedFor, String usedIpUuid) {
        Ipv4 ip = Ipv4.tryParse(requiredIp).orElseThrow(() -> ApiException.invalidArgument("'" + requiredIp + "' is not an IPv4 address"));
        // the gateway lies outside every range but can be taken on purpose: a virtual router is the guests' gateway
        Range range = ranges.stream().filter(r -> r.contains(ip.value()) || r.gateway().equals(requiredIp)).findFirst()
                .orElseThrow(() -> ApiException.invalidArgument(requiredIp + " is neither inside an IP range nor the gateway of L3 network "
                        + l3NetworkUuid));
        return tryInsert(l3NetworkUuid, range, ip.value(), usedFor, usedIpUuid).orElseThrow(() ->
                ApiException.conflict(requiredIp + " is already in use on L3 network " + l3NetworkUuid));
    }

    private Optional<AllocatedIp> tryInsert(String l3NetworkUuid, Range range, long value, String usedFor, String uuid) {
        String ip = new Ipv4(value).toString();
        try {
            dsl.insertInto(USED_IP).columns(UUID, RANGE, L3, IP, IP_VALUE, GATEWAY, NETMASK, USED_FOR, CREATE_DATE)
                    .values(uuid, range.uuid(), l3NetworkUuid, ip, value, range.gateway(), range.netmask(), usedFor,
                            LocalDateTime.ofInstant(clock.now(), ZoneOffset.UTC))
                    .execute();
            return Optional.of(new AllocatedIp(uuid, range.uuid(), l3NetworkUuid, ip, range.netmask(), range.gateway()));
        } catch (IntegrityConstraintViolationException e) {
            return Optional.empty();
        } catch (DataAccessException e) {
            // some drivers report unique violations without the SQL state jOOQ maps; 23xxx is integrity
            if (e.sqlState() != null && e.sqlState().startsWith("23")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Gives an address back; releasing twice is harmless. */
    public void release(String usedIpUuid) {
        dsl.deleteFrom(USED_IP).where(UUID.eq(usedIpUuid)).execute();
    }

    /**
     * Gives addresses back inside the caller's transaction, so that what held them (a VM's nics) and the addresses
     * go together: a crash can no longer come between the two and leave addresses no one holds.
     */
    public static void release(DSLContext tx, java.util.Collection<String> usedIpUuids) {
        if (!usedIpUuids.isEmpty()) {
            tx.deleteFrom(USED_IP).where(UUID.in(usedIpUuids)).execute();
        }
    }

    public boolean isInUse(String l3NetworkUuid, String ip) {
        return Ipv4.tryParse(ip).map(v -> dsl.fetchExists(USED_IP, L3.eq(l3NetworkUuid).and(IP_VALUE.eq(v.value())))).orElse(false);
    }

    private List<Range> ranges(String l3NetworkUuid) {
        return dsl.select(UUID, START, END, NETMASK, GATEWAY).from(IP_RANGE).where(L3.eq(l3NetworkUuid))
                .orderBy(START).fetch(r -> new Range(r.get(UUID), r.get(START), r.get(END), r.get(NETMASK), r.get(GATEWAY)));
    }

    private static long nth(List<Range> ranges, long index) {
        for (Range r : ranges) {
            if (index < r.size()) {
                return r.start() + index;
            }
            index -= r.size();
        }
        throw new IllegalStateException("index beyond the ranges");
    }

    private static Range rangeOf(List<Range> ranges, long value) {
        return ranges.stream().filter(r -> r.contains(value)).findFirst()
                .orElseThrow(() -> new IllegalStateException(new Ipv4(value) + " is in no range"));
    }

    /** The lowest free address of any range: the range start if free, else the first used address whose successor is free. */
    private Optional<Long> lowestFree(String l3NetworkUuid, List<Range> ranges) {
        for (Range range : ranges) {
            if (!dsl.fetchExists(USED_IP, L3.eq(l3NetworkUuid).and(IP_VALUE.eq(range.start())))) {
                return Optional.of(range.start());
            }
            // one pass over the range's used addresses in order: a gap is where the next used address is not v+1.
            // A window function instead of a self-join keeps the plan the same whatever the planner knows of the table.
            Table<?> used = DSL.select(IP_VALUE.as("v"), DSL.lead(IP_VALUE).over(DSL.orderBy(IP_VALUE)).as("nxt"))
                    .from(USED_IP).where(L3.eq(l3NetworkUuid)).and(IP_VALUE.between(range.start(), range.end()))
                    .asTable("t");
            Field<Long> v = field("t", "v", Long.class);
            Field<Long> nxt = field("t", "nxt", Long.class);
            Record gap = dsl.select(DSL.min(v.plus(1L))).from(used)
                    .where(v.lt(range.end())).and(nxt.isNull().or(nxt.gt(v.plus(1L)))).fetchOne();
            Long value = gap == null ? null : gap.get(0, Long.class);
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}

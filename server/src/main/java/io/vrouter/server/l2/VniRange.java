package io.vrouter.server.l2;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * A range of VXLAN network identifiers, both ends included. VNIs are 24 bits; ZStack accepts 1..16777214 (0 and
 * 2^24-1 are reserved by some switches), and so do we.
 */
public record VniRange(int start, int end) {
    public static final int MIN_VNI = 1;
    public static final int MAX_VNI = 16_777_214;

    public boolean overlaps(VniRange other) {
        return start <= other.end && other.start <= end;
    }

    public boolean contains(int vni) {
        return start <= vni && vni <= end;
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }

    /**
     * The lowest VNI of {@code ranges} that is not in {@code usedAscending} (sorted, ascending), or empty when the
     * ranges are full. Walks the used VNIs once per range: a pool has a handful of ranges and as many used VNIs as
     * it has networks.
     */
    static OptionalInt firstFree(List<VniRange> ranges, List<Integer> usedAscending) {
        for (VniRange range : ranges.stream().sorted(Comparator.comparingInt(VniRange::start)).toList()) {
            long candidate = range.start;
            for (int used : usedAscending) {
                if (used < candidate) {
                    continue;
                }
                if (used > candidate) {
                    break;
                }
                candidate++;
            }
            if (candidate <= range.end) {
                return OptionalInt.of((int) candidate);
            }
        }
        return OptionalInt.empty();
    }
}

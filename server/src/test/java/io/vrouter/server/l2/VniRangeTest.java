package io.vrouter.server.l2;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class VniRangeTest {
    @Test
    void firstFreeIsTheLowestUnusedVniOfAnyRange() {
        List<VniRange> ranges = List.of(new VniRange(50, 51), new VniRange(10, 12));
        assertThat(VniRange.firstFree(ranges, List.of())).hasValue(10);
        assertThat(VniRange.firstFree(ranges, List.of(10, 11))).hasValue(12);
        assertThat(VniRange.firstFree(ranges, List.of(10, 11, 12))).hasValue(50);
        assertThat(VniRange.firstFree(ranges, List.of(5, 10, 11, 12, 50))).hasValue(51);
        assertThat(VniRange.firstFree(ranges, List.of(10, 11, 12, 50, 51))).isEqualTo(OptionalInt.empty());
    }

    @Test
    void theTopOfTheVniSpaceDoesNotOverflow() {
        VniRange top = new VniRange(VniRange.MAX_VNI, VniRange.MAX_VNI);
        assertThat(VniRange.firstFree(List.of(top), List.of(VniRange.MAX_VNI))).isEmpty();
        assertThat(top.overlaps(new VniRange(1, VniRange.MAX_VNI))).isTrue();
        assertThat(new VniRange(1, 5).overlaps(new VniRange(6, 9))).isFalse();
    }
}

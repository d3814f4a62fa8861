package io.vrouter.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class QueryBenchTest {
    private static final String A = "0123456789abcdef0123456789abcdef";
    private static final String B = "fedcba9876543210fedcba9876543210";

    @Test
    void longUuidListsAndSelectListsAreAbbreviatedInPlans() {
        String sql = "select t0.uuid, t0.name, t0.ip from vm_nic t0 where t0.vm_instance_uuid in ('" + A + "', '" + B + "', '" + A + "')";
        assertThat(QueryBench.abbreviateInLists(sql))
                .isEqualTo("select <3 columns> from vm_nic t0 where t0.vm_instance_uuid in ('" + A + "', ... 3 uuids)");
    }

    @Test
    void aSingleUuidIsLeftAsItIs() {
        String plan = "/* PUBLIC.IDX: VM_INSTANCE_UUID = '" + A + "' */ IN('" + A + "')";
        assertThat(QueryBench.abbreviateInLists(plan)).isEqualTo(plan);
    }

    @Test
    void bulkMacsAreUniqueAndLocallyAdministered() {
        Set<String> macs = new HashSet<>();
        for (int i = 0; i < 300_000; i += 97) {
            String mac = QueryBench.macOf(i);
            assertThat(mac).matches("fa(:[0-9a-f]{2}){5}");
            macs.add(mac);
        }
        assertThat(macs).hasSize((300_000 + 96) / 97);
        // bit 1 of the first octet set, bit 0 clear: locally administered unicast
        assertThat(Integer.parseInt("fa", 16) & 0b11).isEqualTo(0b10);
    }
}

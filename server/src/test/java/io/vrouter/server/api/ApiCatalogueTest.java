package io.vrouter.server.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiCatalogueTest {
    @Test
    void suggestsCloseNamesClosestFirst() {
        assertThat(ApiCatalogue.closest("QueryZon", List.of("QueryZone", "QueryHost", "CreateZone")))
                .startsWith("QueryZone");
        assertThat(ApiCatalogue.closest("querycluster", List.of("QueryCluster"))).containsExactly("QueryCluster");
        assertThat(ApiCatalogue.closest("Xyz", List.of("QueryCluster"))).isEmpty();
        assertThat(ApiCatalogue.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void refusesToRegisterANameTwice() {
        ApiCatalogue c = new ApiCatalogue();
        c.register(ApiDefinition.of("A", "a", call -> null));
        assertThatThrownBy(() -> c.register(ApiDefinition.of("A", "a", call -> null)))
                .hasMessage("API A is registered twice");
    }
}

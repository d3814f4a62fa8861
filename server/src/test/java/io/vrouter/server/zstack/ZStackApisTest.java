package io.vrouter.server.zstack;

import io.vrouter.server.api.ApiDefinition;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The ZStack names table covers the catalogue exactly and each REST path's variables are parameters of its API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZStackApisTest {
    private TestNode node;
    private ZStackApis apis;

    @BeforeAll
    void start() {
        node = TestNode.start(TestDatabase.H2);
        apis = ZStackApis.of(node.node().catalogue());
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void everyApiOfTheCatalogueHasItsZStackNamesAndEveryNameAnApi() {
        assertThat(apis.undeclared()).as("catalogue APIs missing from ZStackApis").isEmpty();
        List<String> catalogue = node.node().catalogue().all().stream().map(ApiDefinition::name).toList();
        assertThat(catalogue).containsAll(ZStackApis.declaredNames());
        for (ZStackApi api : apis.all()) {
            assertThat(apis.byMessageClass(api.messageClass())).contains(api);
            assertThat(api.restMethod()).isIn("GET", "POST", "PUT", "DELETE");
        }
    }

    @Test
    void restPathVariablesAreParametersOfTheirApi() {
        Pattern var = Pattern.compile("\\{(.+?)\\}");
        List<String> wrong = new ArrayList<>();
        for (ZStackApi api : apis.all()) {
            ApiDefinition definition = node.node().catalogue().find(api.apiName()).orElseThrow();
            for (String path : api.restPaths()) {
                Matcher m = var.matcher(path);
                while (m.find()) {
                    if (definition.param(m.group(1)).isEmpty()) {
                        wrong.add(api.apiName() + " " + path + " {" + m.group(1) + "}");
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aClassNameFromAnotherReleasesPackageReachesTheSameApi() {
        // 0.6's apibinding names the ref query in org.zstack.header.network, HEAD's in org.zstack.header.network.service
        assertThat(apis.byMessageClass("org.zstack.header.network.APIQueryNetworkServiceL3NetworkRefMsg").orElseThrow().apiName())
                .isEqualTo("QueryNetworkServiceL3NetworkRef");
        assertThat(apis.byApiName("CreateVirtualRouterOffering").orElseThrow().replyClass())
                .isEqualTo("org.zstack.header.configuration.APICreateInstanceOfferingEvent");
        assertThat(apis.byApiName("QueryZone").orElseThrow().sync()).isTrue();
        assertThat(apis.byApiName("CreateZone").orElseThrow().replyClass()).isEqualTo("org.zstack.header.zone.APICreateZoneEvent");
    }
}

package io.vrouter.cli.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrouter.cli.schema.ApiSchema;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionEngineTest {

    private static final CompletionEngine ENGINE = new CompletionEngine(fixture());

    static ApiSchema fixture() {
        try (InputStream in = CompletionEngineTest.class.getResourceAsStream("/openapi-fixture.json")) {
            return ApiSchema.fromOpenApi(new ObjectMapper().readTree(in));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> values(String line) {
        return ENGINE.complete(line).stream().map(Completion::value).toList();
    }

    @Test
    void firstWordCompletesApiNamesAndShellWords() {
        assertThat(values("Query")).containsExactly("QueryVirtualRouterOffering", "QueryVirtualRouterVm");
        assertThat(values("queryvirtualrouterv")).containsExactly("QueryVirtualRouterVm");
        assertThat(values("e")).containsExactly("exit");
        assertThat(values("")).contains("LogInByAccount", "help", "quit").hasSize(12);
        assertThat(ENGINE.complete("LogO")).containsExactly(new Completion("LogOut", "LogOut", "", true));
    }

    @Test
    void helpCompletesApiNames() {
        assertThat(values("help Cha")).containsExactly("ChangeL3NetworkState");
        assertThat(values("help ChangeL3NetworkState ")).isEmpty();
    }

    @Test
    void parameterNamesEndWithEqualsAndLeaveTheWordOpen() {
        assertThat(ENGINE.complete("CreateVirtualRouterOffering na")).containsExactly(
                new Completion("name=", "name=", "required. offering name", false));
        assertThat(values("CreateVirtualRouterOffering ")).containsExactly("name=", "cpuNum=", "memorySize=",
                "cpuSpeed=", "isDefault=", "zoneUuid=", "managementNetworkUuid=", "imageUuid=", "systemTags=");
    }

    @Test
    void parametersAlreadyGivenAreNotOfferedAgain() {
        assertThat(values("CreateVirtualRouterOffering name=\"my offering\" cpuNum=1 memorySize=1 cpuSpeed=1 "
                + "zoneUuid=z managementNetworkUuid=m imageUuid=i systemTags=a,b "))
                .containsExactly("isDefault=");
    }

    @Test
    void enumValuesAfterKeyEquals() {
        assertThat(ENGINE.complete("ChangeL3NetworkState uuid=u stateEvent=")).containsExactly(
                new Completion("stateEvent=enable", "enable", "", true),
                new Completion("stateEvent=disable", "disable", "", true));
        assertThat(values("ChangeL3NetworkState stateEvent=d")).containsExactly("stateEvent=disable");
    }

    @Test
    void listParameterWithChoicesCompletesEachItem() {
        assertThat(ENGINE.complete("CreateL3Network services=DHCP,")).containsExactly(
                new Completion("services=DHCP,DHCP", "DHCP", "", false),
                new Completion("services=DHCP,DNS", "DNS", "", false),
                new Completion("services=DHCP,SNAT", "SNAT", "", false));
        assertThat(values("CreateL3Network category=p")).containsExactly("category=Private", "category=Public");
    }

    @Test
    void booleanValuesAfterKeyEquals() {
        assertThat(values("CreateVirtualRouterOffering isDefault=")).containsExactly("isDefault=true", "isDefault=false");
    }

    @Test
    void freeTextParametersHaveNoValueCandidates() {
        assertThat(values("CreateVirtualRouterOffering name=")).isEmpty();
        assertThat(values("CreateVirtualRouterOffering nosuch=")).isEmpty();
    }

    @Test
    void queryCompletesFieldsIncludingNestedOnesAndReservedKeys() {
        assertThat(values("QueryVirtualRouterVm ")).containsExactly("uuid=", "name=", "state=",
                "defaultRouteL3NetworkUuid=", "vmNics.ip=", "vmNics.mac=", "count=", "limit=", "start=",
                "replyWithCount=", "sortBy=", "sortDirection=", "fields=");
        assertThat(values("QueryVirtualRouterVm vmNics.")).containsExactly("vmNics.ip=", "vmNics.mac=");
        assertThat(values("QueryVirtualRouterOffering managementL3")).containsExactly("managementL3Network.name=");
    }

    @Test
    void queryFieldsRepeatButReservedKeysDoNot() {
        assertThat(values("QueryVirtualRouterVm name~=vr limit=3 ")).contains("name=").doesNotContain("limit=")
                .contains("start=");
    }

    @Test
    void reservedKeyValues() {
        assertThat(values("QueryVirtualRouterVm count=")).containsExactly("count=true", "count=false");
        assertThat(values("QueryVirtualRouterVm replyWithCount=t")).containsExactly("replyWithCount=true");
        assertThat(values("QueryVirtualRouterVm sortDirection=")).containsExactly("sortDirection=asc", "sortDirection=desc");
        assertThat(values("QueryVirtualRouterVm sortBy=vm")).containsExactly("sortBy=vmNics.ip", "sortBy=vmNics.mac");
    }

    @Test
    void fieldsCompletesTheLastItemOfTheList() {
        assertThat(ENGINE.complete("QueryVirtualRouterVm fields=uuid,vmNics.m")).containsExactly(
                new Completion("fields=uuid,vmNics.mac", "vmNics.mac", "", false));
    }

    @Test
    void conditionValuesAndUnknownApisHaveNoCandidates() {
        assertThat(values("QueryVirtualRouterVm name!=")).isEmpty();
        assertThat(values("QueryVirtualRouterVm name!x")).isEmpty();
        assertThat(values("NoSuchApi ")).isEmpty();
    }

    @Test
    void emptySchemaStillCompletesShellWords() {
        assertThat(new CompletionEngine(ApiSchema.empty()).complete("")).extracting(Completion::value)
                .containsExactly("help", "exit", "quit");
    }
}

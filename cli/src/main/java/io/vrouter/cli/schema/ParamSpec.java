package io.vrouter.cli.schema;

import java.util.List;

/**
 * One parameter of an API as the OpenAPI document describes it.
 *
 * @param name        parameter name
 * @param type        JSON schema type: string, integer, number, boolean, array, object; {@code string} if unknown
 * @param itemType    for arrays the type of the items, else null
 * @param choices     allowed values ({@code enum}; for arrays the items' enum), empty when any value goes
 * @param required    whether the API needs it
 * @param defaultValue the server's default as text, or null
 * @param description one line for help and completion, may be empty
 */
public record ParamSpec(String name, String type, String itemType, List<String> choices, boolean required,
                        String defaultValue, String description) {
    public ParamSpec {
        choices = List.copyOf(choices);
        description = description == null ? "" : description;
    }
}

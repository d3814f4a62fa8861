package io.vrouter.server.api;

/** The types an API parameter can have; each knows its OpenAPI spelling. */
public enum ParamType {
    STRING("string"),
    /** A resource uuid: 32 lower-case hex digits. */
    UUID("string"),
    INTEGER("integer"),
    LONG("integer"),
    BOOLEAN("boolean"),
    /** A dotted-quad IPv4 address. */
    IPV4("string"),
    /** Where a host is reached: a dotted-quad IPv4 address or a DNS host name (letters, digits, hyphens, dots). */
    HOST_ADDRESS("string"),
    /** An IPv4 network in CIDR notation, e.g. 10.0.0.0/24. */
    CIDR("string"),
    STRING_LIST("array"),
    UUID_LIST("array"),
    /** A JSON object, written in the CLI as a map literal. */
    MAP("object"),
    /** The conditions of a query: a list of {name, op, value}. */
    CONDITIONS("array");

    private final String openApiType;

    ParamType(String openApiType) {
        this.openApiType = openApiType;
    }

    public String openApiType() {
        return openApiType;
    }

    public boolean isList() {
        return this == STRING_LIST || this == UUID_LIST || this == CONDITIONS;
    }
}

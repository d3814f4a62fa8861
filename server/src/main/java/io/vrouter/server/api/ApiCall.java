package io.vrouter.server.api;

import io.vrouter.api.QueryCondition;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated API call: typed access to its parameters and the caller's session. Every value here has already
 * passed the catalogue's checks, so accessors only throw for a programming error (asking for an undeclared name).
 */
public final class ApiCall {
    private final ApiDefinition api;
    private final Map<String, Object> values;
    private final CallerSession session;
    private final String clientAddress;

    ApiCall(ApiDefinition api, Map<String, Object> values, CallerSession session, String clientAddress) {
        this.api = api;
        this.values = values;
        this.session = session;
        this.clientAddress = clientAddress;
    }

    /** For handlers that call other handlers, and for tests. */
    public static ApiCall of(ApiDefinition api, Map<String, Object> values, CallerSession session) {
        return new ApiCall(api, Map.copyOf(values), session, null);
    }

    public String apiName() {
        return api.name();
    }

    public CallerSession session() {
        return session;
    }

    /** The network address the call came from, or null when unknown (an in-process call). */
    public String clientAddress() {
        return clientAddress;
    }

    public boolean has(String name) {
        declared(name);
        return values.containsKey(name);
    }

    public String string(String name) {
        return (String) require(name);
    }

    public Optional<String> optString(String name) {
        return Optional.ofNullable((String) get(name));
    }

    public int integer(String name) {
        return ((Number) require(name)).intValue();
    }

    public Optional<Integer> optInteger(String name) {
        return Optional.ofNullable((Number) get(name)).map(Number::intValue);
    }

    public long longValue(String name) {
        return ((Number) require(name)).longValue();
    }

    public Optional<Long> optLong(String name) {
        return Optional.ofNullable((Number) get(name)).map(Number::longValue);
    }

    public boolean bool(String name) {
        Object v = get(name);
        return v != null && (Boolean) v;
    }

    public Optional<Boolean> optBool(String name) {
        return Optional.ofNullable((Boolean) get(name));
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object v = get(name);
        return v == null ? List.of() : (List<String>) v;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = get(name);
        return v == null ? Map.of() : (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    public List<QueryCondition> conditions(String name) {
        Object v = get(name);
        return v == null ? List.of() : (List<QueryCondition>) v;
    }

    private Object get(String name) {
        declared(name);
        return values.get(name);
    }

    private Object require(String name) {
        Object v = get(name);
        if (v == null) {
            throw new IllegalStateException(api.name() + "." + name + " is optional and absent: use the opt accessor");
        }
        return v;
    }

    private void declared(String name) {
        if (api.param(name).isEmpty()) {
            throw new IllegalArgumentException(api.name() + " declares no parameter " + name);
        }
    }
}

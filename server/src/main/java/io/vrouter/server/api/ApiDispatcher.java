package io.vrouter.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vrouter.api.ErrorCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs one API call: find it in the catalogue, authenticate, validate every parameter, then hand off to its
 * handler. Nothing reaches a handler unvalidated, so a handler may write as soon as its own checks pass.
 * Every call is counted by name and outcome, and timed.
 */
public final class ApiDispatcher {
    private final ApiCatalogue catalogue;
    private final SessionResolver sessions;
    private final ParamConverter converter;
    private final MeterRegistry metrics;
    private final List<OutcomeListener> outcomeListeners = new CopyOnWriteArrayList<>();

    /** Told how every call of a known API ended, on every protocol (the console's live events listen). */
    @FunctionalInterface
    public interface OutcomeListener {
        /** {@code errorCode} and {@code errorText} are null when the call succeeded. */
        void ended(String apiName, String errorCode, String errorText);
    }

    public ApiDispatcher(ApiCatalogue catalogue, SessionResolver sessions, ObjectMapper json, MeterRegistry metrics) {
        this.catalogue = catalogue;
        this.sessions = sessions;
        this.converter = new ParamConverter(json);
        this.metrics = metrics;
    }

    public void onOutcome(OutcomeListener listener) {
        outcomeListeners.add(listener);
    }

    private void tell(String apiName, String errorCode, String errorText) {
        outcomeListeners.forEach(l -> l.ended(apiName, errorCode, errorText));
    }

    /**
     * @param apiName             the API's name as called
     * @param body                the JSON object of parameters (null or empty for none)
     * @param authorizationHeader the raw {@code Authorization} header, may be null
     */
    public Object dispatch(String apiName, JsonNode body, String authorizationHeader) {
        return dispatch(apiName, body, authorizationHeader, null);
    }

    /**
     * As {@link #dispatch(String, JsonNode, String)}, for a caller at a known network address (what login
     * throttling counts by; an HTTP endpoint passes the peer's address, null when there is none).
     */
    public Object dispatch(String apiName, JsonNode body, String authorizationHeader, String clientAddress) {
        return run(prepare(apiName, body, authorizationHeader, clientAddress));
    }

    /** A call that passed authentication and validation and has not run yet. */
    public record PreparedCall(ApiDefinition api, ApiCall call) {
    }

    /**
     * Authenticates and validates without running the handler: the protocols that answer before the work is
     * done (ZStack's jobs) refuse a bad call at once and run a good one later with {@link #run}.
     */
    public PreparedCall prepare(String apiName, JsonNode body, String authorizationHeader, String clientAddress) {
        long start = System.nanoTime();
        ApiDefinition api = catalogue.find(apiName).orElse(null);
        try {
            if (api == null) {
                throw unknownApi(apiName);
            }
            CallerSession session = api.authenticated() ? sessions.resolve(authorizationHeader) : null;
            return new PreparedCall(api, new ApiCall(api, validate(api, body), session, clientAddress));
        } catch (ApiException e) {
            record(api == null ? "unknown" : api.name(), e.code().code(), start);
            if (api != null) {
                tell(api.name(), e.code().code(), e.toError().details());
            }
            throw e;
        } catch (RuntimeException e) {
            record(api == null ? "unknown" : api.name(), ErrorCode.INTERNAL_ERROR.code(), start);
            if (api != null) {
                tell(api.name(), ErrorCode.INTERNAL_ERROR.code(), "internal error");
            }
            throw e;
        }
    }

    /** Runs a prepared call's handler; counted and timed like every call. */
    public Object run(PreparedCall prepared) {
        long start = System.nanoTime();
        String outcome = "success";
        String errorText = null;
        try {
            return prepared.api().handler().handle(prepared.call());
        } catch (ApiException e) {
            outcome = e.code().code();
            errorText = e.toError().details();
            throw e;
        } catch (RuntimeException e) {
            outcome = ErrorCode.INTERNAL_ERROR.code();
            errorText = "internal error";
            throw e;
        } finally {
            record(prepared.api().name(), outcome, start);
            tell(prepared.api().name(), errorText == null ? null : outcome, errorText);
        }
    }

    private void record(String metricName, String outcome, long startNanos) {
        Counter.builder("vrouter_api_calls").description("API calls by name and outcome (success or error code)")
                .tag("api", metricName).tag("outcome", outcome).register(metrics).increment();
        Timer.builder("vrouter_api_latency").description("API call latency").tag("api", metricName)
                .publishPercentileHistogram().register(metrics)
                .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private ApiException unknownApi(String apiName) {
        List<String> close = catalogue.closeNames(apiName);
        return new ApiException(ErrorCode.INVALID_ARGUMENT, "unknown API",
                "there is no API named '" + apiName + "'" + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"));
    }

    Map<String, Object> validate(ApiDefinition api, JsonNode body) {
        if (body != null && !body.isNull() && !body.isObject()) {
            throw ApiException.invalidArgument("the parameters of " + api.name() + " must be a JSON object, got " + body.getNodeType());
        }
        Map<String, Object> values = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        if (body != null && body.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                ApiParam param = api.param(field.getKey()).orElse(null);
                if (param == null) {
                    unknown.add(field.getKey());
                } else if (!field.getValue().isNull()) {
                    values.put(param.name(), converter.convert(param, field.getValue()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = api.params().stream().map(ApiParam::name).toList();
            String hint = unknown.size() == 1 ? closeHint(unknown.get(0), known) : "";
            throw ApiException.invalidArgument(api.name() + " has no parameter " + String.join(", ", unknown) + hint
                    + "; its parameters are " + known);
        }
        for (ApiParam param : api.params()) {
            if (!values.containsKey(param.name())) {
                if (param.required()) {
                    throw ApiException.invalidArgument("missing required parameter " + param.name() + " of " + api.name());
                }
                if (param.defaultValue() != null) {
                    values.put(param.name(), param.defaultValue());
                }
            }
        }
        return values;
    }

    private static String closeHint(String typed, List<String> known) {
        List<String> close = ApiCatalogue.closest(typed, known);
        return close.isEmpty() ? "" : " (did you mean " + close.get(0) + "?)";
    }
}

package io.vrouter.server.zstack.rest;

import io.vrouter.server.zstack.ZStackApi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST v1 paths of {@link io.vrouter.server.zstack.ZStackApis} as matchable templates. A request path matches
 * the templates of its method with as many segments whose literal segments are equal; among those, the ones with
 * the most literal segments win ({@code /l2-networks/vlan} before {@code /l2-networks/{uuid}}). Several APIs share
 * {@code PUT .../{uuid}/actions}: the caller picks among them by the body's key.
 */
final class RestRoutes {
    /** One template; {@code byUuid} marks the {@code GET <collection>/{uuid}} form of a Query API. */
    record Route(String method, String[] segments, ZStackApi api, boolean byUuid) {
        int literals() {
            return (int) Arrays.stream(segments).filter(s -> !isVariable(s)).count();
        }
    }

    /** The routes a path matched, with the variables each captured. */
    record Match(Route route, Map<String, String> variables) {
    }

    private final List<Route> routes = new ArrayList<>();

    RestRoutes(Iterable<ZStackApi> apis) {
        for (ZStackApi api : apis) {
            for (String path : api.restPaths()) {
                routes.add(new Route(api.restMethod(), split(path), api, false));
                if (api.isQuery() && path.equals(api.restPaths().get(0))) {
                    routes.add(new Route("GET", split(path + "/{uuid}"), api, true));
                }
            }
        }
    }

    /** Matches of the best rank for this method; empty if none. */
    List<Match> match(String method, String path) {
        String[] segments = split(path);
        List<Match> best = new ArrayList<>();
        int bestRank = -1;
        for (Route route : routes) {
            if (!route.method().equals(method) || route.segments().length != segments.length) {
                continue;
            }
            Map<String, String> variables = capture(route.segments(), segments);
            if (variables == null) {
                continue;
            }
            int rank = route.literals();
            if (rank > bestRank) {
                best.clear();
                bestRank = rank;
            }
            if (rank == bestRank) {
                best.add(new Match(route, variables));
            }
        }
        return best;
    }

    /** True when some other method serves this path (for 405 instead of 404). */
    boolean servedByAnotherMethod(String method, String path) {
        String[] segments = split(path);
        return routes.stream().anyMatch(r -> !r.method().equals(method) && r.segments().length == segments.length
                && capture(r.segments(), segments) != null);
    }

    private static Map<String, String> capture(String[] template, String[] segments) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            if (isVariable(template[i])) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                variables.put(template[i].substring(1, template[i].length() - 1), segments[i]);
            } else if (!template[i].equals(segments[i])) {
                return null;
            }
        }
        return variables;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }
}

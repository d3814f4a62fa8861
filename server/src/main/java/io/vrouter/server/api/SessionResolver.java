package io.vrouter.server.api;

/** Turns the {@code Authorization: OAuth <session>} header into a live session, or throws NOT_AUTHENTICATED. */
@FunctionalInterface
public interface SessionResolver {
    CallerSession resolve(String authorizationHeader);
}

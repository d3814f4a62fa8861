package io.vrouter.server.api;

/** Carries out one API call whose parameters are already validated. Returns the reply body. */
@FunctionalInterface
public interface ApiHandler {
    Object handle(ApiCall call);
}

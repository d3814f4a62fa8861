package io.vrouter.server.api;

/** Who is calling: the session an API call was authenticated with. */
public record CallerSession(String sessionUuid, String accountUuid, String accountName) {
}

package io.vrouter.api;

/**
 * The body of every failed API call: {@code {"error":{"code","description","details"}}}.
 *
 * @param code        ZStack-style code such as {@code SYS.1007}
 * @param description what kind of failure, in a few words
 * @param details     what exactly was wrong, naming the parameter, value or resource
 */
public record ApiError(String code, String description, String details) {
    /** The JSON envelope: {@code {"error": ApiError}}. */
    public record Envelope(ApiError error) {
    }
}

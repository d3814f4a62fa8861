package io.vrouter.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration of the management node: ISO dates, unknown fields tolerated when reading, and
 * reading limits fit for bodies from strangers.
 *
 * <p>What the node reads is a request: an object of parameters a few levels deep (a map parameter such as
 * {@code networkServices} is the deepest, at three). So a body nested deeper than {@link #MAX_NESTING_DEPTH},
 * a string longer than the longest column, a number of more than {@link #MAX_NUMBER_LENGTH} digits, a key
 * given twice or anything after the object is refused by the parser itself, before any of it is built in memory.
 */
public final class Json {
    /** Far above any real request, far below the depth at which recursion anywhere gets expensive. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Longest JSON string: above every column (2,048), below the body limit. */
    public static final int MAX_STRING_LENGTH = 65_536;
    public static final int MAX_NUMBER_LENGTH = 64;
    public static final int MAX_NAME_LENGTH = 256;

    private Json() {
    }

    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .build())
                .build();
        return new ObjectMapper(factory)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // {"a":1}xyz is not a JSON object: refuse it rather than read the prefix
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"name":"a","name":"b"}: which one a reader takes differs between parsers; refuse the ambiguity
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}

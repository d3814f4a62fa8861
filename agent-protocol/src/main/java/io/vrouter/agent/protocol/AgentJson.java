package io.vrouter.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON settings both ends of the protocol share. */
public final class AgentJson {

    private AgentJson() {
    }

    /**
     * A new mapper for protocol bodies. Unknown fields are ignored because ZStack's management node sends
     * more than the agent reads; nulls are left out of replies to keep them small.
     */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }
}

package io.vrouter.server.zstack;

import io.vrouter.server.Clock;
import io.vrouter.server.api.ApiCatalogue;
import io.vrouter.server.api.ApiDispatcher;
import io.vrouter.server.http.ApiServer;
import io.vrouter.server.http.Json;
import io.vrouter.server.zstack.rest.RestV1Endpoint;
import io.vrouter.server.zstack.rpc.RpcEndpoint;

import java.time.Duration;
import java.time.ZoneId;

/**
 * ZStack's two protocols on the node's HTTP port, in front of the one dispatcher. Built after every package has
 * registered its APIs (the table is derived from the catalogue), closed with the node.
 */
public final class ZStackWire implements AutoCloseable {
    /**
     * How long a request waits for its job before answering Processing/202. Clients poll every 500 ms or more, so
     * every call done within the wait is answered the moment it is done, with no poll at all; the wait stays well
     * under the SDK's 10 s HTTP read timeout, and a longer job is polled as ZStack's clients expect.
     */
    public static final Duration FIRST_REPLY_WAIT = Duration.ofSeconds(3);
    /** How long a finished job's result can be read back. */
    public static final Duration RESULT_RETENTION = Duration.ofMinutes(30);

    private final ApiJobs jobs;

    public ZStackWire(ApiCatalogue catalogue, ApiDispatcher dispatcher, ApiServer server, Clock clock) {
        ZStackApis apis = ZStackApis.of(catalogue);
        ZStackCalls calls = new ZStackCalls(dispatcher, catalogue);
        ZStackJson json = new ZStackJson(Json.newMapper(), ZoneId.systemDefault());
        this.jobs = new ApiJobs(clock, RESULT_RETENTION, 64);
        RpcEndpoint rpc = new RpcEndpoint(apis, calls, jobs, json, server::parseJsonBody, clock, FIRST_REPLY_WAIT);
        RestV1Endpoint rest = new RestV1Endpoint(apis, calls, jobs, json, server::parseJsonBody, FIRST_REPLY_WAIT);
        server.extend(config -> rpc.routes(config.routes));
        server.extend(config -> rest.routes(config.routes));
    }

    @Override
    public void close() {
        jobs.close();
    }
}

package io.vrouter.server.vrouter;

import io.vrouter.agent.protocol.AgentClient;
import io.vrouter.server.api.ApiException;
import io.vrouter.server.config.GlobalConfigs;
import io.vrouter.server.tag.Tags;
import io.vrouter.server.task.Task;
import io.vrouter.server.task.TaskQueues;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The per-router command queue: every agent command of a router goes through signature {@code vr-cmd-<uuid>}, at
 * most the router's parallelism degree at once (its {@code commandsParallelismDegree} tag, else its offering's,
 * else {@code virtualRouter/command.parallelismDegree}), each bounded by {@code applianceVm/connect.timeout}.
 */
final class RouterCommands {
    private final TaskQueues queues;
    private final GlobalConfigs configs;
    private final Tags tags;
    private final HttpClient http;

    RouterCommands(TaskQueues queues, GlobalConfigs configs, Tags tags, HttpClient http) {
        this.queues = queues;
        this.configs = configs;
        this.tags = tags;
        this.http = http;
    }

    static String signature(String vrUuid) {
        return "vr-cmd-" + vrUuid;
    }

    Duration timeout() {
        return Duration.ofSeconds(configs.longValue(VirtualRouterSettings.APPLIANCE_VM, VirtualRouterSettings.CONNECT_TIMEOUT));
    }

    AgentClient client(String agentUrl, String secret, Duration timeout) {
        return new AgentClient(http, agentUrl, secret, timeout);
    }

    /** The router's tag, else its offering's tag, else the global config. */
    int parallelism(RouterRepository.Router router) {
        for (String resource : new String[]{router.uuid(), router.offeringUuid()}) {
            if (resource == null) {
                continue;
            }
            List<Map<String, String>> values = tags.systemTagValues(resource, VirtualRouterSettings.COMMANDS_PARALLELISM_DEGREE);
            if (!values.isEmpty()) {
                return Integer.parseInt(values.get(values.size() - 1).get("parallelismDegree"));
            }
        }
        return configs.intValue(VirtualRouterSettings.VR, VirtualRouterSettings.PARALLELISM_DEGREE);
    }

    /**
     * Runs one command on the router's queue and waits for it.
     *
     * @param command what to send, given a client for the router's agent
     */
    <T> T run(RouterRepository.Router router, String agentUrl, String name, Function<AgentClient, T> command) {
        Duration timeout = timeout();
        AgentClient client = client(agentUrl, router.secret(), timeout);
        Task<T> task = Task.of(signature(router.uuid()), name, () -> command.apply(client))
                .withParallelism(parallelism(router))
                .withTimeout(timeout);
        try {
            return queues.submit(task).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw ApiException.operationFailed("virtual router " + router.name() + " (" + router.uuid() + "): command "
                    + name + " failed: " + cause.getMessage() + " [queue " + queues.stats(signature(router.uuid())) + "]");
        }
    }
}

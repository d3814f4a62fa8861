package io.vrouter.server.zstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vrouter.server.testing.Infra;
import io.vrouter.server.testing.NodeContract;
import io.vrouter.server.testing.TestDatabase;
import io.vrouter.server.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job longer than the first reply's wait: the RPC envelope answers Processing and the client polls
 * {@code /zstack/api/result/{uuid}} to Done; REST v1 answers 202 and its location answers 202 until the result is
 * there. The slow job is an image downloaded from a loopback server that dribbles it out.
 */
class SlowJobPollingOnH2Test extends NodeContract {
    private static final int CHUNKS = 12;
    private HttpServer server;
    private String url;
    private Path storageDir;

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }

    @BeforeAll
    void startSlowServer() throws IOException {
        long pauseMs = ZStackWire.FIRST_REPLY_WAIT.toMillis() / CHUNKS * 2;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/slow.qcow2", ex -> {
            byte[] chunk = new byte[4096];
            ex.sendResponseHeaders(200, (long) chunk.length * CHUNKS);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < CHUNKS; i++) {
                    out.write(chunk);
                    out.flush();
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/slow.qcow2";
        storageDir = Files.createTempDirectory("vrouter-bs-slow-");
    }

    @AfterAll
    void stopSlowServer() {
        server.stop(0);
    }

    private String storage() {
        return admin.ok("AddSftpBackupStorage", Map.of("name", Infra.unique("bs"), "hostname", "localhost",
                "url", storageDir.resolve(Infra.unique("d")).toString())).get("inventory").get("uuid").asText();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theRpcClientPollsALongJobToDone() {
        RpcClient zs = new RpcClient(node.url());
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        RpcClient.Result r = zs.send(RpcClient.CLASSES.get("AddImage"), Map.of("name", "slow-rpc", "url", url,
                "backupStorageUuids", List.of(storage())));
        assertThat(r.polls()).as("answered Processing first, then polled").isPositive();
        assertThat(r.replyClass()).isEqualTo("org.zstack.header.image.APIAddImageEvent");
        assertThat(r.reply().get("inventory").get("status").asText()).isEqualTo("Ready");
        assertThat(r.envelope().get("finishedDate").asText()).matches(ZStackWireContract.ZSTACK_DATE);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theSdkPollsTheJobLocationThrough202s() {
        RestV1Client zs = new RestV1Client(node.url());
        zs.logIn("admin", TestNode.ADMIN_PASSWORD);
        JsonNode reply = zs.call("AddImage", Map.of("name", "slow-rest", "url", url, "backupStorageUuids", List.of(storage())));
        assertThat(zs.lastPolls).as("the location answered 202 while the job ran").isPositive();
        assertThat(reply.get("inventory").get("status").asText()).isEqualTo("Ready");
        assertThat(reply.get("inventory").get("size").asLong()).isEqualTo(4096L * CHUNKS);
    }
}

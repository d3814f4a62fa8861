package io.vrouter.agent.protocol;

import io.vrouter.agent.protocol.hostagent.AgentTlsTO;
import io.vrouter.agent.tls.TlsIdentity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;

/**
 * The one client of the agent protocol: a typed method per command. The base URL is either a standalone agent
 * ({@code https://10.0.0.5:7272}) or one of many agents in one process ({@code https://127.0.0.1:8999/agents/vr-1});
 * {@code https} needs an {@link HttpClient} made with the node's TLS context ({@link #newHttpClient(Duration, SSLContext)}).
 * Every call carries the agent's secret, has a timeout, and fails with an {@link AgentException} that names
 * the agent, the path and the elapsed time; a reply with {@code success=false} is a failure too. Bodies over
 * {@link BodyEncoding#THRESHOLD} (full syncs) go gzip-compressed to an agent whose replies offer it
 * ({@link BodyEncoding}); to any other, as they are.
 *
 * <p>Thread-safe. Share one {@link HttpClient} across many instances: it owns the connection pool and threads.
 */
public final class AgentClient {

    private static final ObjectMapper JSON = AgentJson.newMapper();

    private final HttpClient http;
    private final String baseUrl;
    private final String authorization;
    private final Duration timeout;
    /** What the agent's last reply said of compressed request bodies; shared by {@link #withTimeout} copies. */
    private final PeerEncoding peer;

    public AgentClient(HttpClient http, String baseUrl, String secret, Duration timeout) {
        this(http, baseUrl, AgentPaths.BEARER_PREFIX + Objects.requireNonNull(secret, "secret"), timeout, new PeerEncoding());
    }

    private AgentClient(HttpClient http, String baseUrl, String authorization, Duration timeout, PeerEncoding peer) {
        this.http = Objects.requireNonNull(http, "http");
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = authorization;
        this.timeout = requirePositive(timeout);
        this.peer = peer;
    }

    /**
     * Whether the agent inflates gzip request bodies ({@link BodyEncoding}): learnt from the {@code Accept-Encoding}
     * of each reply, so an agent replaced by one of another version is followed within one call.
     */
    private static final class PeerEncoding {
        private volatile boolean inflatesGzip;
    }

    /** A client with its own {@link HttpClient}; fine for one agent, wasteful for thousands. */
    public static AgentClient create(String baseUrl, String secret, Duration timeout) {
        return new AgentClient(newHttpClient(timeout), baseUrl, secret, timeout);
    }

    /**
     * An {@link HttpClient} suited to agents: HTTP/1.1 (the agent speaks nothing else; asking for HTTP/2 would
     * add an upgrade attempt to every new connection) and the given connect timeout. Share it.
     */
    public static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /**
     * The same over mutual TLS ({@code https://} agents): {@code tls} is the management node's context
     * ({@link io.vrouter.agent.tls.AgentTls#nodeContext}). Connections are kept alive and TLS sessions resumed, so a
     * handshake is paid per connection, not per call.
     */
    public static HttpClient newHttpClient(Duration connectTimeout, SSLContext tls) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .sslContext(Objects.requireNonNull(tls, "tls"))
                .sslParameters(io.vrouter.agent.tls.AgentTls.clientParameters(tls)).build();
    }

    /** The same agent with another per-call timeout. */
    public AgentClient withTimeout(Duration newTimeout) {
        return new AgentClient(http, baseUrl, authorization, newTimeout, peer);
    }

    /** True once the agent's replies said it inflates gzip request bodies: big bodies then go compressed. */
    public boolean compressesBigBodies() {
        return peer.inflatesGzip;
    }

    public String baseUrl() {
        return baseUrl;
    }

    // ---------------------------------------------------------------- liveness and identity

    public EchoReply echo() {
        return call(AgentPaths.ECHO, null, EchoReply.class);
    }

    /**
     * The certificate the agent presents on the connection an {@code /echo} went over (a kept connection's, if one is
     * open: its handshake may predate a revocation); empty over plain HTTP. For checks the handshake cannot make.
     * Whatever the agent answers counts (a host agent has no {@code /echo}: its 404 came over the same session).
     */
    public java.util.Optional<java.security.cert.X509Certificate> peerCertificate() {
        HttpResponse<byte[]> response = send(AgentPaths.ECHO, new byte[] {'{', '}'}, false, System.nanoTime());
        return response.sslSession().flatMap(session -> {
            try {
                java.security.cert.Certificate[] chain = session.getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate leaf
                        ? java.util.Optional.of(leaf) : java.util.Optional.empty();
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return java.util.Optional.empty();
            }
        });
    }

    public AgentReply init(InitCmd cmd) {
        return call(AgentPaths.INIT, cmd, AgentReply.class);
    }

    public PingReply ping(String uuid) {
        return call(AgentPaths.PING, new PingCmd(uuid), PingReply.class);
    }

    public StatusReply status() {
        return call(AgentPaths.STATUS, null, StatusReply.class);
    }

    // ---------------------------------------------------------------- nics, DHCP, DNS

    public AgentReply configureNics(List<NicInfo> nics) {
        return call(AgentPaths.CONFIGURE_NIC, new NicsCmd(nics), AgentReply.class);
    }

    public AgentReply removeNics(List<NicInfo> nics) {
        return call(AgentPaths.REMOVE_NIC, new NicsCmd(nics), AgentReply.class);
    }

    public AgentReply addDhcp(List<DhcpInfo> entries, boolean rebuild) {
        return call(AgentPaths.ADD_DHCP, new AddDhcpCmd(entries, rebuild), AgentReply.class);
    }

    public AgentReply removeDhcp(List<DhcpInfo> entries) {
        return call(AgentPaths.REMOVE_DHCP, new RemoveDhcpCmd(entries), AgentReply.class);
    }

    public AgentReply setDns(List<DnsInfo> dns) {
        return call(AgentPaths.SET_DNS, new DnsCmd(dns), AgentReply.class);
    }

    public AgentReply removeDns(List<DnsInfo> dns) {
        return call(AgentPaths.REMOVE_DNS, new DnsCmd(dns), AgentReply.class);
    }

    // ---------------------------------------------------------------- SNAT, VIP, EIP, port forwarding

    public AgentReply setSnat(SNATInfo snat) {
        return call(AgentPaths.SET_SNAT, new SetSnatCmd(snat), AgentReply.class);
    }

    public AgentReply removeSnat(List<SNATInfo> snats) {
        return call(AgentPaths.REMOVE_SNAT, new RemoveSnatCmd(snats), AgentReply.class);
    }

    public AgentReply syncSnat(List<SNATInfo> snats, boolean enable) {
        return call(AgentPaths.SYNC_SNAT, new SyncSnatCmd(snats, enable), AgentReply.class);
    }

    public AgentReply createVips(List<VipTO> vips) {
        return call(AgentPaths.CREATE_VIP, new VipsCmd(vips, false), AgentReply.class);
    }

    public AgentReply removeVips(List<VipTO> vips) {
        return call(AgentPaths.REMOVE_VIP, new VipsCmd(vips, false), AgentReply.class);
    }

    /** Replaces every VIP ({@code /createvip} with {@code syncVip=true}, as ZStack's reconnect sends it). */
    public AgentReply syncVips(List<VipTO> vips) {
        return call(AgentPaths.CREATE_VIP, new VipsCmd(vips, true), AgentReply.class);
    }

    public AgentReply createEip(EipTO eip) {
        return call(AgentPaths.CREATE_EIP, new EipCmd(eip), AgentReply.class);
    }

    public AgentReply removeEip(EipTO eip) {
        return call(AgentPaths.REMOVE_EIP, new EipCmd(eip), AgentReply.class);
    }

    public AgentReply syncEips(List<EipTO> eips) {
        return call(AgentPaths.SYNC_EIP, new SyncEipCmd(eips), AgentReply.class);
    }

    public AgentReply createPortForwarding(List<PortForwardingRuleTO> rules) {
        return call(AgentPaths.CREATE_PORT_FORWARDING, new PortForwardingCmd(rules), AgentReply.class);
    }

    public AgentReply revokePortForwarding(List<PortForwardingRuleTO> rules) {
        return call(AgentPaths.REVOKE_PORT_FORWARDING, new PortForwardingCmd(rules), AgentReply.class);
    }

    public AgentReply syncPortForwarding(List<PortForwardingRuleTO> rules) {
        return call(AgentPaths.SYNC_PORT_FORWARDING, new PortForwardingCmd(rules), AgentReply.class);
    }

    // ---------------------------------------------------------------- VRRP pairs

    public AgentReply configureHa(HaConfig config) {
        return call(AgentPaths.CONFIGURE_HA, config, AgentReply.class);
    }

    /** A long poll: completes when the status's version differs from {@code knownVersion}, or after the wait. */
    public CompletableFuture<HaStatusReply> haStatusAsync(long knownVersion, Duration wait) {
        return callAsync(AgentPaths.HA_STATUS, new HaStatusCmd(knownVersion, (int) wait.toMillis()), HaStatusReply.class);
    }

    /**
     * Asks a master to announce its floating addresses again (gratuitous ARP), without waiting: its partner stood
     * down after holding them, and the neighbours still have the partner's MAC. A router that is not master does nothing.
     */
    public CompletableFuture<AgentReply> announceHaAsync() {
        return callAsync(AgentPaths.ANNOUNCE_HA, null, AgentReply.class);
    }

    // ---------------------------------------------------------------- certificate rotation

    /**
     * Hands the agent {@code identity} (a new key and certificate of the authority it trusts, for the same router);
     * it writes them and presents the new certificate from its next handshake on, connections open now go on.
     */
    public AgentReply rotateCertificate(TlsIdentity identity) {
        List<String> pem = identity.toPem();
        return call(AgentPaths.ROTATE_CERTIFICATE, new AgentTlsTO(pem.get(0), pem.get(1),
                pem.get(2)), AgentReply.class);
    }

    // ---------------------------------------------------------------- generic calls

    /**
     * Sends {@code body} (null: an empty object) to {@code path} and waits for the reply. Blocking on the calling
     * thread rather than joining {@link #callAsync}: the asynchronous pipeline's thread hand-offs cost a
     * millisecond or more per call, which is most of a small command's round trip.
     */
    public <R> R call(String path, Object body, Class<R> replyType) {
        long start = System.nanoTime();
        byte[] json = json(path, body, start);
        boolean gzip = compress(json);
        HttpResponse<byte[]> response = send(path, json, gzip, start);
        if (gzip && response.statusCode() >= 400 && response.statusCode() < 500 && !peer.inflatesGzip) {
            // the agent was replaced by one that does not inflate (its reply no longer offers gzip) and refused the
            // body unread: the same body once more as it is
            response = send(path, json, false, start);
        }
        return decode(path, start, response, replyType);
    }

    private HttpResponse<byte[]> send(String path, byte[] json, boolean gzip, long start) {
        try {
            HttpResponse<byte[]> response = http.send(request(path, json, gzip, start), HttpResponse.BodyHandlers.ofByteArray());
            learn(response);
            return response;
        } catch (IOException e) {
            throw unanswered(path, start, e);
        } catch (InterruptedException e) {
            throw failure(path, start, 0, null, "interrupted while waiting for the reply", e);
        }
    }

    private boolean compress(byte[] json) {
        return json.length > BodyEncoding.THRESHOLD && peer.inflatesGzip;
    }

    private void learn(HttpResponse<?> response) {
        peer.inflatesGzip = BodyEncoding.acceptsGzip(response.headers().firstValue(BodyEncoding.ACCEPT_ENCODING).orElse(null));
    }

    /**
     * Sends without blocking the caller; the future fails with an {@link AgentException}. Useful to keep many
     * agents busy from few threads.
     */
    public <R> CompletableFuture<R> callAsync(String path, Object body, Class<R> replyType) {
        long start = System.nanoTime();
        HttpRequest request;
        try {
            byte[] json = json(path, body, start);
            request = request(path, json, compress(json), start);
        } catch (AgentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    if (error != null) {
                        throw unanswered(path, start, error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    }
                    learn(response);
                    return decode(path, start, response, replyType);
                });
    }

    private byte[] json(String path, Object body, long start) {
        try {
            return body == null ? new byte[] {'{', '}'} : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw failure(path, start, 0, null, "cannot build the request: " + e.getMessage(), e);
        }
    }

    private HttpRequest request(String path, byte[] json, boolean gzip, long start) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(AgentPaths.AUTHORIZATION_HEADER, authorization);
            if (gzip) {
                request.header(BodyEncoding.CONTENT_ENCODING, BodyEncoding.GZIP);
            }
            return request.POST(new RequestBody(gzip ? BodyEncoding.gzip(json) : json)).build();
        } catch (IllegalArgumentException e) {
            throw failure(path, start, 0, null, "cannot build the request: " + e.getMessage(), e);
        }
    }

    /** No reply: a timeout or a connection that could not be made or broke. */
    private AgentException unanswered(String path, long start, Throwable cause) {
        String reason = cause instanceof HttpTimeoutException
                ? "no reply within " + timeout.toMillis() + " ms"
                : "unreachable: " + cause;
        return failure(path, start, 0, null, reason, cause);
    }

    private <R> R decode(String path, long start, HttpResponse<byte[]> response, Class<R> replyType) {
        int status = response.statusCode();
        JsonNode tree;
        try {
            tree = JSON.readTree(response.body());
        } catch (IOException e) {
            throw failure(path, start, status, null, "reply is not JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw failure(path, start, status, null, "reply is not a JSON object", null);
        }
        JsonNode success = tree.get("success");
        if (success == null || !success.asBoolean() || status != 200) {
            String agentError = tree.path("error").asText(null);
            throw failure(path, start, status, agentError,
                    agentError != null ? agentError : "reply has no success=true", null);
        }
        try {
            return JSON.treeToValue(tree, replyType);
        } catch (IOException e) {
            throw failure(path, start, status, null, "reply does not fit " + replyType.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private AgentException failure(String path, long start, int status, String agentError, String reason,
            Throwable cause) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new AgentException(baseUrl, path, elapsed, status, agentError, reason, cause);
    }

    private static Duration requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return timeout;
    }
}

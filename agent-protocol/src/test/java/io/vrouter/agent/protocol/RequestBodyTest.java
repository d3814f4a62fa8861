package io.vrouter.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The request body as slices of the array: whole, in order, each slice asked for, over a real exchange too. */
class RequestBodyTest {

    @Test
    void slicesComeWholeAndInOrder_oneAtATime_evenWhenTheSubscriberAsksFromOnNext() {
        byte[] body = new byte[RequestBody.SLICE * 3 + 17];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        AtomicInteger completed = new AtomicInteger();
        new RequestBody(body).subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                sizes.add(item.remaining());
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                received.writeBytes(bytes);
                subscription.request(1); // reentrant, as the JDK's subscribers may be
            }

            @Override
            public void onError(Throwable throwable) {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete() {
                completed.incrementAndGet();
            }
        });
        assertThat(received.toByteArray()).isEqualTo(body);
        assertThat(sizes).containsExactly(RequestBody.SLICE, RequestBody.SLICE, RequestBody.SLICE, 17);
        assertThat(completed.get()).isEqualTo(1);
    }

    @Test
    void aBadDemandIsAnError() {
        AtomicReference<Throwable> error = new AtomicReference<>();
        new RequestBody(new byte[10]).subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(ByteBuffer item) {
                throw new AssertionError("nothing asked for");
            }

            @Override
            public void onError(Throwable throwable) {
                error.set(throwable);
            }

            @Override
            public void onComplete() {
                throw new AssertionError("not complete");
            }
        });
        assertThat(error.get()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBigBodyArrivesWholeOverHttp() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<byte[]> got = new AtomicReference<>();
        server.createContext("/", exchange -> {
            got.set(exchange.getRequestBody().readAllBytes());
            byte[] reply = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        try {
            char[] text = new char[RequestBody.SLICE * 2 + 5];
            Arrays.fill(text, 'x');
            Map<String, String> body = Map.of("big", new String(text));
            AgentClient.create("http://127.0.0.1:" + server.getAddress().getPort(), "s3cret", Duration.ofSeconds(10))
                    .call("/big", body, AgentReply.class);
            assertThat(got.get()).isEqualTo(AgentJson.newMapper().writeValueAsBytes(body));
        } finally {
            server.stop(0);
        }
    }
}

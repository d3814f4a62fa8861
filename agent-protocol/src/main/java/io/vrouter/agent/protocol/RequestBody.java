package io.vrouter.agent.protocol;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body handed to the JDK's {@link java.net.http.HttpClient} as slices of the array itself, 256 KiB each.
 * {@code BodyPublishers.ofByteArray} copies a body into 16 KiB buffers, and over TLS each buffer makes a pass through
 * the client's TLS pipeline (its hand-offs between threads cost more CPU than the cipher): for a 4 MB sync that is
 * 256 passes against 16 (benchmarks.md, "Mutual TLS: where the time goes").
 */
final class RequestBody implements HttpRequest.BodyPublisher {
    static final int SLICE = 256 * 1024;

    private final byte[] body;

    RequestBody(byte[] body) {
        this.body = body;
    }

    @Override
    public long contentLength() {
        return body.length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Slices(subscriber));
    }

    /** Emits the slices as they are asked for; reentrant (a subscriber may ask for more from its onNext). */
    private final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private int offset;
        private boolean done;

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                done = true;
                subscriber.onError(new IllegalArgumentException("a subscription asked for " + n + " buffers (Flow §3.9)"));
                return;
            }
            for (long left = n; left > 0 && offset < body.length && !done; left--) {
                int length = Math.min(SLICE, body.length - offset);
                ByteBuffer slice = ByteBuffer.wrap(body, offset, length).slice().asReadOnlyBuffer();
                offset += length;
                subscriber.onNext(slice);
            }
            if (offset >= body.length && !done) {
                done = true;
                subscriber.onComplete();
            }
        }

        @Override
        public synchronized void cancel() {
            done = true;
        }
    }
}

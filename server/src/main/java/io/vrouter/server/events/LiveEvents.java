package io.vrouter.server.events;

import io.vrouter.platform.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's event publisher. Publishers (the router and host packages through their status listeners, the HTTP
 * layer after each API call) call {@link #status} or {@link #apiCall} and return at once: delivery to subscribers runs
 * on one thread of its own, so a slow browser never holds up a router's connect. The last {@value #RECENT} events are
 * kept, so a browser that (re)connects first gets what it missed, and the dashboard its last errors.
 */
public final class LiveEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
    static final int RECENT = 200;

    private final AtomicLong ids = new AtomicLong();
    private final ArrayDeque<LiveEvent> recent = new ArrayDeque<>();
    private final List<Consumer<LiveEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(DaemonThreads.named("live-events"));

    /** A host's or virtual router's status changed. */
    public void status(String resourceType, String uuid, String status) {
        publish(LiveEvent.Kind.STATUS, resourceType, uuid, status, null);
    }

    /** An API call ended: {@code errorCode} null means it succeeded. Queries and reads are not published. */
    public void apiCall(String apiName, String errorCode, String errorText) {
        if (errorCode == null && isRead(apiName)) {
            return;
        }
        publish(errorCode == null ? LiveEvent.Kind.CHANGED : LiveEvent.Kind.ERROR, apiName, null, errorCode, errorText);
    }

    static boolean isRead(String apiName) {
        return apiName.startsWith("Query") || apiName.startsWith("Get") || apiName.equals("LogInByAccount")
                || apiName.equals("LogOut");
    }

    private void publish(LiveEvent.Kind kind, String type, String uuid, String status, String detail) {
        LiveEvent event;
        synchronized (recent) {
            // ids are taken under the lock so the recent list is in id order
            event = new LiveEvent(ids.incrementAndGet(), System.currentTimeMillis(), kind, type, uuid, status, detail);
            recent.addLast(event);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        try {
            delivery.execute(() -> deliver(event));
        } catch (RejectedExecutionException closing) {
            // the node is stopping: nobody is listening any more
        }
    }

    private void deliver(LiveEvent event) {
        for (Consumer<LiveEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.debug("an event subscriber failed; it is dropped", e);
                subscribers.remove(subscriber);
            }
        }
    }

    /**
     * Subscribes, atomically with reading what was missed: the events after {@code afterId} are handed to
     * {@code missed} first, then every new one to {@code subscriber}, none twice, none lost. Returns the unsubscribe.
     */
    public Runnable subscribe(long afterId, Consumer<List<LiveEvent>> missed, Consumer<LiveEvent> subscriber) {
        AtomicLong lastSeen = new AtomicLong(afterId);
        // events published while the backlog is read are queued behind this task; the filter skips those seen
        Consumer<LiveEvent> filtered = e -> {
            if (e.id() > lastSeen.get()) {
                subscriber.accept(e);
            }
        };
        // replay and subscription both run on the delivery thread, so no event slips between them
        delivery.execute(() -> {
            List<LiveEvent> backlog = new ArrayList<>();
            synchronized (recent) {
                for (LiveEvent e : recent) {
                    if (e.id() > afterId) {
                        backlog.add(e);
                    }
                }
            }
            if (!backlog.isEmpty()) {
                lastSeen.set(backlog.get(backlog.size() - 1).id());
            }
            missed.accept(backlog);
            subscribers.add(filtered);
        });
        return () -> subscribers.remove(filtered);
    }

    /** Events kept for late subscribers, oldest first. */
    public List<LiveEvent> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }
}

package io.vrouter.server.task;

/**
 * A snapshot of one signature's queue: tasks waiting, tasks holding a slot, and the degree in force. A signature
 * with no queue reads as {@code (0, 0, 1)}.
 */
public record QueueStats(String signature, int pending, int running, int parallelism) {
}

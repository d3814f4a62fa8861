package io.vrouter.agent.protocol;

/**
 * Reply of {@code /hastatus}: {@code haStatus} is {@code NoHa}, {@code Master}, {@code Backup} or {@code Fault}
 * (keepalived's view, as its notify FIFO last said); {@code version} grows by one at every change.
 */
public record HaStatusReply(boolean success, String error, String haStatus, long version) {
}

package io.vrouter.server.host;

/**
 * What a kind of host does when it is added or reconnected. One per hypervisor type: the simulator's is built in
 * and always connects; a package bringing a real host type (netns) registers its own with
 * {@link Hosts#registerConnector} and its own {@code AddXxxHost} API, which calls {@link Hosts#add}.
 */
public interface HostConnector {
    /** The hypervisor type, e.g. {@code Simulator}; a host's cluster must have the same. */
    String hypervisorType();

    /**
     * Reaches the host; called before the host is written (on add) and by {@code ReconnectHost}. Returns the
     * status to record, {@code Connected} or {@code Disconnected}; may refuse the host by throwing an ApiException.
     */
    String connect(NewHost host);

    /**
     * The host as it will be written, once {@link #connect} accepted it: a connector whose hosts report their
     * capacity fills in what the caller left at 0. By default the host as given.
     */
    default NewHost withReportedCapacity(NewHost host) {
        return host;
    }
}

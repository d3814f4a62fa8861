package io.vrouter.agent.state;

import io.vrouter.agent.protocol.DhcpInfo;
import io.vrouter.agent.protocol.DnsInfo;
import io.vrouter.agent.protocol.EipTO;
import io.vrouter.agent.protocol.NicInfo;
import io.vrouter.agent.protocol.PortForwardingRuleTO;
import io.vrouter.agent.protocol.SNATInfo;
import io.vrouter.agent.protocol.VipTO;
import java.util.List;

/**
 * Everything one command changes. {@code fullSync} marks a command that replaces whole sections (sync commands,
 * {@code adddhcp rebuild=true}); the per-section changes are filled in either case, so a dataplane that knows
 * what it applied can apply just them, and can clean up after what is removed (conntrack entries, DHCP leases).
 *
 * @param dnsBefore the upstream list before the command, or null when DNS is unchanged
 * @param dnsAfter  the upstream list after the command, or null when DNS is unchanged
 */
public record StateDelta(
        boolean fullSync,
        Changes<NicInfo> nics,
        Changes<DhcpInfo> dhcp,
        List<DnsInfo> dnsBefore,
        List<DnsInfo> dnsAfter,
        Changes<SNATInfo> snats,
        Changes<VipTO> vips,
        Changes<EipTO> eips,
        Changes<PortForwardingRuleTO> portForwardings) {

    public static StateDelta fullSyncOnly() {
        return builder().fullSync().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean dnsChanged() {
        return dnsAfter != null;
    }

    /** True when nothing changes and no full sync is asked for: the command is a no-op. */
    public boolean isNoop() {
        return !fullSync && !changesState();
    }

    /** True when some entry is added or removed (a full sync of the same state changes nothing). */
    public boolean changesState() {
        return !(nics.isEmpty() && dhcp.isEmpty() && !dnsChanged() && snats.isEmpty() && vips.isEmpty()
                && eips.isEmpty() && portForwardings.isEmpty());
    }

    /** The change that undoes this one. */
    public StateDelta inverse() {
        return new StateDelta(fullSync, nics.inverse(), dhcp.inverse(), dnsAfter, dnsBefore, snats.inverse(),
                vips.inverse(), eips.inverse(), portForwardings.inverse());
    }

    @Override
    public String toString() {
        return (fullSync ? "full sync" : "incremental") + " nics " + nics + " dhcp " + dhcp + " dns "
                + (dnsChanged() ? dnsAfter.size() : "=") + " snat " + snats + " vip " + vips + " eip " + eips
                + " pf " + portForwardings;
    }

    /** Collects the sections one command touches; the others stay {@link Changes#none()}. */
    public static final class Builder {
        private boolean fullSync;
        private Changes<NicInfo> nics = Changes.none();
        private Changes<DhcpInfo> dhcp = Changes.none();
        private List<DnsInfo> dnsBefore;
        private List<DnsInfo> dnsAfter;
        private Changes<SNATInfo> snats = Changes.none();
        private Changes<VipTO> vips = Changes.none();
        private Changes<EipTO> eips = Changes.none();
        private Changes<PortForwardingRuleTO> portForwardings = Changes.none();

        public Builder fullSync() {
            this.fullSync = true;
            return this;
        }

        public Builder nics(Changes<NicInfo> changes) {
            this.nics = changes;
            return this;
        }

        public Builder dhcp(Changes<DhcpInfo> changes) {
            this.dhcp = changes;
            return this;
        }

        public Builder dns(List<DnsInfo> before, List<DnsInfo> after) {
            if (!before.equals(after)) {
                this.dnsBefore = List.copyOf(before);
                this.dnsAfter = List.copyOf(after);
            }
            return this;
        }

        public Builder snats(Changes<SNATInfo> changes) {
            this.snats = changes;
            return this;
        }

        public Builder vips(Changes<VipTO> changes) {
            this.vips = changes;
            return this;
        }

        public Builder eips(Changes<EipTO> changes) {
            this.eips = changes;
            return this;
        }

        public Builder portForwardings(Changes<PortForwardingRuleTO> changes) {
            this.portForwardings = changes;
            return this;
        }

        public StateDelta build() {
            return new StateDelta(fullSync, nics, dhcp, dnsBefore, dnsAfter, snats, vips, eips, portForwardings);
        }
    }
}

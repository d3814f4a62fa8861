package io.vrouter.hostagent;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rtnetlink messages of a VM's plumbing, byte for byte (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/veth.h). */
class RtnetlinkTest {

    private static ByteBuffer wrap(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
    }

    private static String string(ByteBuffer b, int at, int length) {
        return new String(b.array(), at, length, StandardCharsets.US_ASCII);
    }

    @Test
    void addVeth_createsExclusively_theBridgeEndUpOnItsMaster_andThePeerWithItsMacInItsNamespaceInsideLinkinfo() {
        ByteBuffer b = wrap(Rtnetlink.addVethRequest(9, "vnab12n0123", 5, "eth0", Rtnetlink.mac("fa:16:3e:00:00:01"), 42));
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(b.limit());
        assertThat(b.getShort(4)).as("RTM_NEWLINK").isEqualTo((short) 16);
        assertThat(b.getShort(6)).as("REQUEST | ACK | EXCL | CREATE").isEqualTo((short) (1 | 4 | 0x200 | 0x400));
        assertThat(b.getInt(8)).as("seq").isEqualTo(9);
        assertThat(b.getInt(24)).as("ifi_flags: up").isEqualTo(1);
        assertThat(b.getInt(28)).as("ifi_change: up").isEqualTo(1);
        // IFLA_IFNAME "vnab12n0123\0": 16 bytes
        assertThat(b.getShort(32)).isEqualTo((short) 16);
        assertThat(b.getShort(34)).isEqualTo((short) 3);
        assertThat(string(b, 36, 11)).isEqualTo("vnab12n0123");
        // IFLA_MASTER
        assertThat(b.getShort(48)).isEqualTo((short) 8);
        assertThat(b.getShort(50)).isEqualTo((short) 10);
        assertThat(b.getInt(52)).isEqualTo(5);
        // IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg, attributes } } }
        int linkinfo = 56;
        assertThat(b.getShort(linkinfo + 2)).as("IFLA_LINKINFO").isEqualTo((short) 18);
        assertThat(b.getShort(linkinfo)).as("its length runs to the message's end").isEqualTo((short) (b.limit() - linkinfo));
        assertThat(b.getShort(linkinfo + 4)).isEqualTo((short) 9);
        assertThat(b.getShort(linkinfo + 6)).as("IFLA_INFO_KIND").isEqualTo((short) 1);
        assertThat(string(b, linkinfo + 8, 4)).isEqualTo("veth");
        int data = linkinfo + 4 + 12;
        assertThat(b.getShort(data + 2)).as("IFLA_INFO_DATA").isEqualTo((short) 2);
        assertThat(b.getShort(data)).isEqualTo((short) (b.limit() - data));
        int peer = data + 4;
        assertThat(b.getShort(peer + 2)).as("VETH_INFO_PEER").isEqualTo((short) 1);
        assertThat(b.getShort(peer)).isEqualTo((short) (b.limit() - peer));
        int peerInfo = peer + 4;
        assertThat(b.getInt(peerInfo + 8)).as("the peer is not set up in the request: a veth without its peer refuses (ENOTCONN)").isZero();
        int peerName = peerInfo + 16;
        assertThat(b.getShort(peerName)).isEqualTo((short) 9);
        assertThat(b.getShort(peerName + 2)).isEqualTo((short) 3);
        assertThat(string(b, peerName + 4, 4)).isEqualTo("eth0");
        int address = peerName + 12;
        assertThat(b.getShort(address)).as("6 bytes of MAC").isEqualTo((short) 10);
        assertThat(b.getShort(address + 2)).as("IFLA_ADDRESS").isEqualTo((short) 1);
        assertThat(new byte[]{b.get(address + 4), b.get(address + 9)}).containsExactly((byte) 0xfa, (byte) 0x01);
        int netns = address + 12;
        assertThat(b.getShort(netns)).isEqualTo((short) 8);
        assertThat(b.getShort(netns + 2)).as("IFLA_NET_NS_FD").isEqualTo((short) 28);
        assertThat(b.getInt(netns + 4)).isEqualTo(42);
        assertThat(netns + 8).isEqualTo(b.limit());
    }

    @Test
    void addVeth_withoutMasterOrMac_leavesThoseAttributesOut() {
        ByteBuffer b = wrap(Rtnetlink.addVethRequest(1, "p", 0, "eth0", null, 3));
        ByteBuffer withBoth = wrap(Rtnetlink.addVethRequest(1, "p", 7, "eth0", Rtnetlink.mac("fa:16:3e:00:00:01"), 3));
        assertThat(withBoth.limit() - b.limit()).isEqualTo(8 + 12);
    }

    @Test
    void setLink_upOnABridge_namesTheLink_andZeroMasterLeavesItsBridgeAlone() {
        ByteBuffer b = wrap(Rtnetlink.setLinkRequest(4, "eth0", 12, 1, 1));
        assertThat(b.getShort(4)).isEqualTo((short) 16);
        assertThat(b.getShort(6)).as("REQUEST | ACK, no CREATE: only an existing link").isEqualTo((short) 5);
        assertThat(b.getInt(20)).as("ifi_index 0: the link is named").isZero();
        assertThat(b.getInt(24)).isEqualTo(1);
        assertThat(b.getInt(28)).isEqualTo(1);
        assertThat(b.getShort(32 + 12 + 2)).as("IFLA_MASTER after the padded name").isEqualTo((short) 10);
        assertThat(b.getInt(32 + 12 + 4)).isEqualTo(12);
        assertThat(wrap(Rtnetlink.setLinkRequest(4, "eth0", 0, 1, 1)).limit()).isEqualTo(32 + 12);
    }

    @Test
    void dumpAndDelete_areTheRightTypesAndFlags() {
        ByteBuffer dump = wrap(Rtnetlink.dumpLinksRequest(2));
        assertThat(dump.limit()).isEqualTo(32);
        assertThat(dump.getShort(4)).as("RTM_GETLINK").isEqualTo((short) 18);
        assertThat(dump.getShort(6)).as("REQUEST | DUMP").isEqualTo((short) 0x301);
        ByteBuffer del = wrap(Rtnetlink.deleteLinkRequest(3, "vnab12n0123"));
        assertThat(del.getShort(4)).as("RTM_DELLINK").isEqualTo((short) 17);
        assertThat(del.getShort(6)).isEqualTo((short) 5);
        assertThat(string(del, 36, 11)).isEqualTo("vnab12n0123");
    }

    @Test
    void parseLink_readsIndexNameMasterAndUp_skippingAttributesItDoesNotKnow() {
        ByteBuffer m = ByteBuffer.allocate(68).order(ByteOrder.nativeOrder());
        m.putInt(0, 68).putShort(4, (short) 16);
        m.putInt(20, 7).putInt(24, 0x1003); // index 7, UP | BROADCAST | LOWER_UP
        m.putShort(32, (short) 8).putShort(34, (short) 4).putInt(36, 1500); // IFLA_MTU
        m.putShort(40, (short) 9).putShort(42, (short) 3).put(44, (byte) 'e').put(45, (byte) 't').put(46, (byte) 'h').put(47, (byte) '0');
        m.putShort(52, (short) 8).putShort(54, (short) 10).putInt(56, 3); // IFLA_MASTER
        m.putShort(60, (short) 8).putShort(62, (short) 64).putInt(64, 1); // something else
        assertThat(Rtnetlink.parseLink(m)).isEqualTo(new Rtnetlink.Link(7, "eth0", 3, true));
        m.putInt(24, 0x1002);
        m.putShort(54, (short) 99);
        assertThat(Rtnetlink.parseLink(m)).as("down, and no master").isEqualTo(new Rtnetlink.Link(7, "eth0", 0, false));
    }

    @Test
    void aMacThatIsNotOne_isRefusedByName() {
        assertThat(Rtnetlink.mac("FA:16:3E:00:00:0b")).containsExactly(0xfa, 0x16, 0x3e, 0, 0, 0x0b);
        assertThatThrownBy(() -> Rtnetlink.mac("fa:16:3e:00:00")).hasMessage("not a MAC address: fa:16:3e:00:00");
        assertThatThrownBy(() -> Rtnetlink.mac("fa:16:3e:00:00:zz")).hasMessage("not a MAC address: fa:16:3e:00:00:zz");
    }

    @Test
    void anAcknowledgementForAnotherRequest_isNoAnswer() {
        ByteBuffer reply = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        reply.putInt(0, 36).putShort(4, (short) 2).putInt(8, 5).putInt(16, -17);
        assertThat(Rtnetlink.ackError(reply, 5)).isEqualTo(-17);
        assertThatThrownBy(() -> Rtnetlink.ackError(reply, 4)).hasMessageContaining("unexpected rtnetlink reply");
    }
}

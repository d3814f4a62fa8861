package io.vrouter.hostagent;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rtnetlink messages BIG TCP sends and reads, byte for byte (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h). */
class BigTcpTest {

    @Test
    void setLinkRequest_namesTheLinkAndCarriesBothIpv4Sizes_acknowledged() {
        ByteBuffer b = ByteBuffer.wrap(BigTcp.setLinkRequest(7, "vnab12n0123", 196_608)).order(ByteOrder.nativeOrder());
        // "vnab12n0123\0" is 12 bytes: its attribute is 16, already aligned
        assertThat(b.limit()).isEqualTo(16 + 16 + 16 + 8 + 8);
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(b.limit());
        assertThat(b.getShort(4)).as("RTM_NEWLINK").isEqualTo((short) 16);
        assertThat(b.getShort(6)).as("NLM_F_REQUEST | NLM_F_ACK").isEqualTo((short) 5);
        assertThat(b.getInt(8)).as("seq").isEqualTo(7);
        assertThat(b.getInt(20)).as("ifi_index 0: the link is named").isZero();
        assertThat(b.getShort(32)).isEqualTo((short) 16);
        assertThat(b.getShort(34)).as("IFLA_IFNAME").isEqualTo((short) 3);
        assertThat(new String(b.array(), 36, 11, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("vnab12n0123");
        assertThat(b.get(47)).isZero();
        assertThat(b.getShort(50)).as("IFLA_GSO_IPV4_MAX_SIZE").isEqualTo((short) 63);
        assertThat(b.getInt(52)).isEqualTo(196_608);
        assertThat(b.getShort(58)).as("IFLA_GRO_IPV4_MAX_SIZE").isEqualTo((short) 64);
        assertThat(b.getInt(60)).isEqualTo(196_608);
    }

    @Test
    void aNameThatIsNotAMultipleOfFour_isPaddedBeforeTheNextAttribute() {
        ByteBuffer b = ByteBuffer.wrap(BigTcp.setLinkRequest(1, "eth0", 200_000)).order(ByteOrder.nativeOrder());
        assertThat(b.getShort(32)).as("attribute length counts the name and its NUL, not the padding").isEqualTo((short) 9);
        assertThat(b.getShort(32 + 12 + 2)).isEqualTo((short) 63);
        assertThat(b.limit()).isEqualTo(32 + 12 + 16);
    }

    @Test
    void getLinkRequest_isAnUnacknowledgedRequestForTheNamedLink() {
        ByteBuffer b = ByteBuffer.wrap(Rtnetlink.getLinkRequest(3, "eth0")).order(ByteOrder.nativeOrder());
        assertThat(b.getShort(4)).as("RTM_GETLINK").isEqualTo((short) 18);
        assertThat(b.getShort(6)).isEqualTo((short) 1);
        assertThat(b.limit()).isEqualTo(32 + 12);
    }

    @Test
    void linkAttribute_findsTheU32AmongOthers_orMinusOneWhenTheKernelReportsNone() {
        ByteBuffer reply = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        reply.putInt(0, 52).putShort(4, (short) 16);
        reply.putShort(32, (short) 9).putShort(34, (short) 3).put(36, (byte) 'e'); // IFLA_IFNAME "e...", padded to 12
        reply.putShort(44, (short) 8).putShort(46, (short) 63).putInt(48, 196_608);
        assertThat(Rtnetlink.linkAttribute(reply, (short) 63)).isEqualTo(196_608);
        assertThat(Rtnetlink.linkAttribute(reply, (short) 64)).isEqualTo(-1);
    }

    @Test
    void anErrorReply_isAnErrnoForAcks_andAFailureForReads() {
        ByteBuffer reply = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        reply.putInt(0, 36).putShort(4, (short) 2).putInt(8, 5).putInt(16, -19);
        assertThat(Rtnetlink.ackError(reply, 5)).isEqualTo(-19);
        assertThatThrownBy(() -> Rtnetlink.ackError(reply, 6)).hasMessageContaining("unexpected rtnetlink reply");
        assertThatThrownBy(() -> Rtnetlink.linkAttribute(reply, (short) 63)).hasMessageContaining("errno 19");
    }

    @Test
    void sizesUpTo64KiB_turnItOff() {
        assertThat(BigTcp.of(65_536).size()).isZero();
        assertThat(BigTcp.of(65_536).unavailableReason()).contains(BigTcp.SIZE_PROPERTY);
        assertThat(BigTcp.of(196_608).size()).isEqualTo(196_608);
    }
}

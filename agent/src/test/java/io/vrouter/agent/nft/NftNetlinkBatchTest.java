package io.vrouter.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.vrouter.platform.net.Ipv4Cidr;
import io.vrouter.agent.nft.NftField.Addr;
import io.vrouter.agent.nft.NftField.Port;
import io.vrouter.agent.nft.NftField.Prefix;
import io.vrouter.agent.nft.NftField.Proto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of an element batch, against what {@code nft --debug=netlink} shows nft itself sending. */
class NftNetlinkBatchTest {

    private static final NftElement FORWARD = NftElement.of(NftLayout.PF_DNAT, Proto.TCP, NftField.addr("1.2.3.4"),
            new Port(80)).to(NftField.addr("10.0.0.5"), new Port(8080));
    private static final NftElement ALLOWED = NftElement.of(NftLayout.PF_ALLOWED, Proto.TCP,
            NftField.addr("1.2.3.4"), new Port(80), new Prefix(Ipv4Cidr.parse("198.51.100.0/24")));

    @Test
    void concatenatedKeysAndValuesUseOneAlignedRegisterPerField() {
        String hex = HexFormat.of().formatHex(bytes(NftNetlinkBatch.encode(
                new NftElementChanges(List.of(), List.of(FORWARD)), 1)));
        // nft: "element 00000006 04030201 00005000 : 0500000a 0000901f" (32-bit words, little-endian)
        assertThat(hex).contains("06000000" + "01020304" + "00500000")
                .contains("0a000005" + "1f900000");
    }

    @Test
    void aRangeSendsItsFirstAndLastValue() {
        String hex = HexFormat.of().formatHex(bytes(NftNetlinkBatch.encode(
                new NftElementChanges(List.of(), List.of(ALLOWED)), 1)));
        // nft: "element 00000006 04030201 00005000 006433c6 - 00000006 04030201 00005000 ff6433c6"
        assertThat(hex).contains("06000000" + "01020304" + "00500000" + "c6336400")
                .contains("06000000" + "01020304" + "00500000" + "c63364ff");
    }

    @Test
    void batchIsBeginElementMessagesEndWithOneSequenceEach() {
        List<NftElement> many = new ArrayList<>();
        for (int port = 1; port <= 4000; port++) {
            many.add(NftElement.of(NftLayout.PF_DNAT, Proto.UDP, new Addr(0x01020304), new Port(port))
                    .to(new Addr(0x0a000005), new Port(port)));
        }
        NftNetlinkBatch batch = NftNetlinkBatch.encode(new NftElementChanges(List.of(ALLOWED), many), 7);
        ByteBuffer in = ByteBuffer.wrap(bytes(batch)).order(ByteOrder.nativeOrder());
        List<Integer> types = new ArrayList<>();
        List<Integer> seqs = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            int length = in.getInt(start);
            types.add(in.getShort(start + 4) & 0xffff);
            seqs.add(in.getInt(start + 8));
            in.position(start + length);
        }
        // begin, one delete, three adds (40 bytes each: a message stops at 60 KB of elements), end
        assertThat(types).containsExactly(0x10, 0x0a0e, 0x0a0c, 0x0a0c, 0x0a0c, 0x11);
        assertThat(seqs).containsExactly(7, 8, 9, 10, 11, 12);
        assertThat(batch.messages()).extracting(NftNetlinkBatch.Message::seq).containsExactly(8, 9, 10, 11);
        assertThat(batch.messages().stream().mapToInt(m -> m.elements().size()).sum()).isEqualTo(4001);
        // the kernel names a refused element by its attribute's offset in the message
        NftNetlinkBatch.Message second = batch.messages().get(2);
        assertThat(second.elementAt(second.offsets()[5] + 12)).isEqualTo(second.elements().get(5));
        assertThat(second.elementAt(0)).isNull();
    }

    /** What the socket sends: the batch's first {@code length()} bytes. */
    private static byte[] bytes(NftNetlinkBatch batch) {
        return java.util.Arrays.copyOf(batch.array(), batch.length());
    }
}

package io.vrouter.agent.nft;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Element changes encoded as one nfnetlink batch (begin, element messages, end): the kernel applies the batch as
 * one nf_tables transaction, exactly as it applies what {@code nft -f} sends, without nft's parser and evaluator
 * in between (they cost ~15 µs per element, most of a 10,000-rule sync). Element messages ask for an
 * acknowledgement each, so the sender knows the outcome of every one; {@link Message} maps the kernel's answer
 * (a sequence number and the offset of the attribute it refused) back to the element.
 */
final class NftNetlinkBatch {

    // linux/netlink.h
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_CREATE = 0x400;
    private static final short NLA_F_NESTED = (short) 0x8000;
    // linux/netfilter/nfnetlink.h
    private static final short NFNL_MSG_BATCH_BEGIN = 0x10;
    private static final short NFNL_MSG_BATCH_END = 0x11;
    private static final int NFNL_SUBSYS_NFTABLES = 10;
    // linux/netfilter/nf_tables.h
    private static final int NFT_MSG_NEWSETELEM = 12;
    private static final int NFT_MSG_DELSETELEM = 14;
    private static final byte NFPROTO_IPV4 = 2;
    private static final short NFTA_SET_ELEM_LIST_TABLE = 1;
    private static final short NFTA_SET_ELEM_LIST_SET = 2;
    private static final short NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    private static final short NFTA_LIST_ELEM = 1;
    private static final short NFTA_SET_ELEM_KEY = 1;
    private static final short NFTA_SET_ELEM_DATA = 2;
    private static final short NFTA_SET_ELEM_KEY_END = 10;
    private static final short NFTA_DATA_VALUE = 1;

    /** The elements attribute's length is 16 bits; a message closes well before its elements reach that. */
    private static final int MAX_ELEMENTS_BYTES = 60_000;
    private static final int MESSAGE_OVERHEAD = 128;
    /** An element's attributes take at least this much: its nest and a key of one 4-byte field. */
    private static final int MIN_ELEMENT_BYTES = 16;

    /** One element message: which elements it carries, and where each starts within the message. */
    record Message(int seq, String verb, String set, List<NftElement> elements, int[] offsets) {

        /** The element whose attribute holds {@code offset} (bytes from the message's start), or null. */
        NftElement elementAt(int offset) {
            NftElement found = null;
            for (int i = 0; i < offsets.length && offsets[i] <= offset; i++) {
                found = elements.get(i);
            }
            return found;
        }
    }

    private final ByteBuffer out;
    private final List<Message> messages = new ArrayList<>();
    private int seq;

    private NftNetlinkBatch(int capacity, int firstSeq) {
        this.out = ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
        this.seq = firstSeq;
    }

    /** Deletions first, then additions; sequence numbers from {@code firstSeq} on. */
    static NftNetlinkBatch encode(NftElementChanges changes, int firstSeq) {
        int elementBytes = 0;
        for (NftElement e : changes.deletes()) {
            elementBytes += size(e, false);
        }
        for (NftElement e : changes.adds()) {
            elementBytes += size(e, true);
        }
        int messages = elementBytes / MAX_ELEMENTS_BYTES + NftElementChanges.bySet(changes.deletes()).size()
                + NftElementChanges.bySet(changes.adds()).size() + 2;
        NftNetlinkBatch batch = new NftNetlinkBatch(elementBytes + messages * MESSAGE_OVERHEAD, firstSeq);
        batch.control(NFNL_MSG_BATCH_BEGIN);
        batch.elements(NFT_MSG_DELSETELEM, changes.deletes(), false);
        batch.elements(NFT_MSG_NEWSETELEM, changes.adds(), true);
        batch.control(NFNL_MSG_BATCH_END);
        return batch;
    }

    /** The batch is the first {@link #length()} bytes of this array (not a copy: it can be large). */
    byte[] array() {
        return out.array();
    }

    int length() {
        return out.position();
    }


    List<Message> messages() {
        return messages;
    }

    Message message(int seq) {
        for (Message m : messages) {
            if (m.seq() == seq) {
                return m;
            }
        }
        return null;
    }

    private static int size(NftElement e, boolean withValue) {
        int key = 4 + 4 + align(e.keyLength());
        int size = 4 + key + (e.isRange() ? key : 0);
        if (withValue && !e.value().isEmpty()) {
            size += 4 + 4 + align(e.valueLength());
        }
        return size;
    }

    private void control(short type) {
        int start = header(type, NLM_F_REQUEST);
        out.put((byte) 0).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) NFNL_SUBSYS_NFTABLES)
                .order(ByteOrder.nativeOrder());
        finishMessage(start);
    }

    private void elements(int type, List<NftElement> elements, boolean add) {
        for (Map.Entry<String, List<NftElement>> e : NftElementChanges.bySet(elements).entrySet()) {
            List<NftElement> list = e.getValue();
            int from = 0;
            while (from < list.size()) {
                from = message(type, e.getKey(), list, from, add);
            }
        }
    }

    /** One message with elements from {@code from} on, until the size limit; returns where it stopped. */
    private int message(int type, String set, List<NftElement> list, int from, boolean add) {
        short flags = (short) (NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE : 0));
        int messageSeq = seq;
        int start = header((short) (NFNL_SUBSYS_NFTABLES << 8 | type), flags);
        out.put(NFPROTO_IPV4).put((byte) 0).putShort((short) 0);
        string(NFTA_SET_ELEM_LIST_TABLE, NftLayout.TABLE);
        string(NFTA_SET_ELEM_LIST_SET, set);
        int nest = beginNest(NFTA_SET_ELEM_LIST_ELEMENTS);
        int[] offsets = new int[Math.min(list.size() - from, MAX_ELEMENTS_BYTES / MIN_ELEMENT_BYTES + 1)];
        int i = from;
        while (i < list.size() && (i == from || out.position() - nest < MAX_ELEMENTS_BYTES)) {
            offsets[i - from] = out.position() - start;
            element(list.get(i++), add);
        }
        endNest(nest);
        finishMessage(start);
        messages.add(new Message(messageSeq, add ? "add" : "delete", set, list.subList(from, i),
                java.util.Arrays.copyOf(offsets, i - from)));
        return i;
    }

    private void element(NftElement e, boolean withValue) {
        int elem = beginNest(NFTA_LIST_ELEM);
        int key = beginNest(NFTA_SET_ELEM_KEY);
        data(e, false);
        endNest(key);
        if (e.isRange()) {
            int end = beginNest(NFTA_SET_ELEM_KEY_END);
            data(e, true);
            endNest(end);
        }
        if (withValue && !e.value().isEmpty()) {
            int value = beginNest(NFTA_SET_ELEM_DATA);
            int attr = out.position();
            out.putShort((short) (4 + e.valueLength())).putShort(NFTA_DATA_VALUE);
            e.writeValue(out);
            pad(attr);
            endNest(value);
        }
        endNest(elem);
    }

    private void data(NftElement e, boolean rangeEnd) {
        int attr = out.position();
        out.putShort((short) (4 + e.keyLength())).putShort(NFTA_DATA_VALUE);
        e.writeKey(out, rangeEnd);
        pad(attr);
    }

    private int header(short type, short flags) {
        int start = out.position();
        out.putInt(0).putShort(type).putShort(flags).putInt(seq++).putInt(0);
        return start;
    }

    private void finishMessage(int start) {
        out.putInt(start, out.position() - start);
    }

    private void string(short type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        int attr = out.position();
        out.putShort((short) (4 + bytes.length + 1)).putShort(type).put(bytes).put((byte) 0);
        pad(attr);
    }

    private int beginNest(short type) {
        int start = out.position();
        out.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return start;
    }

    private void endNest(int start) {
        out.putShort(start, (short) (out.position() - start));
    }

    /** Attributes start on 4-byte boundaries; the length field keeps the unpadded length. */
    private void pad(int attrStart) {
        while ((out.position() - attrStart) % 4 != 0) {
            out.put((byte) 0);
        }
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }
}

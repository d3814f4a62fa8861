package io.vrouter.agent.nft;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One element of one of the agent's sets or maps: a key of one or more fields (a concatenation) and, for maps, a
 * value. Rendered as nft text for scripts and encoded as the kernel's bytes for netlink, from the same fields.
 */
record NftElement(String set, List<NftField> key, List<NftField> value) {

    NftElement {
        key = List.copyOf(key);
        value = value == null ? List.of() : List.copyOf(value);
    }

    static NftElement of(String set, NftField... key) {
        return new NftElement(set, List.of(key), List.of());
    }

    NftElement to(NftField... value) {
        return new NftElement(set, key, List.of(value));
    }

    String keyText() {
        return text(key);
    }

    String render() {
        return value.isEmpty() ? keyText() : keyText() + " : " + text(value);
    }

    /** Whether the key holds a range: the kernel then needs the range's end as well. */
    boolean isRange() {
        // indexed loops here and below: these run per element of 10,000-rule syncs, without iterators or streams
        for (int i = 0; i < key.size(); i++) {
            if (key.get(i).isRange()) {
                return true;
            }
        }
        return false;
    }

    int keyLength() {
        return length(key);
    }

    int valueLength() {
        return length(value);
    }

    void writeKey(ByteBuffer out, boolean rangeEnd) {
        write(key, out, rangeEnd);
    }

    void writeValue(ByteBuffer out) {
        write(value, out, false);
    }

    private static String text(List<NftField> fields) {
        return fields.stream().map(NftField::text).collect(Collectors.joining(" . "));
    }

    /** A concatenation puts each field in its own 4-byte register; a single field keeps its own length. */
    private static int length(List<NftField> fields) {
        if (fields.size() == 1) {
            return fields.get(0).length();
        }
        int length = 0;
        for (int i = 0; i < fields.size(); i++) {
            length += align(fields.get(i).length());
        }
        return length;
    }

    private static void write(List<NftField> fields, ByteBuffer out, boolean rangeEnd) {
        for (int i = 0; i < fields.size(); i++) {
            NftField f = fields.get(i);
            int start = out.position();
            f.write(out, rangeEnd);
            if (fields.size() > 1) {
                while (out.position() < start + align(f.length())) {
                    out.put((byte) 0);
                }
            }
        }
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }
}

package io.vrouter.agent.nft;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.platform.libc.LibC;
import io.vrouter.platform.libc.Netlink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Element changes sent to nf_tables over the agent's own netlink socket, as one batch ({@link NftNetlinkBatch}):
 * one transaction, applied whole or not at all, like an nft script, for a fraction of the CPU. Used for every
 * element change (incremental commands and syncs applied as deltas); table rewrites still go through nft's
 * language ({@link NftChannel}), which also declares the sets these elements belong to.
 */
final class NftNetlink implements AutoCloseable {

    // linux/netlink.h, asm-generic/socket.h, asm-generic/errno.h
    private static final int NETLINK_NETFILTER = 12;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;
    private static final short NLM_F_CAPPED = 0x100;
    private static final short NLM_F_ACK_TLVS = 0x200;
    private static final short NLMSGERR_ATTR_MSG = 1;
    private static final short NLMSGERR_ATTR_OFFS = 2;
    private static final int RECEIVE_BUFFER = 1 << 20;

    private final LibC libc;
    private final byte[] kernel = Netlink.kernelAddress();
    private final byte[] replies = new byte[64 * 1024];
    private int fd;
    private int sendBuffer;
    private int nextSeq = 1;

    private NftNetlink(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** Opens the socket; throws when the kernel or the process's rights do not allow it (the caller falls back). */
    static NftNetlink open() {
        LibC libc = LibC.load();
        int fd = Netlink.open(libc, NETLINK_NETFILTER);
        try {
            libc.bind(fd, Netlink.kernelAddress(), Netlink.ADDRESS_LENGTH);
            // errors name the refused attribute and do not echo the whole (up to 60 KiB) message back
            setInt(libc, fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
            setInt(libc, fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
            setInt(libc, fd, SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER);
            NftNetlink netlink = new NftNetlink(libc, fd);
            netlink.ensureSendBuffer(256 * 1024);
            return netlink;
        } catch (LastErrorException e) {
            libc.close(fd);
            throw e;
        }
    }

    /** Applies the changes as one transaction; throws naming the element the kernel refused, and why. */
    synchronized void apply(NftElementChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (fd < 0) {
            throw new IllegalStateException("the nftables netlink socket is closed");
        }
        NftNetlinkBatch batch = NftNetlinkBatch.encode(changes, nextSeq);
        nextSeq += batch.messages().size() + 2;
        drainStaleReplies();
        try {
            // the whole batch must travel in one datagram: the kernel takes a batch from a single message
            ensureSendBuffer(batch.length());
            libc.sendto(fd, batch.array(), batch.length(), 0, kernel, Netlink.ADDRESS_LENGTH);
        } catch (LastErrorException e) {
            throw new DataplaneException("cannot send " + changes.size() + " element changes to nf_tables: "
                    + libc.strerror(e.getErrorCode()));
        }
        checkReplies(batch);
    }

    /**
     * The kernel handles the batch inside the send call, so every reply is queued when it returns: one
     * acknowledgement per element message, an error code in those it refused (then it applied nothing).
     */
    private void checkReplies(NftNetlinkBatch batch) {
        int acknowledged = 0;
        List<String> errors = new ArrayList<>();
        while (true) {
            long n;
            try {
                n = libc.recv(fd, replies, replies.length, MSG_DONTWAIT);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    break;
                }
                throw new DataplaneException("cannot read nf_tables' answer: " + libc.strerror(e.getErrorCode()));
            }
            ByteBuffer in = ByteBuffer.wrap(replies, 0, (int) n).order(ByteOrder.nativeOrder());
            while (in.remaining() >= 16) {
                int start = in.position();
                int length = in.getInt(start);
                if (length < 16 || start + length > in.limit()) {
                    break;
                }
                short type = in.getShort(start + 4);
                short flags = in.getShort(start + 6);
                if (type == Netlink.NLMSG_ERROR) {
                    acknowledged++;
                    int error = -in.getInt(start + 16);
                    if (error != 0) {
                        errors.add(describe(batch, in, start, length, flags, error));
                    }
                }
                in.position(start + ((length + 3) & ~3));
            }
        }
        if (!errors.isEmpty()) {
            throw new DataplaneException("nf_tables refused the element changes: " + String.join("; ", errors));
        }
        if (acknowledged != batch.messages().size()) {
            throw new DataplaneException("nf_tables acknowledged " + acknowledged + " of " + batch.messages().size()
                    + " element messages; the outcome of the others is unknown");
        }
    }

    /** "add element to pf_dnat tcp . 1.2.3.4 . 80 : ...: File exists (...)" from an error reply. */
    private String describe(NftNetlinkBatch batch, ByteBuffer in, int start, int length, short flags, int errno) {
        // nlmsgerr: int error, then the header of the refused message (its payload capped away)
        int seq = in.getInt(start + 16 + 4 + 8);
        String why = libc.strerror(errno);
        Integer offset = null;
        String kernelMessage = null;
        if ((flags & NLM_F_ACK_TLVS) != 0) {
            boolean capped = (flags & NLM_F_CAPPED) != 0;
            int p = start + 16 + 4 + (capped ? 16 : (in.getInt(start + 16 + 4) + 3) & ~3);
            while (p + 4 <= start + length) {
                int attrLength = in.getShort(p) & 0xffff;
                int attrType = in.getShort(p + 2) & 0x7fff;
                if (attrLength < 4 || p + attrLength > start + length) {
                    break;
                }
                if (attrType == NLMSGERR_ATTR_OFFS) {
                    offset = in.getInt(p + 4);
                } else if (attrType == NLMSGERR_ATTR_MSG) {
                    kernelMessage = new String(replies, p + 4, attrLength - 5, StandardCharsets.US_ASCII);
                }
                p += (attrLength + 3) & ~3;
            }
        }
        if (kernelMessage != null && !kernelMessage.isBlank()) {
            why += " (" + kernelMessage + ")";
        }
        NftNetlinkBatch.Message message = batch.message(seq);
        if (message == null) {
            return why;
        }
        NftElement element = offset == null ? null : message.elementAt(offset);
        String what = element == null ? message.elements().size() + " elements"
                : message.verb().equals("delete") ? element.keyText() : element.render();
        return message.verb() + " element " + what + " in " + message.set() + ": " + why;
    }

    /** Replies nobody read (a previous call that threw midway) must not be taken for this batch's. */
    private void drainStaleReplies() {
        try {
            while (libc.recv(fd, replies, replies.length, MSG_DONTWAIT) > 0) {
                // discard
            }
        } catch (LastErrorException e) {
            // EAGAIN: nothing left
        }
    }

    private void ensureSendBuffer(int bytes) {
        if (bytes + 4096 > sendBuffer) {
            int size = Math.max(bytes + 4096, sendBuffer * 2);
            setInt(libc, fd, SOL_SOCKET, SO_SNDBUFFORCE, size);
            sendBuffer = size;
        }
    }

    private static void setInt(LibC libc, int fd, int level, int name, int value) {
        libc.setsockopt(fd, level, name, new IntByReference(value), 4);
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }
}

package io.vrouter.platform.libc;

import com.sun.jna.LastErrorException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** What every netlink socket of the project shares (linux/socket.h, linux/netlink.h). */
public final class Netlink {
    /** nlmsghdr type of the kernel's acknowledgement or error. */
    public static final short NLMSG_ERROR = 2;
    /** Length of a struct sockaddr_nl. */
    public static final int ADDRESS_LENGTH = 12;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;

    private Netlink() {
    }

    /** A raw netlink socket of {@code protocol} (NETLINK_ROUTE, NETLINK_NETFILTER...), closed on exec. */
    public static int open(LibC libc, int protocol) throws LastErrorException {
        return libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    }

    /** struct sockaddr_nl with pid 0 and no groups: the kernel as the peer, or "pick my port id" for bind. */
    public static byte[] kernelAddress() {
        return ByteBuffer.allocate(ADDRESS_LENGTH).order(ByteOrder.nativeOrder()).putShort((short) AF_NETLINK).array();
    }
}

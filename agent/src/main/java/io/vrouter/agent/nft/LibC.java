package io.vrouter.agent.nft;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/** The glibc calls the nftables channels make (through JNA); errno comes back as {@link LastErrorException}. */
interface LibC extends Library {

    static LibC load() {
        return Native.load("c", LibC.class);
    }

    /** Hands freed heap back to the kernel. */
    int malloc_trim(long pad);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int close(int fd);

    String strerror(int errno);
}

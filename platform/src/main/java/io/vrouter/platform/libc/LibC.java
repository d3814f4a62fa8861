package io.vrouter.platform.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The glibc calls the project makes through JNA (netlink sockets of the nftables channels and of the netns backend,
 * entering a network namespace); errno comes back as {@link LastErrorException}.
 */
public interface LibC extends Library {

    static LibC load() {
        return Native.load("c", LibC.class);
    }

    /** Hands freed heap back to the kernel. */
    int malloc_trim(long pad);

    int open(String path, int flags) throws LastErrorException;

    /** Moves the calling thread into the namespace {@code fd} refers to. */
    int setns(int fd, int nstype) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int close(int fd);

    String strerror(int errno);
}

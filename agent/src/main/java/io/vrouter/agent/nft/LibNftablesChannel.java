package io.vrouter.agent.nft;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.vrouter.agent.dataplane.DataplaneException;
import io.vrouter.platform.libc.LibC;

/**
 * nft scripts run by libnftables inside the agent's process: the same parser and the same netlink transaction
 * as {@code nft -f}, without a process per command. The library's context is not thread-safe, so calls are
 * serialized; they are short (one netlink round trip for an element change).
 */
final class LibNftablesChannel implements NftChannel {

    /** The library's C API (nftables/libnftables.h), as much of it as the agent needs. */
    interface LibNftables extends Library {
        Pointer nft_ctx_new(int flags);

        void nft_ctx_free(Pointer ctx);

        int nft_ctx_buffer_output(Pointer ctx);

        int nft_ctx_buffer_error(Pointer ctx);

        String nft_ctx_get_output_buffer(Pointer ctx);

        String nft_ctx_get_error_buffer(Pointer ctx);

        /** The C type is bool; on every ABI the agent runs on an int argument carries it. */
        void nft_ctx_set_dry_run(Pointer ctx, int dry);

        int nft_run_cmd_from_buffer(Pointer ctx, String buffer);
    }

    private static final int NFT_CTX_DEFAULT = 0;
    /**
     * After a script this big, the context (and the cache nft built while evaluating it: every element of a full
     * table) is freed and the freed memory returned to the kernel; otherwise a 900 KiB sync leaves ~100 MiB of
     * resident heap behind for good.
     */
    private static final int RELEASE_AFTER_CHARS = 64 * 1024;
    /** The runtime name: distributions ship libnftables.so only with the development package. */
    private static final String LIBRARY = "libnftables.so.1";

    private final LibNftables lib;
    private final LibC libc;
    private Pointer ctx;

    private LibNftablesChannel(LibNftables lib, LibC libc) {
        this.lib = lib;
        this.libc = libc;
        this.ctx = newContext(lib);
    }

    static LibNftablesChannel open() {
        return new LibNftablesChannel(Native.load(LIBRARY, LibNftables.class), LibC.load());
    }

    private static Pointer newContext(LibNftables lib) {
        Pointer ctx = lib.nft_ctx_new(NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new IllegalStateException("nft_ctx_new returned no context");
        }
        // without buffering, nft prints listings and errors to the agent's own stdout and stderr
        if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
            lib.nft_ctx_free(ctx);
            throw new IllegalStateException("libnftables cannot buffer its output");
        }
        return ctx;
    }

    @Override
    public synchronized void apply(String script) {
        try {
            if (run(script, false) != 0) {
                throw new DataplaneException("nft refused the script: " + lastError());
            }
        } finally {
            if (script.length() > RELEASE_AFTER_CHARS) {
                releaseMemory();
            }
        }
    }

    private void releaseMemory() {
        lib.nft_ctx_free(ctx);
        ctx = newContext(lib);
        libc.malloc_trim(0);
    }

    @Override
    public synchronized boolean accepts(String script) {
        boolean accepted = run(script, true) == 0;
        lastError(); // read, so the next error message holds only its own text
        return accepted;
    }

    private int run(String script, boolean dryRun) {
        if (ctx == null) {
            throw new IllegalStateException("the nftables channel is closed");
        }
        lib.nft_ctx_set_dry_run(ctx, dryRun ? 1 : 0);
        try {
            return lib.nft_run_cmd_from_buffer(ctx, script);
        } finally {
            lib.nft_ctx_set_dry_run(ctx, 0);
            lib.nft_ctx_get_output_buffer(ctx); // reading rewinds it: nothing piles up across commands
        }
    }

    /** Reading the error buffer rewinds it, so each failure reports only its own messages. */
    private String lastError() {
        String text = lib.nft_ctx_get_error_buffer(ctx);
        return text == null || text.isBlank() ? "(no message)" : text.strip();
    }

    @Override
    public String describe() {
        return "libnftables in the agent's process";
    }

    @Override
    public synchronized void close() {
        if (ctx != null) {
            lib.nft_ctx_free(ctx);
            ctx = null;
        }
    }
}

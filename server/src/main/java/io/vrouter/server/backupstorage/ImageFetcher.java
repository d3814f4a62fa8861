package io.vrouter.server.backupstorage;

import io.vrouter.server.api.ApiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.IntConsumer;

/**
 * Fetches one image file from an http, https or file URL into a path: written to {@code <target>.part} and renamed
 * when complete, its MD5 computed on the way (ZStack's {@code md5Sum}), progress reported in whole percents when
 * the length is known. A failure of any kind removes the partial file and says what broke: the HTTP status, the
 * missing file, or how many bytes of how many arrived before the transfer broke off.
 */
final class ImageFetcher {
    /** A read that stalls this long fails the download (a dead server must not hold the call forever). */
    private static final int READ_TIMEOUT_MS = 60_000;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    /** What arrived: bytes written and their MD5 in hex. */
    record Fetched(long bytes, String md5) {
    }

    private ImageFetcher() {
    }

    static Fetched fetch(String url, Path target, long availableBytes, IntConsumer progress) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
            URI uri = URI.create(url);
            long expected;
            InputStream in;
            switch (uri.getScheme().toLowerCase(java.util.Locale.ROOT)) {
                case "file" -> {
                    Path source = Path.of(uri);
                    expected = Files.size(source);
                    in = Files.newInputStream(source);
                }
                case "http", "https" -> {
                    URLConnection connection = uri.toURL().openConnection();
                    connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
                    connection.setReadTimeout(READ_TIMEOUT_MS);
                    HttpURLConnection http = (HttpURLConnection) connection;
                    int status = http.getResponseCode();
                    if (status != 200) {
                        http.disconnect();
                        // a URL that names nothing is the caller's mistake; a failing server is not
                        throw status >= 400 && status < 500
                                ? ApiException.invalidArgument("parameter url: " + url + " cannot be downloaded: the server answered HTTP " + status)
                                : failed(url, "the server answered HTTP " + status);
                    }
                    expected = http.getContentLengthLong();
                    in = http.getInputStream();
                }
                default -> throw ApiException.invalidArgument("parameter url: cannot download '" + url
                        + "'; use an http://, https:// or file:// URL");
            }
            if (expected > availableBytes) {
                in.close();
                throw failed(url, expected + " bytes do not fit in the " + availableBytes + " bytes available on the backup storage");
            }
            Fetched fetched = copy(in, part, expected, progress, url);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return fetched;
        } catch (NoSuchFileException e) {
            throw ApiException.invalidArgument("parameter url: " + url + " cannot be downloaded: no such file " + e.getFile());
        } catch (IOException | IllegalArgumentException e) {
            throw failed(url, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            quietlyDelete(part);
        }
    }

    private static Fetched copy(InputStream source, Path part, long expected, IntConsumer progress, String url) throws IOException {
        MessageDigest md5 = md5();
        long written = 0;
        int lastPercent = -1;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = source; OutputStream out = Files.newOutputStream(part)) {
            int n;
            while (true) {
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw failed(url, "the transfer broke off after " + written + (expected > 0 ? " of " + expected : "")
                            + " bytes: " + e.getMessage());
                }
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                md5.update(buffer, 0, n);
                written += n;
                if (expected > 0) {
                    int percent = (int) (written * 100 / expected);
                    if (percent != lastPercent) {
                        lastPercent = percent;
                        progress.accept(percent);
                    }
                }
            }
        }
        if (expected >= 0 && written != expected) {
            throw failed(url, "the transfer broke off after " + written + " of " + expected + " bytes");
        }
        return new Fetched(written, HexFormat.of().formatHex(md5.digest()));
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private static ApiException failed(String url, String why) {
        return ApiException.operationFailed("downloading the image from " + url + " failed: " + why);
    }

    static void quietlyDelete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover part file is removed with its image directory
        }
    }
}

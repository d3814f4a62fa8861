package io.vrouter.server.image;

import org.jooq.DSLContext;

import java.util.List;

/**
 * Where an image's file lives: its backup storages. The backup storage package implements it; images only decide
 * when an image is added (records first, then the download) and removed.
 */
public interface ImageStorage {
    /** What a finished download measured. */
    record Stored(long size, long actualSize, String md5Sum) {
    }

    /** Refuses, with the reason, backup storages that cannot take an image now; writes nothing. */
    void checkTargets(List<String> backupStorageUuids, String url);

    /** Records the image as Downloading on each backup storage, in the image's own transaction. */
    void addRefs(DSLContext tx, String imageUuid, List<String> backupStorageUuids);

    /**
     * Fetches {@code url} onto every backup storage of the image, reporting progress on its records; on failure
     * throws an ApiException naming what went wrong, with every partial file already removed.
     */
    Stored download(String imageUuid, String url, String format);

    /** Removes the image's files and records from its backup storages. */
    void remove(String imageUuid);
}

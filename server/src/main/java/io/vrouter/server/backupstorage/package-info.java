/**
 * Backup storages, where images live: a directory on the management node's host (ZStack's sftp backup storage,
 * whose kind is a directory on one host) and the Simulator's, which stores nothing. Owns the tables
 * {@code backup_storage}, {@code backup_storage_zone_ref} and {@code image_backup_storage_ref}, the download of
 * image files ({@link io.vrouter.server.backupstorage.ImageFetcher}) and the backup storage APIs.
 */
package io.vrouter.server.backupstorage;

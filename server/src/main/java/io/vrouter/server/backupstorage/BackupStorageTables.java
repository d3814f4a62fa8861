package io.vrouter.server.backupstorage;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

import static io.vrouter.server.db.Columns.field;

/**
 * The backup storage package's tables and columns, named once: backup storages, the zones they serve and the
 * images stored on them. Images and zones are read through their owners.
 */
final class BackupStorageTables {
    private BackupStorageTables() {
    }

    static final Table<?> BS = DSL.table(DSL.unquotedName("backup_storage"));
    static final Table<?> ZONE_REF = DSL.table(DSL.unquotedName("backup_storage_zone_ref"));
    static final Table<?> IMAGE_REF = DSL.table(DSL.unquotedName("image_backup_storage_ref"));
    static final Field<String> BS_TYPE = field("bs_type", String.class);
    static final Field<String> URL = field("url", String.class);
    static final Field<String> HOSTNAME = field("hostname", String.class);
    static final Field<String> STATE = field("state", String.class);
    static final Field<String> STATUS = field("status", String.class);
    static final Field<Long> TOTAL = field("total_capacity", Long.class);
    static final Field<Long> AVAILABLE = field("available_capacity", Long.class);
    static final Field<String> BS_UUID = field("backup_storage_uuid", String.class);
    static final Field<String> ZONE_UUID = field("zone_uuid", String.class);
    static final Field<String> IMAGE_UUID = field("image_uuid", String.class);
    static final Field<String> INSTALL_PATH = field("install_path", String.class);
    static final Field<Integer> PROGRESS = field("download_progress", Integer.class);
}

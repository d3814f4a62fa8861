-- Owner: backupstorage. Backup storages, the zones they serve, and the images stored on them.
CREATE TABLE backup_storage (
    uuid               VARCHAR(32)   NOT NULL PRIMARY KEY,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(2048),
    bs_type            VARCHAR(32)   NOT NULL,
    url                VARCHAR(2048) NOT NULL,
    hostname           VARCHAR(255),
    state              VARCHAR(32)   NOT NULL,
    status             VARCHAR(32)   NOT NULL,
    total_capacity     BIGINT        NOT NULL,
    available_capacity BIGINT        NOT NULL,
    create_date        TIMESTAMP     NOT NULL,
    last_op_date       TIMESTAMP     NOT NULL
);

-- no foreign key to zone: a zone's deletion detaches its backup storages (ZStack's behaviour), done by the owner
CREATE TABLE backup_storage_zone_ref (
    backup_storage_uuid VARCHAR(32) NOT NULL REFERENCES backup_storage (uuid),
    zone_uuid           VARCHAR(32) NOT NULL,
    create_date         TIMESTAMP   NOT NULL,
    PRIMARY KEY (backup_storage_uuid, zone_uuid)
);
CREATE INDEX idx_bs_zone_ref_zone ON backup_storage_zone_ref (zone_uuid);

CREATE TABLE image_backup_storage_ref (
    image_uuid          VARCHAR(32)   NOT NULL REFERENCES image (uuid),
    backup_storage_uuid VARCHAR(32)   NOT NULL REFERENCES backup_storage (uuid),
    install_path        VARCHAR(2048),
    status              VARCHAR(32)   NOT NULL,
    download_progress   INTEGER       NOT NULL,
    create_date         TIMESTAMP     NOT NULL,
    last_op_date        TIMESTAMP     NOT NULL,
    PRIMARY KEY (image_uuid, backup_storage_uuid)
);
CREATE INDEX idx_image_bs_ref_bs ON image_backup_storage_ref (backup_storage_uuid);

-- the size of the image file as stored (ZStack's actualSize); size is the virtual size
ALTER TABLE image ADD COLUMN actual_size BIGINT;

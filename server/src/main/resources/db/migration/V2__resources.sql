-- The resource model the network services stand on: zones to VMs (ZStack's names, snake case).
-- Uniqueness that matters under concurrency (an IP handed out once, a MAC used once) is enforced here,
-- not only in Java.

CREATE TABLE zone (
    uuid         VARCHAR(32)   NOT NULL PRIMARY KEY,
    name         VARCHAR(255)  NOT NULL,
    description  VARCHAR(2048),
    state        VARCHAR(32)   NOT NULL,
    zone_type    VARCHAR(32)   NOT NULL,
    create_date  TIMESTAMP     NOT NULL,
    last_op_date TIMESTAMP     NOT NULL
);

CREATE TABLE cluster (
    uuid            VARCHAR(32)   NOT NULL PRIMARY KEY,
    name            VARCHAR(255)  NOT NULL,
    description     VARCHAR(2048),
    zone_uuid       VARCHAR(32)   NOT NULL REFERENCES zone (uuid),
    hypervisor_type VARCHAR(32)   NOT NULL,
    state           VARCHAR(32)   NOT NULL,
    cluster_type    VARCHAR(32)   NOT NULL,
    create_date     TIMESTAMP     NOT NULL,
    last_op_date    TIMESTAMP     NOT NULL
);
CREATE INDEX idx_cluster_zone ON cluster (zone_uuid);

CREATE TABLE host (
    uuid                      VARCHAR(32)  NOT NULL PRIMARY KEY,
    name                      VARCHAR(255) NOT NULL,
    description               VARCHAR(2048),
    zone_uuid                 VARCHAR(32)  NOT NULL REFERENCES zone (uuid),
    cluster_uuid              VARCHAR(32)  NOT NULL REFERENCES cluster (uuid),
    management_ip             VARCHAR(64)  NOT NULL,
    hypervisor_type           VARCHAR(32)  NOT NULL,
    state                     VARCHAR(32)  NOT NULL,
    status                    VARCHAR(32)  NOT NULL,
    total_cpu_capacity        BIGINT       NOT NULL,
    available_cpu_capacity    BIGINT       NOT NULL,
    total_memory_capacity     BIGINT       NOT NULL,
    available_memory_capacity BIGINT       NOT NULL,
    create_date               TIMESTAMP    NOT NULL,
    last_op_date              TIMESTAMP    NOT NULL,
    CONSTRAINT uq_host_management_ip UNIQUE (management_ip)
);
CREATE INDEX idx_host_cluster ON host (cluster_uuid);

CREATE TABLE l2_network (
    uuid               VARCHAR(32)   NOT NULL PRIMARY KEY,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(2048),
    zone_uuid          VARCHAR(32)   NOT NULL REFERENCES zone (uuid),
    physical_interface VARCHAR(64)   NOT NULL,
    l2_type            VARCHAR(32)   NOT NULL,
    vlan               INTEGER,
    create_date        TIMESTAMP     NOT NULL,
    last_op_date       TIMESTAMP     NOT NULL
);

CREATE TABLE l2_network_cluster_ref (
    l2_network_uuid VARCHAR(32) NOT NULL REFERENCES l2_network (uuid) ON DELETE CASCADE,
    cluster_uuid    VARCHAR(32) NOT NULL REFERENCES cluster (uuid) ON DELETE CASCADE,
    create_date     TIMESTAMP   NOT NULL,
    CONSTRAINT pk_l2_cluster PRIMARY KEY (l2_network_uuid, cluster_uuid)
);
CREATE INDEX idx_l2_cluster_cluster ON l2_network_cluster_ref (cluster_uuid);

CREATE TABLE l3_network (
    uuid            VARCHAR(32)   NOT NULL PRIMARY KEY,
    name            VARCHAR(255)  NOT NULL,
    description     VARCHAR(2048),
    l3_type         VARCHAR(32)   NOT NULL,
    zone_uuid       VARCHAR(32)   NOT NULL REFERENCES zone (uuid),
    l2_network_uuid VARCHAR(32)   NOT NULL REFERENCES l2_network (uuid),
    state           VARCHAR(32)   NOT NULL,
    system_network  BOOLEAN       NOT NULL,
    dns_domain      VARCHAR(255),
    create_date     TIMESTAMP     NOT NULL,
    last_op_date    TIMESTAMP     NOT NULL
);
CREATE INDEX idx_l3_l2 ON l3_network (l2_network_uuid);

CREATE TABLE ip_range (
    uuid            VARCHAR(32)   NOT NULL PRIMARY KEY,
    l3_network_uuid VARCHAR(32)   NOT NULL REFERENCES l3_network (uuid) ON DELETE CASCADE,
    name            VARCHAR(255)  NOT NULL,
    description     VARCHAR(2048),
    start_ip        VARCHAR(64)   NOT NULL,
    end_ip          VARCHAR(64)   NOT NULL,
    netmask         VARCHAR(64)   NOT NULL,
    gateway         VARCHAR(64)   NOT NULL,
    network_cidr    VARCHAR(64)   NOT NULL,
    start_value     BIGINT        NOT NULL,
    end_value       BIGINT        NOT NULL,
    create_date     TIMESTAMP     NOT NULL,
    last_op_date    TIMESTAMP     NOT NULL
);
CREATE INDEX idx_ip_range_l3 ON ip_range (l3_network_uuid);

-- DNS servers of an L3, in the order the user added them (the order matters: it is the resolver order)
CREATE TABLE l3_network_dns (
    l3_network_uuid VARCHAR(32) NOT NULL REFERENCES l3_network (uuid) ON DELETE CASCADE,
    dns             VARCHAR(64) NOT NULL,
    position        INTEGER     NOT NULL,
    create_date     TIMESTAMP   NOT NULL,
    CONSTRAINT pk_l3_dns PRIMARY KEY (l3_network_uuid, dns)
);

-- Every address handed out on an L3 (to a nic, a VIP, ...). The unique key makes double allocation impossible.
CREATE TABLE used_ip (
    uuid            VARCHAR(32) NOT NULL PRIMARY KEY,
    ip_range_uuid   VARCHAR(32) NOT NULL REFERENCES ip_range (uuid),
    l3_network_uuid VARCHAR(32) NOT NULL REFERENCES l3_network (uuid),
    ip              VARCHAR(64) NOT NULL,
    ip_value        BIGINT      NOT NULL,
    gateway         VARCHAR(64) NOT NULL,
    netmask         VARCHAR(64) NOT NULL,
    used_for        VARCHAR(32) NOT NULL,
    create_date     TIMESTAMP   NOT NULL,
    CONSTRAINT uq_used_ip UNIQUE (l3_network_uuid, ip_value)
);
CREATE INDEX idx_used_ip_range ON used_ip (ip_range_uuid);

CREATE TABLE image (
    uuid         VARCHAR(32)   NOT NULL PRIMARY KEY,
    name         VARCHAR(255)  NOT NULL,
    description  VARCHAR(2048),
    url          VARCHAR(2048) NOT NULL,
    format       VARCHAR(32)   NOT NULL,
    media_type   VARCHAR(32)   NOT NULL,
    platform     VARCHAR(32)   NOT NULL,
    system_image BOOLEAN       NOT NULL,
    state        VARCHAR(32)   NOT NULL,
    status       VARCHAR(32)   NOT NULL,
    size         BIGINT        NOT NULL,
    md5_sum      VARCHAR(64),
    create_date  TIMESTAMP     NOT NULL,
    last_op_date TIMESTAMP     NOT NULL
);

-- Instance offerings; a virtual router offering is one with offering_type 'VirtualRouter' plus a row in
-- virtual_router_offering.
CREATE TABLE instance_offering (
    uuid               VARCHAR(32)   NOT NULL PRIMARY KEY,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(2048),
    cpu_num            INTEGER       NOT NULL,
    cpu_speed          BIGINT        NOT NULL,
    memory_size        BIGINT        NOT NULL,
    allocator_strategy VARCHAR(64)   NOT NULL,
    sort_key           INTEGER       NOT NULL,
    state              VARCHAR(32)   NOT NULL,
    offering_type      VARCHAR(32)   NOT NULL,
    create_date        TIMESTAMP     NOT NULL,
    last_op_date       TIMESTAMP     NOT NULL
);

CREATE TABLE vm_instance (
    uuid                     VARCHAR(32)   NOT NULL PRIMARY KEY,
    name                     VARCHAR(255)  NOT NULL,
    description              VARCHAR(2048),
    zone_uuid                VARCHAR(32)   REFERENCES zone (uuid),
    cluster_uuid             VARCHAR(32)   REFERENCES cluster (uuid),
    host_uuid                VARCHAR(32)   REFERENCES host (uuid),
    last_host_uuid           VARCHAR(32),
    image_uuid               VARCHAR(32)   REFERENCES image (uuid),
    instance_offering_uuid   VARCHAR(32)   REFERENCES instance_offering (uuid),
    root_volume_uuid         VARCHAR(32),
    default_l3_network_uuid  VARCHAR(32),
    hypervisor_type          VARCHAR(32),
    vm_type                  VARCHAR(32)   NOT NULL,
    state                    VARCHAR(32)   NOT NULL,
    cpu_num                  INTEGER       NOT NULL,
    cpu_speed                BIGINT        NOT NULL,
    memory_size              BIGINT        NOT NULL,
    allocator_strategy       VARCHAR(64),
    platform                 VARCHAR(32),
    create_date              TIMESTAMP     NOT NULL,
    last_op_date             TIMESTAMP     NOT NULL
);
CREATE INDEX idx_vm_name ON vm_instance (name);
CREATE INDEX idx_vm_host ON vm_instance (host_uuid);
CREATE INDEX idx_vm_create_date ON vm_instance (create_date);

CREATE TABLE vm_nic (
    uuid             VARCHAR(32)  NOT NULL PRIMARY KEY,
    vm_instance_uuid VARCHAR(32)  NOT NULL REFERENCES vm_instance (uuid) ON DELETE CASCADE,
    l3_network_uuid  VARCHAR(32)  NOT NULL REFERENCES l3_network (uuid),
    used_ip_uuid     VARCHAR(32),
    ip               VARCHAR(64),
    mac              VARCHAR(17)  NOT NULL,
    netmask          VARCHAR(64),
    gateway          VARCHAR(64),
    device_id        INTEGER      NOT NULL,
    meta_data        VARCHAR(255),
    create_date      TIMESTAMP    NOT NULL,
    last_op_date     TIMESTAMP    NOT NULL,
    CONSTRAINT uq_vm_nic_mac UNIQUE (mac)
);
CREATE INDEX idx_vm_nic_vm ON vm_nic (vm_instance_uuid);
CREATE INDEX idx_vm_nic_ip ON vm_nic (ip);
CREATE INDEX idx_vm_nic_l3 ON vm_nic (l3_network_uuid);

CREATE TABLE volume (
    uuid                 VARCHAR(32)   NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL,
    description          VARCHAR(2048),
    vm_instance_uuid     VARCHAR(32)   REFERENCES vm_instance (uuid) ON DELETE CASCADE,
    root_image_uuid      VARCHAR(32),
    volume_type          VARCHAR(32)   NOT NULL,
    format               VARCHAR(32)   NOT NULL,
    size                 BIGINT        NOT NULL,
    device_id            INTEGER,
    state                VARCHAR(32)   NOT NULL,
    status               VARCHAR(32)   NOT NULL,
    install_path         VARCHAR(2048),
    primary_storage_uuid VARCHAR(32),
    create_date          TIMESTAMP     NOT NULL,
    last_op_date         TIMESTAMP     NOT NULL
);
CREATE INDEX idx_volume_vm ON volume (vm_instance_uuid);

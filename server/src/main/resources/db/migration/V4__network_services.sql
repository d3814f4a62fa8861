-- Network service providers, the services each L3 takes from them, and the virtual router provider's tables.

CREATE TABLE network_service_provider (
    uuid          VARCHAR(32)   NOT NULL PRIMARY KEY,
    name          VARCHAR(255)  NOT NULL,
    description   VARCHAR(2048),
    provider_type VARCHAR(64)   NOT NULL,
    create_date   TIMESTAMP     NOT NULL,
    last_op_date  TIMESTAMP     NOT NULL,
    CONSTRAINT uq_provider_type UNIQUE (provider_type)
);

CREATE TABLE network_service_type (
    network_service_provider_uuid VARCHAR(32) NOT NULL REFERENCES network_service_provider (uuid) ON DELETE CASCADE,
    service_type                  VARCHAR(32) NOT NULL,
    CONSTRAINT pk_network_service_type PRIMARY KEY (network_service_provider_uuid, service_type)
);

-- One provider per service type per L3: the unique key makes "attached twice" impossible, also under races.
CREATE TABLE network_service_l3_ref (
    uuid                          VARCHAR(32) NOT NULL PRIMARY KEY,
    l3_network_uuid               VARCHAR(32) NOT NULL REFERENCES l3_network (uuid) ON DELETE CASCADE,
    network_service_provider_uuid VARCHAR(32) NOT NULL REFERENCES network_service_provider (uuid),
    network_service_type          VARCHAR(32) NOT NULL,
    create_date                   TIMESTAMP   NOT NULL,
    CONSTRAINT uq_l3_service UNIQUE (l3_network_uuid, network_service_type)
);

CREATE TABLE virtual_router_offering (
    uuid                    VARCHAR(32) NOT NULL PRIMARY KEY REFERENCES instance_offering (uuid) ON DELETE CASCADE,
    zone_uuid               VARCHAR(32) NOT NULL REFERENCES zone (uuid),
    management_network_uuid VARCHAR(32) NOT NULL REFERENCES l3_network (uuid),
    public_network_uuid     VARCHAR(32) NOT NULL REFERENCES l3_network (uuid),
    image_uuid              VARCHAR(32) NOT NULL REFERENCES image (uuid),
    is_default              BOOLEAN     NOT NULL
);
CREATE INDEX idx_vr_offering_zone ON virtual_router_offering (zone_uuid);

CREATE VIEW virtual_router_offering_view AS
SELECT io.uuid, io.name, io.description, io.cpu_num, io.cpu_speed, io.memory_size, io.allocator_strategy,
       io.sort_key, io.state, io.offering_type, io.create_date, io.last_op_date,
       vo.zone_uuid, vo.management_network_uuid, vo.public_network_uuid, vo.image_uuid, vo.is_default
FROM instance_offering io JOIN virtual_router_offering vo ON vo.uuid = io.uuid;

CREATE TABLE appliance_vm (
    uuid                          VARCHAR(32)  NOT NULL PRIMARY KEY REFERENCES vm_instance (uuid) ON DELETE CASCADE,
    appliance_vm_type             VARCHAR(32)  NOT NULL,
    management_network_uuid       VARCHAR(32)  NOT NULL,
    public_network_uuid           VARCHAR(32)  NOT NULL,
    default_route_l3_network_uuid VARCHAR(32)  NOT NULL,
    virtual_router_offering_uuid  VARCHAR(32),
    status                        VARCHAR(32)  NOT NULL,
    agent_secret                  VARCHAR(128) NOT NULL
);

CREATE VIEW virtual_router_vm_view AS
SELECT v.uuid, v.name, v.description, v.zone_uuid, v.cluster_uuid, v.host_uuid, v.last_host_uuid, v.image_uuid,
       v.instance_offering_uuid, v.root_volume_uuid, v.default_l3_network_uuid, v.hypervisor_type, v.vm_type,
       v.state, v.cpu_num, v.cpu_speed, v.memory_size, v.allocator_strategy, v.platform, v.create_date,
       v.last_op_date, a.appliance_vm_type, a.management_network_uuid, a.public_network_uuid,
       a.default_route_l3_network_uuid, a.virtual_router_offering_uuid, a.status
FROM vm_instance v JOIN appliance_vm a ON a.uuid = v.uuid;

-- Which VR serves a guest L3. The primary key is the cross-node lock of "one VR per guest L3": whoever inserts
-- the row creates the VR; everyone else waits for it.
CREATE TABLE virtual_router_guest_l3 (
    l3_network_uuid     VARCHAR(32) NOT NULL PRIMARY KEY REFERENCES l3_network (uuid) ON DELETE CASCADE,
    virtual_router_uuid VARCHAR(32) NOT NULL,
    create_date         TIMESTAMP   NOT NULL
);
CREATE INDEX idx_vr_guest_l3_vr ON virtual_router_guest_l3 (virtual_router_uuid);

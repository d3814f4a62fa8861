-- VIPs, EIPs and port forwarding rules (reference §4).
-- Rules that must hold under concurrency are keys here; the rest is checked while the VIP row is locked
-- (SELECT ... FOR UPDATE), so every change to what uses one VIP is serialised by the database.

CREATE TABLE vip (
    uuid                 VARCHAR(32)   NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL,
    description          VARCHAR(2048),
    l3_network_uuid      VARCHAR(32)   NOT NULL REFERENCES l3_network (uuid),
    ip_range_uuid        VARCHAR(32)   NOT NULL,
    used_ip_uuid         VARCHAR(32)   NOT NULL,
    ip                   VARCHAR(64)   NOT NULL,
    gateway              VARCHAR(64)   NOT NULL,
    netmask              VARCHAR(64)   NOT NULL,
    state                VARCHAR(32)   NOT NULL,
    service_provider     VARCHAR(64),
    peer_l3_network_uuid VARCHAR(32),
    -- true when the virtual router provider uses this VIP as a SNAT address (it may share with port forwarding)
    snat                 BOOLEAN       NOT NULL,
    create_date          TIMESTAMP     NOT NULL,
    last_op_date         TIMESTAMP     NOT NULL,
    CONSTRAINT uq_vip_used_ip UNIQUE (used_ip_uuid)
);
CREATE INDEX idx_vip_l3 ON vip (l3_network_uuid);
CREATE INDEX idx_vip_ip ON vip (ip);

-- One EIP per VIP and one per nic: the unique keys make a second one impossible, also under races.
-- A nic that disappears (VM destroyed) leaves its EIP detached rather than dangling.
CREATE TABLE eip (
    uuid         VARCHAR(32)   NOT NULL PRIMARY KEY,
    name         VARCHAR(255)  NOT NULL,
    description  VARCHAR(2048),
    vip_uuid     VARCHAR(32)   NOT NULL REFERENCES vip (uuid),
    vm_nic_uuid  VARCHAR(32)   REFERENCES vm_nic (uuid) ON DELETE SET NULL,
    state        VARCHAR(32)   NOT NULL,
    create_date  TIMESTAMP     NOT NULL,
    last_op_date TIMESTAMP     NOT NULL,
    CONSTRAINT uq_eip_vip UNIQUE (vip_uuid),
    CONSTRAINT uq_eip_nic UNIQUE (vm_nic_uuid)
);

-- Overlapping ranges are refused under the VIP lock; the two keys also make identical edges impossible
-- without it (the "50 identical creates" case), and the check keeps the ranges well-formed.
CREATE TABLE port_forwarding_rule (
    uuid               VARCHAR(32)   NOT NULL PRIMARY KEY,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(2048),
    vip_uuid           VARCHAR(32)   NOT NULL REFERENCES vip (uuid),
    vm_nic_uuid        VARCHAR(32)   REFERENCES vm_nic (uuid) ON DELETE SET NULL,
    vip_port_start     INTEGER       NOT NULL,
    vip_port_end       INTEGER       NOT NULL,
    private_port_start INTEGER       NOT NULL,
    private_port_end   INTEGER       NOT NULL,
    protocol_type      VARCHAR(8)    NOT NULL,
    allowed_cidr       VARCHAR(64),
    state              VARCHAR(32)   NOT NULL,
    create_date        TIMESTAMP     NOT NULL,
    last_op_date       TIMESTAMP     NOT NULL,
    CONSTRAINT uq_pf_vip_start UNIQUE (vip_uuid, protocol_type, vip_port_start),
    CONSTRAINT uq_pf_vip_end UNIQUE (vip_uuid, protocol_type, vip_port_end),
    CONSTRAINT ck_pf_ports CHECK (vip_port_start BETWEEN 1 AND 65535 AND vip_port_end BETWEEN vip_port_start AND 65535
        AND private_port_start BETWEEN 1 AND 65535 AND private_port_end BETWEEN private_port_start AND 65535
        AND vip_port_end - vip_port_start = private_port_end - private_port_start)
);
CREATE INDEX idx_pf_nic ON port_forwarding_rule (vm_nic_uuid);

-- useFor as ZStack shows it: Eip alone, or PortForwarding and/or SNAT.
CREATE VIEW vip_view AS
SELECT v.uuid, v.name, v.description, v.l3_network_uuid, v.ip, v.state, v.gateway, v.netmask, v.service_provider,
       v.peer_l3_network_uuid, v.used_ip_uuid, v.ip_range_uuid, v.create_date, v.last_op_date,
       CASE
           WHEN EXISTS (SELECT 1 FROM eip e WHERE e.vip_uuid = v.uuid) THEN 'Eip'
           WHEN EXISTS (SELECT 1 FROM port_forwarding_rule p WHERE p.vip_uuid = v.uuid) AND v.snat THEN 'PortForwarding,SNAT'
           WHEN EXISTS (SELECT 1 FROM port_forwarding_rule p WHERE p.vip_uuid = v.uuid) THEN 'PortForwarding'
           WHEN v.snat THEN 'SNAT'
       END AS use_for
FROM vip v;

CREATE VIEW eip_view AS
SELECT e.uuid, e.name, e.description, e.vm_nic_uuid, e.vip_uuid, e.state, v.ip AS vip_ip, n.ip AS guest_ip,
       e.create_date, e.last_op_date
FROM eip e JOIN vip v ON v.uuid = e.vip_uuid LEFT JOIN vm_nic n ON n.uuid = e.vm_nic_uuid;

CREATE VIEW port_forwarding_rule_view AS
SELECT p.uuid, p.name, p.description, p.vip_uuid, v.ip AS vip_ip, n.ip AS guest_ip, p.vip_port_start, p.vip_port_end,
       p.private_port_start, p.private_port_end, p.vm_nic_uuid, p.protocol_type, p.state, p.allowed_cidr,
       p.create_date, p.last_op_date
FROM port_forwarding_rule p JOIN vip v ON v.uuid = p.vip_uuid LEFT JOIN vm_nic n ON n.uuid = p.vm_nic_uuid;

-- What a virtual router serves, for QueryVirtualRouterVm's nested fields eip, portForwarding and vip: the
-- attached EIPs and rules whose nic is on a guest L3 the router serves, and the VIPs they stand on.
CREATE VIEW virtual_router_eip_view AS
SELECT g.virtual_router_uuid, e.uuid, e.name, e.description, e.vm_nic_uuid, e.vip_uuid, e.state, e.vip_ip, e.guest_ip,
       e.create_date, e.last_op_date
FROM eip_view e JOIN vm_nic n ON n.uuid = e.vm_nic_uuid JOIN virtual_router_guest_l3 g ON g.l3_network_uuid = n.l3_network_uuid;

CREATE VIEW virtual_router_port_forwarding_view AS
SELECT g.virtual_router_uuid, p.uuid, p.name, p.description, p.vip_uuid, p.vip_ip, p.guest_ip, p.vip_port_start,
       p.vip_port_end, p.private_port_start, p.private_port_end, p.vm_nic_uuid, p.protocol_type, p.state, p.allowed_cidr,
       p.create_date, p.last_op_date
FROM port_forwarding_rule_view p JOIN vm_nic n ON n.uuid = p.vm_nic_uuid
     JOIN virtual_router_guest_l3 g ON g.l3_network_uuid = n.l3_network_uuid;

CREATE VIEW virtual_router_vip_view AS
SELECT DISTINCT x.virtual_router_uuid, v.uuid, v.name, v.description, v.l3_network_uuid, v.ip, v.state, v.gateway,
       v.netmask, v.service_provider, v.peer_l3_network_uuid, v.use_for, v.used_ip_uuid, v.create_date, v.last_op_date
FROM vip_view v JOIN (SELECT virtual_router_uuid, vip_uuid FROM virtual_router_eip_view
                      UNION SELECT virtual_router_uuid, vip_uuid FROM virtual_router_port_forwarding_view) x
     ON x.vip_uuid = v.uuid;

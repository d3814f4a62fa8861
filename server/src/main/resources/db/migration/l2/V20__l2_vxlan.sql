-- VXLAN (issue 15). A VXLAN pool and each VXLAN network are rows of l2_network (types L2VxlanNetworkPool and
-- L2VxlanNetwork), so L3 networks, cluster attachments and deletion guards work on them as on any L2.

-- the VNI ranges of a pool; ranges of one pool do not overlap (checked under the pool's row lock)
CREATE TABLE l2_vni_range (
    uuid            VARCHAR(32)   NOT NULL PRIMARY KEY,
    name            VARCHAR(255)  NOT NULL,
    description     VARCHAR(2048),
    l2_network_uuid VARCHAR(32)   NOT NULL REFERENCES l2_network (uuid) ON DELETE CASCADE,
    start_vni       INTEGER       NOT NULL,
    end_vni         INTEGER       NOT NULL,
    create_date     TIMESTAMP     NOT NULL,
    last_op_date    TIMESTAMP     NOT NULL,
    CONSTRAINT ck_vni_range CHECK (start_vni >= 1 AND start_vni <= end_vni AND end_vni <= 16777214)
);
CREATE INDEX idx_vni_range_pool ON l2_vni_range (l2_network_uuid);

-- a VXLAN network's VNI, unique in its pool (the key is what makes two concurrent allocations safe)
CREATE TABLE l2_vxlan_network (
    uuid      VARCHAR(32) NOT NULL PRIMARY KEY REFERENCES l2_network (uuid) ON DELETE CASCADE,
    pool_uuid VARCHAR(32) NOT NULL REFERENCES l2_network (uuid),
    vni       INTEGER     NOT NULL,
    CONSTRAINT uk_vxlan_pool_vni UNIQUE (pool_uuid, vni)
);

-- a host's VTEP in a pool (ZStack's VtepVO): the address its host agent found in the pool's VTEP cidr; the other
-- hosts of the pool flood to it (one FDB entry each). Goes with its host or pool.
CREATE TABLE l2_vxlan_vtep (
    uuid          VARCHAR(32) NOT NULL PRIMARY KEY,
    host_uuid     VARCHAR(32) NOT NULL REFERENCES host (uuid) ON DELETE CASCADE,
    pool_uuid     VARCHAR(32) NOT NULL REFERENCES l2_network (uuid) ON DELETE CASCADE,
    cluster_uuid  VARCHAR(32) NOT NULL,
    vtep_ip       VARCHAR(64) NOT NULL,
    port          INTEGER     NOT NULL,
    create_date   TIMESTAMP   NOT NULL,
    last_op_date  TIMESTAMP   NOT NULL,
    CONSTRAINT uk_vtep_host_pool UNIQUE (host_uuid, pool_uuid)
);
CREATE INDEX idx_vtep_pool ON l2_vxlan_vtep (pool_uuid);

-- the subnet a pool's VTEPs take their address from in a cluster (ZStack's system tag
-- l2NetworkUuid::<pool>::clusterUuid::<cluster>::cidr::{<cidr>}); null: each host's management address
ALTER TABLE l2_network_cluster_ref ADD COLUMN vtep_cidr VARCHAR(64);

-- what QueryL2VxlanNetwork shows: the L2's columns with its VNI and pool
CREATE VIEW l2_vxlan_network_view AS
SELECT l.uuid, l.name, l.description, l.zone_uuid, l.physical_interface, l.l2_type, l.create_date, l.last_op_date,
       v.vni, v.pool_uuid
FROM l2_network l JOIN l2_vxlan_network v ON v.uuid = l.uuid;

-- Highly available virtual routers (VRRP pairs).

-- Each router's role in its pair as its agent last reported it: NoHa for a plain router.
ALTER TABLE appliance_vm ADD COLUMN ha_status VARCHAR(32) DEFAULT 'NoHa' NOT NULL;

-- A guest L3 served by a pair: its second router (the first is virtual_router_guest_l3's) and the public address
-- the pair's source NAT uses, which floats with the master. The update that sets peer_router_uuid from NULL is
-- the cross-node claim of the second router, as the first's is the insert into virtual_router_guest_l3.
CREATE TABLE virtual_router_ha_pair (
    l3_network_uuid      VARCHAR(32) NOT NULL PRIMARY KEY REFERENCES l3_network (uuid) ON DELETE CASCADE,
    peer_router_uuid     VARCHAR(32),
    public_ip            VARCHAR(15) NOT NULL,
    public_used_ip_uuid  VARCHAR(32) NOT NULL,
    create_date          TIMESTAMP   NOT NULL
);
CREATE INDEX idx_vr_ha_pair_peer ON virtual_router_ha_pair (peer_router_uuid);

DROP VIEW virtual_router_vm_view;
CREATE VIEW virtual_router_vm_view AS
SELECT v.uuid, v.name, v.description, v.zone_uuid, v.cluster_uuid, v.host_uuid, v.last_host_uuid, v.image_uuid,
       v.instance_offering_uuid, v.root_volume_uuid, v.default_l3_network_uuid, v.hypervisor_type, v.vm_type,
       v.state, v.cpu_num, v.cpu_speed, v.memory_size, v.allocator_strategy, v.platform, v.create_date,
       v.last_op_date, a.appliance_vm_type, a.management_network_uuid, a.public_network_uuid,
       a.default_route_l3_network_uuid, a.virtual_router_offering_uuid, a.status, a.ha_status
FROM vm_instance v JOIN appliance_vm a ON a.uuid = v.uuid;

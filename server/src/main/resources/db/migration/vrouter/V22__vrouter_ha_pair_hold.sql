-- A plain router's L3 being turned into a VRRP pair: the new router is held in FAULT (holding no address) until the
-- plain router is gone, so the guest L2 has one gateway at any time. Kept here rather than in a node's memory: a node
-- restarted mid-conversion must go on holding it (its agent is synced from what the node reads after the restart).
ALTER TABLE virtual_router_ha_pair ADD COLUMN held_router_uuid VARCHAR(32);

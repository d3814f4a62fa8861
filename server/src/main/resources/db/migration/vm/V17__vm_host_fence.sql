-- A VM re-created on another host while its old host was confirmed dead (issue 16): the old host may still hold a
-- copy of it. Such a host is not Connected again before that copy is destroyed. No reference to vm_instance: the
-- VM may be deleted meanwhile, the copy on the old host must still go.
CREATE TABLE vm_host_fence (
    vm_instance_uuid  VARCHAR(32)   NOT NULL,
    host_uuid         VARCHAR(32)   NOT NULL,
    vm_type           VARCHAR(64)   NOT NULL,
    hypervisor_type   VARCHAR(32)   NOT NULL,
    create_date       TIMESTAMP     NOT NULL,
    PRIMARY KEY (vm_instance_uuid, host_uuid)
);
CREATE INDEX idx_vm_host_fence_host ON vm_host_fence (host_uuid);

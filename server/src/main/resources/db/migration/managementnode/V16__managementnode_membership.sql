-- Management nodes sharing one database (issue 16). Versions 16 and up: parallel branches of this turn take the
-- numbers right above the baseline, so this one starts at the issue's number.
--
-- Every time here is the database's clock in milliseconds since the epoch: nodes on several machines compare
-- times written by each other, so they must all come from one clock.

-- One row per running management node; a node renews its heartbeat every managementNode/heartbeat.interval.
CREATE TABLE management_node (
    uuid            VARCHAR(32)   NOT NULL PRIMARY KEY,
    host_name       VARCHAR(255)  NOT NULL,
    join_date       TIMESTAMP     NOT NULL,
    heart_beat      TIMESTAMP     NOT NULL,
    heart_beat_ms   BIGINT        NOT NULL
);

-- Which management node tracks (pings, reconnects, watches for death) each host: a lease, taken and renewed with
-- conditional UPDATEs, so exactly one node holds a host at a time.
CREATE TABLE host_tracker (
    host_uuid             VARCHAR(32)   NOT NULL PRIMARY KEY,
    management_node_uuid  VARCHAR(32),
    expire_ms             BIGINT        NOT NULL
);
CREATE INDEX idx_host_tracker_node ON host_tracker (management_node_uuid);

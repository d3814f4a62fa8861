-- Every certificate the installation's authority issued to an agent (a router's, a host's), so that one can be
-- withdrawn before it expires: the management node refuses, on every handshake it makes, a certificate whose row
-- has a revoked_at. Rows go once their certificate has expired (nothing trusts it any more anyway).
CREATE TABLE agent_certificate (
    serial       VARCHAR(40)   NOT NULL PRIMARY KEY,
    holder       VARCHAR(128)  NOT NULL,
    role         VARCHAR(32)   NOT NULL,
    not_after_ms BIGINT        NOT NULL,
    revoked_ms   BIGINT
);
CREATE INDEX agent_certificate_holder ON agent_certificate (holder);

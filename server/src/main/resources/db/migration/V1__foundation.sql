-- Foundation: accounts, sessions, global configurations, tags.
-- Portable SQL: the same file runs on H2 and PostgreSQL. Names are unquoted and avoid reserved words.

CREATE TABLE account (
    uuid          VARCHAR(32)  NOT NULL PRIMARY KEY,
    name          VARCHAR(255) NOT NULL,
    password_hash VARCHAR(512) NOT NULL,
    account_type  VARCHAR(32)  NOT NULL,
    create_date   TIMESTAMP    NOT NULL,
    last_op_date  TIMESTAMP    NOT NULL,
    CONSTRAINT uq_account_name UNIQUE (name)
);

CREATE TABLE account_session (
    uuid          VARCHAR(32) NOT NULL PRIMARY KEY,
    account_uuid  VARCHAR(32) NOT NULL REFERENCES account (uuid) ON DELETE CASCADE,
    expired_date  TIMESTAMP   NOT NULL,
    create_date   TIMESTAMP   NOT NULL
);
CREATE INDEX idx_session_account ON account_session (account_uuid);

CREATE TABLE global_config (
    category      VARCHAR(64)   NOT NULL,
    name          VARCHAR(128)  NOT NULL,
    description   VARCHAR(1024),
    default_value VARCHAR(1024) NOT NULL,
    config_value  VARCHAR(1024) NOT NULL,
    create_date   TIMESTAMP     NOT NULL,
    last_op_date  TIMESTAMP     NOT NULL,
    CONSTRAINT pk_global_config PRIMARY KEY (category, name)
);

-- System and user tags share one table; tag_type tells them apart.
CREATE TABLE resource_tag (
    uuid          VARCHAR(32)   NOT NULL PRIMARY KEY,
    resource_uuid VARCHAR(32)   NOT NULL,
    resource_type VARCHAR(64)   NOT NULL,
    tag           VARCHAR(2048) NOT NULL,
    tag_type      VARCHAR(16)   NOT NULL,
    inherent      BOOLEAN       NOT NULL,
    create_date   TIMESTAMP     NOT NULL,
    last_op_date  TIMESTAMP     NOT NULL
);
CREATE INDEX idx_tag_resource ON resource_tag (resource_uuid);
CREATE INDEX idx_tag_tag ON resource_tag (tag);

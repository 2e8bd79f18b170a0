-- Tenants, users, flow versions, flow ACLs and deployments. Timestamps are Unix epoch
-- milliseconds (UTC) on every backend.

CREATE TABLE tenants (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    created_at BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE users (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)  NOT NULL,
    email        VARCHAR(320) NULL,
    display_name VARCHAR(255) NULL,
    -- NULL, 'tenant_admin' or 'super_admin'.
    admin_role   VARCHAR(32)  NULL,
    created_at   BIGINT       NOT NULL,
    CONSTRAINT users_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX users_tenant ON users (tenant_id);

-- One row per saved version. The content is the immutable object at object_key; the row is
-- only written after the object is stored and verified, so a row never points at a missing
-- object. seq orders versions and, being unique per flow, can never be used twice.
CREATE TABLE flow_versions (
    flow_id    VARCHAR(64)  NOT NULL,
    version    VARCHAR(64)  NOT NULL,
    seq        BIGINT       NOT NULL,
    object_key VARCHAR(512) NOT NULL,
    sha256     CHAR(64)     NOT NULL,
    size       BIGINT       NOT NULL,
    author_id  VARCHAR(64)  NOT NULL,
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (flow_id, version),
    UNIQUE KEY flow_versions_seq (flow_id, seq),
    CONSTRAINT flow_versions_flow_fk FOREIGN KEY (flow_id) REFERENCES flows (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Explicit grants; the owner, tenant admins and super admins have 'admin' implicitly.
CREATE TABLE flow_acls (
    id             VARCHAR(64) NOT NULL PRIMARY KEY,
    flow_id        VARCHAR(64) NOT NULL,
    -- 'user' or 'group'.
    principal_type VARCHAR(16) NOT NULL,
    principal_id   VARCHAR(64) NOT NULL,
    -- 'view' < 'edit' < 'deploy' < 'admin'.
    level          VARCHAR(16) NOT NULL,
    granted_by     VARCHAR(64) NOT NULL,
    granted_at     BIGINT      NOT NULL,
    UNIQUE KEY flow_acls_principal_once (flow_id, principal_type, principal_id),
    CONSTRAINT flow_acls_flow_fk FOREIGN KEY (flow_id) REFERENCES flows (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX flow_acls_principal ON flow_acls (principal_type, principal_id);

-- Deployments of a flow version to ScaiGrid.
CREATE TABLE deployments (
    id             VARCHAR(64)  NOT NULL PRIMARY KEY,
    flow_id        VARCHAR(64)  NOT NULL,
    tenant_id      VARCHAR(64)  NOT NULL,
    version        VARCHAR(64)  NOT NULL,
    -- 'succeeded' or 'failed'.
    status         VARCHAR(16)  NOT NULL,
    core_id        VARCHAR(128) NULL,
    published_slug VARCHAR(255) NULL,
    error_code     VARCHAR(64)  NULL,
    error_message  TEXT         NULL,
    deployed_by    VARCHAR(64)  NOT NULL,
    created_at     BIGINT       NOT NULL,
    CONSTRAINT deployments_flow_fk FOREIGN KEY (flow_id) REFERENCES flows (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX deployments_flow ON deployments (flow_id, created_at);

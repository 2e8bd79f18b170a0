-- Tenants, users, flow versions, flow ACLs and deployments. Timestamps are Unix epoch
-- milliseconds (UTC) on every backend.

CREATE TABLE tenants (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id),
    email        TEXT    NULL,
    display_name TEXT    NULL,
    -- NULL, 'tenant_admin' or 'super_admin'.
    admin_role   TEXT    NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id);

-- One row per saved version. The content is the immutable object at object_key; the row is
-- only written after the object is stored and verified, so a row never points at a missing
-- object. seq orders versions and, being unique per flow, can never be used twice.
CREATE TABLE flow_versions (
    flow_id    TEXT    NOT NULL REFERENCES flows (id),
    version    TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    object_key TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    author_id  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (flow_id, version),
    UNIQUE (flow_id, seq)
);

-- Explicit grants; the owner, tenant admins and super admins have 'admin' implicitly.
CREATE TABLE flow_acls (
    id             TEXT    NOT NULL PRIMARY KEY,
    flow_id        TEXT    NOT NULL REFERENCES flows (id),
    -- 'user' or 'group'.
    principal_type TEXT    NOT NULL,
    principal_id   TEXT    NOT NULL,
    -- 'view' < 'edit' < 'deploy' < 'admin'.
    level          TEXT    NOT NULL,
    granted_by     TEXT    NOT NULL,
    granted_at     INTEGER NOT NULL,
    UNIQUE (flow_id, principal_type, principal_id)
);
CREATE INDEX flow_acls_principal ON flow_acls (principal_type, principal_id);

-- Deployments of a flow version to ScaiGrid.
CREATE TABLE deployments (
    id             TEXT    NOT NULL PRIMARY KEY,
    flow_id        TEXT    NOT NULL REFERENCES flows (id),
    tenant_id      TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    -- 'succeeded' or 'failed'.
    status         TEXT    NOT NULL,
    core_id        TEXT    NULL,
    published_slug TEXT    NULL,
    error_code     TEXT    NULL,
    error_message  TEXT    NULL,
    deployed_by    TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX deployments_flow ON deployments (flow_id, created_at);

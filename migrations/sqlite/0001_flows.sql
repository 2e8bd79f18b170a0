-- Flow metadata. The content of each version is an immutable object in the object store
-- (flows/{tenant_id}/{id}/v{version}.flow.json); this row points at the current one.
CREATE TABLE flows (
    id              TEXT    NOT NULL PRIMARY KEY,
    tenant_id       TEXT    NOT NULL,
    owner_id        TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    current_version TEXT    NOT NULL,
    -- Unix epoch milliseconds (UTC), the same representation on every backend.
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER NULL
);

-- Listing a tenant's live flows by name, and searching by name within a tenant.
CREATE INDEX flows_tenant_name ON flows (tenant_id, deleted_at, name);

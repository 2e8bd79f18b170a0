-- Flow metadata. The content of each version is an immutable object in the object store
-- (flows/{tenant_id}/{id}/v{version}.flow.json); this row points at the current one.
CREATE TABLE flows (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)  NOT NULL,
    owner_id        VARCHAR(64)  NOT NULL,
    name            VARCHAR(255) NOT NULL,
    description     TEXT         NOT NULL,
    current_version VARCHAR(32)  NOT NULL,
    -- Unix epoch milliseconds (UTC), the same representation on every backend.
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL,
    deleted_at      BIGINT       NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Listing a tenant's live flows by name, and searching by name within a tenant.
CREATE INDEX flows_tenant_name ON flows (tenant_id, deleted_at, name);

-- The local mirror of ScaiKey groups and their members (flow ACLs may name a group; the sync
-- keeps it current). A group that disappears from ScaiKey is soft-deleted.
CREATE TABLE user_groups (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id),
    name           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    deleted_at     INTEGER NULL,
    last_synced_at INTEGER NULL
);
CREATE INDEX user_groups_tenant ON user_groups (tenant_id);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

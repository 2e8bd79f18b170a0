-- The local mirror of ScaiKey groups and their members (flow ACLs may name a group; the sync
-- keeps it current). A group that disappears from ScaiKey is soft-deleted.
CREATE TABLE user_groups (
    id             VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)  NOT NULL,
    name           VARCHAR(255) NOT NULL,
    created_at     BIGINT       NOT NULL,
    deleted_at     BIGINT       NULL,
    last_synced_at BIGINT       NULL,
    CONSTRAINT user_groups_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX user_groups_tenant ON user_groups (tenant_id);

CREATE TABLE group_members (
    group_id VARCHAR(64) NOT NULL,
    user_id  VARCHAR(64) NOT NULL,
    PRIMARY KEY (group_id, user_id),
    CONSTRAINT group_members_group_fk FOREIGN KEY (group_id) REFERENCES user_groups (id),
    CONSTRAINT group_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX group_members_user ON group_members (user_id);

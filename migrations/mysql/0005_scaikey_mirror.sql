-- The ScaiKey mirror kept by webhooks (and the sync): soft deletes, where an admin role came
-- from, and the webhook deliveries already handled (ScaiKey retries; handling is idempotent).
ALTER TABLE users ADD COLUMN deleted_at BIGINT NULL;
ALTER TABLE users ADD COLUMN last_synced_at BIGINT NULL;
-- 'manual', 'group' or 'bootstrap' when admin_role is set.
ALTER TABLE users ADD COLUMN admin_role_source VARCHAR(16) NULL;
ALTER TABLE group_members ADD COLUMN deleted_at BIGINT NULL;

CREATE TABLE webhook_events (
    id          VARCHAR(128) NOT NULL PRIMARY KEY,
    event_type  VARCHAR(64)  NOT NULL,
    received_at BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The ScaiKey mirror kept by webhooks (and the sync): soft deletes, where an admin role came
-- from, and the webhook deliveries already handled (ScaiKey retries; handling is idempotent).
ALTER TABLE users ADD COLUMN deleted_at INTEGER NULL;
ALTER TABLE users ADD COLUMN last_synced_at INTEGER NULL;
-- 'manual', 'group' or 'bootstrap' when admin_role is set.
ALTER TABLE users ADD COLUMN admin_role_source TEXT NULL;
ALTER TABLE group_members ADD COLUMN deleted_at INTEGER NULL;

CREATE TABLE webhook_events (
    id          TEXT    NOT NULL PRIMARY KEY,
    event_type  TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);

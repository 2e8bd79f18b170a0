-- Secrets of the local secret store (tenant ScaiGrid credentials), each sealed with
-- AES-256-GCM under the server's key; the path is the associated data.
CREATE TABLE secrets (
    path       TEXT    NOT NULL PRIMARY KEY,
    nonce      BLOB    NOT NULL,
    sealed     BLOB    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Secrets of the local secret store (tenant ScaiGrid credentials), each sealed with
-- AES-256-GCM under the server's key; the path is the associated data.
CREATE TABLE secrets (
    path       VARCHAR(512)   NOT NULL PRIMARY KEY,
    nonce      VARBINARY(12)  NOT NULL,
    sealed     VARBINARY(4096) NOT NULL,
    updated_at BIGINT         NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

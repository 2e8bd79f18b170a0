-- A deployment row is written when a deploy starts ('running'), moves through its stages
-- ('compiling', 'provisioning', 'creating', 'publishing') so the editor can show progress, and
-- ends 'succeeded' or 'failed' with finished_at.
ALTER TABLE deployments ADD COLUMN stage TEXT NULL;
ALTER TABLE deployments ADD COLUMN finished_at INTEGER NULL;

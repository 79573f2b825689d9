-- A motion is decided by the rule in force when it was put (kept here,
-- exact), not by whatever the charter says when it closes.
ALTER TABLE motions ADD COLUMN rule_code TEXT NOT NULL DEFAULT '';
ALTER TABLE motions ADD COLUMN proxies_count BOOLEAN NOT NULL DEFAULT FALSE;

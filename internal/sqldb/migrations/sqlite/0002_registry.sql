-- The organisation registry: profile fields, status history, filings.

ALTER TABLE orgs ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN uscc TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN established TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN registration_authority TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN legal_rep TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN independent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orgs ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'cancelled'));
-- Search keys: full pinyin without tones and the initials, lower case, so
-- 黑龙江 is found by "heilongjiang" and "hlj".
ALTER TABLE orgs ADD COLUMN name_pinyin TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN updated_at TIMESTAMP;
CREATE INDEX orgs_kind ON orgs(kind);

-- Dated events of an organisation's history: established, suspended,
-- restored, renamed, moved, cancelled. `happened` is a partial date
-- (YYYY, YYYY-MM or YYYY-MM-DD) as the sources give it.
CREATE TABLE org_events (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	kind       TEXT NOT NULL CHECK (kind IN ('established', 'suspended', 'restored', 'renamed', 'moved', 'cancelled', 'changed')),
	happened   TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	resolution TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX org_events_org ON org_events(org_id, happened);

-- A change or cancellation of an association at or above county level is
-- filed with the next-higher association, whose staff acknowledge it.
CREATE TABLE filings (
	id              INTEGER PRIMARY KEY,
	org_id          INTEGER NOT NULL REFERENCES orgs(id),
	to_org_id       INTEGER NOT NULL REFERENCES orgs(id),
	event_id        INTEGER NOT NULL REFERENCES org_events(id),
	resolution      TEXT NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	acknowledged_at TIMESTAMP,
	acknowledged_by INTEGER REFERENCES users(id)
);
CREATE INDEX filings_to ON filings(to_org_id, acknowledged_at);

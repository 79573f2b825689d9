-- kexie:foreign-keys=off
-- people and memberships rebuilt, for bulk loads (docs/benchmarks.md,
-- "Members"), with the same columns, keys and rules:
--  - the (organisation, member number) key becomes a named unique index
--    instead of the table's UNIQUE constraint, so that a first load can
--    put it off and build it by one sort at the end, as it does the other
--    indexes (SQLite cannot drop a table constraint; an index it can);
--  - each CHECK on a list of words is written as comparisons joined by OR:
--    SQLite codes "x IN ('a', 'b', 'c')" in a CHECK as a temporary B-tree
--    built anew for every row written (OpenEphemeral in EXPLAIN), a
--    quarter of the cost of writing a member in bulk.
-- SQLite's documented way (ALTER TABLE, "Making Other Kinds Of Table
-- Schema Changes"): foreign keys off for this migration, checked before it
-- commits.
CREATE TABLE people_new (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	name_en     TEXT NOT NULL DEFAULT '',
	pinyin      TEXT NOT NULL DEFAULT '',
	search_key  TEXT NOT NULL DEFAULT '',
	gender      TEXT NOT NULL DEFAULT '' CHECK (gender = '' OR gender = 'male' OR gender = 'female'),
	birth_date  TEXT NOT NULL DEFAULT '',
	nationality TEXT NOT NULL DEFAULT '',
	id_type     TEXT NOT NULL DEFAULT '',
	id_sealed   TEXT NOT NULL DEFAULT '',
	id_hash     TEXT NOT NULL DEFAULT '',
	id_masked   TEXT NOT NULL DEFAULT '',
	discipline  TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	employer    TEXT NOT NULL DEFAULT '',
	front_line  BOOLEAN NOT NULL DEFAULT FALSE,
	email       TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	initials    TEXT NOT NULL DEFAULT ''
);
INSERT INTO people_new (id, name, name_en, pinyin, search_key, gender, birth_date, nationality, id_type, id_sealed, id_hash,
		id_masked, discipline, title, employer, front_line, email, phone, created_at, updated_at, initials)
	SELECT id, name, name_en, pinyin, search_key, gender, birth_date, nationality, id_type, id_sealed, id_hash,
		id_masked, discipline, title, employer, front_line, email, phone, created_at, updated_at, initials
	FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE INDEX people_id_hash ON people(id_hash);
CREATE INDEX people_name ON people(name);
CREATE INDEX people_search ON people(search_key);
CREATE INDEX people_initials ON people(initials);
CREATE INDEX people_employer ON people(employer);

CREATE TABLE memberships_new (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES orgs(id),
	person_id      INTEGER NOT NULL REFERENCES people(id),
	member_no      TEXT NOT NULL,
	type           TEXT NOT NULL CHECK (type = 'individual' OR type = 'student' OR type = 'foreign' OR type = 'unit' OR type = 'honorary'),
	status         TEXT NOT NULL CHECK (status = 'applicant' OR status = 'active' OR status = 'lapsed' OR status = 'withdrawn'
		OR status = 'expelled' OR status = 'deceased'),
	joined         TEXT NOT NULL DEFAULT '',
	last_dues_paid TEXT NOT NULL DEFAULT '',
	last_activity  TEXT NOT NULL DEFAULT '',
	exempt_until   TEXT NOT NULL DEFAULT '',
	exempt_reason  TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	app_stage      TEXT NOT NULL DEFAULT '',
	app_note       TEXT NOT NULL DEFAULT '',
	approved_by    TEXT NOT NULL DEFAULT '',
	approval_ref   TEXT NOT NULL DEFAULT '',
	card_token     TEXT NOT NULL DEFAULT '',
	card_issued    TEXT NOT NULL DEFAULT ''
);
INSERT INTO memberships_new (id, org_id, person_id, member_no, type, status, joined, last_dues_paid, last_activity,
		exempt_until, exempt_reason, created_at, updated_at, app_stage, app_note, approved_by, approval_ref, card_token, card_issued)
	SELECT id, org_id, person_id, member_no, type, status, joined, last_dues_paid, last_activity,
		exempt_until, exempt_reason, created_at, updated_at, app_stage, app_note, approved_by, approval_ref, card_token, card_issued
	FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE UNIQUE INDEX memberships_org_no ON memberships(org_id, member_no);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_org_status ON memberships(org_id, status, type);
CREATE INDEX memberships_no ON memberships(member_no);
CREATE INDEX memberships_card ON memberships(card_token) WHERE card_token <> '';
CREATE INDEX memberships_stage ON memberships(org_id, app_stage) WHERE app_stage <> '';

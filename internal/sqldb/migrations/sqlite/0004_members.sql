-- Members: people and units, their memberships in organisations, the
-- history of every status change.

-- The lapse rule's N (years without dues or participation), a charter
-- setting of each organisation; the CHIA charter's 2 is the default.
ALTER TABLE orgs ADD COLUMN lapse_years INTEGER NOT NULL DEFAULT 2;

-- A member holder: a person, or a unit (type unit). The identity document
-- number is sealed (AES-GCM); id_hash is its keyed hash, for duplicates;
-- id_masked is what screens show.
CREATE TABLE people (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	name_en     TEXT NOT NULL DEFAULT '',
	pinyin      TEXT NOT NULL DEFAULT '',
	search_key  TEXT NOT NULL DEFAULT '',
	gender      TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'male', 'female')),
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
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX people_id_hash ON people(id_hash);
CREATE INDEX people_name ON people(name);
CREATE INDEX people_search ON people(search_key);

CREATE TABLE memberships (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES orgs(id),
	person_id      INTEGER NOT NULL REFERENCES people(id),
	member_no      TEXT NOT NULL,
	type           TEXT NOT NULL CHECK (type IN ('individual', 'student', 'foreign', 'unit', 'honorary')),
	status         TEXT NOT NULL CHECK (status IN ('applicant', 'active', 'lapsed', 'withdrawn', 'expelled', 'deceased')),
	joined         TEXT NOT NULL DEFAULT '',
	last_dues_paid TEXT NOT NULL DEFAULT '',
	last_activity  TEXT NOT NULL DEFAULT '',
	exempt_until   TEXT NOT NULL DEFAULT '',
	exempt_reason  TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	UNIQUE (org_id, member_no)
);
CREATE INDEX memberships_person ON memberships(person_id);
CREATE INDEX memberships_org_status ON memberships(org_id, status, type);

-- Every status change of a membership: dated, reasoned, by whom.
CREATE TABLE membership_events (
	id            INTEGER PRIMARY KEY,
	membership_id INTEGER NOT NULL REFERENCES memberships(id),
	status        TEXT NOT NULL,
	happened      TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	actor         TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX membership_events_membership ON membership_events(membership_id, id);

-- The next member number to assign, per organisation.
CREATE TABLE member_counters (
	org_id  INTEGER PRIMARY KEY REFERENCES orgs(id),
	next_no INTEGER NOT NULL
);

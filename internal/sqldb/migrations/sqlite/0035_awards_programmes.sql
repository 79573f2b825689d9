-- Awards: programmes established jointly (the establishing bodies in
-- order, as JSON), run by an administering organisation; grades with caps,
-- eligibility rules and the scoring form as data; rounds with their
-- timeline and recommending units with quotas; nominations.
CREATE TABLE award_programmes (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	code        TEXT NOT NULL UNIQUE,
	name_zh     TEXT NOT NULL,
	name_en     TEXT NOT NULL DEFAULT '',
	bodies      TEXT NOT NULL DEFAULT '[]',
	cycle_years INTEGER NOT NULL CHECK (cycle_years > 0),
	total_cap   INTEGER NOT NULL DEFAULT 0 CHECK (total_cap >= 0),
	grades      TEXT NOT NULL DEFAULT '[]',
	eligibility TEXT NOT NULL DEFAULT '{}',
	form        TEXT NOT NULL DEFAULT '[]',
	uniqueness  TEXT NOT NULL DEFAULT 'lifetime' CHECK (uniqueness IN ('lifetime', 'grade')),
	coi_years   INTEGER NOT NULL DEFAULT 3 CHECK (coi_years >= 0),
	higher_id   INTEGER REFERENCES award_programmes(id),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX award_programmes_org ON award_programmes(org_id);

CREATE TABLE award_rounds (
	id             INTEGER PRIMARY KEY,
	programme_id   INTEGER NOT NULL REFERENCES award_programmes(id),
	year           INTEGER NOT NULL,
	stage          TEXT NOT NULL DEFAULT 'nomination' CHECK (stage IN ('nomination', 'check', 'review', 'decision', 'publicity', 'announced')),
	nominate_from  TEXT NOT NULL,
	nominate_to    TEXT NOT NULL,
	check_by       TEXT NOT NULL DEFAULT '',
	review_by      TEXT NOT NULL DEFAULT '',
	decide_by      TEXT NOT NULL DEFAULT '',
	publicity_days INTEGER NOT NULL DEFAULT 7 CHECK (publicity_days > 0),
	publicity_from TEXT NOT NULL DEFAULT '',
	announce_on    TEXT NOT NULL DEFAULT '',
	hide_nominee   BOOLEAN NOT NULL DEFAULT FALSE,
	experts_per    INTEGER NOT NULL DEFAULT 3 CHECK (experts_per > 0),
	resolution     TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMP NOT NULL,
	UNIQUE (programme_id, year)
);

CREATE TABLE award_round_units (
	round_id INTEGER NOT NULL REFERENCES award_rounds(id),
	org_id   INTEGER NOT NULL REFERENCES orgs(id),
	quota    INTEGER NOT NULL CHECK (quota > 0),
	PRIMARY KEY (round_id, org_id)
);
CREATE INDEX award_round_units_org ON award_round_units(org_id);

-- A nomination: the nominee's identity document is sealed, id_hash is its
-- keyed hash (the same as people.id_hash), which lifetime uniqueness
-- matches on. result: the decision ('' before it, 'winner' once announced).
CREATE TABLE award_nominations (
	id             INTEGER PRIMARY KEY,
	round_id       INTEGER NOT NULL REFERENCES award_rounds(id),
	unit_id        INTEGER NOT NULL REFERENCES orgs(id),
	person_id      INTEGER REFERENCES people(id),
	name           TEXT NOT NULL,
	gender         TEXT NOT NULL DEFAULT '',
	birth_date     TEXT NOT NULL DEFAULT '',
	id_type        TEXT NOT NULL,
	id_sealed      TEXT NOT NULL,
	id_hash        TEXT NOT NULL,
	id_masked      TEXT NOT NULL,
	employer       TEXT NOT NULL DEFAULT '',
	employer_org   INTEGER REFERENCES orgs(id),
	field          TEXT NOT NULL DEFAULT '',
	region         TEXT NOT NULL DEFAULT '',
	achievements   TEXT NOT NULL DEFAULT '',
	summary        TEXT NOT NULL DEFAULT '',
	unit_pub_from  TEXT NOT NULL DEFAULT '',
	unit_pub_to    TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'not_accepted', 'withdrawn')),
	check_reason   TEXT NOT NULL DEFAULT '',
	panel_votes    INTEGER NOT NULL DEFAULT 0,
	grade          TEXT NOT NULL DEFAULT '',
	result         TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'proposed', 'winner', 'withdrawn')),
	recommended_to INTEGER REFERENCES award_rounds(id),
	created_by     INTEGER,
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX award_nominations_round ON award_nominations(round_id, unit_id);
CREATE INDEX award_nominations_id_hash ON award_nominations(id_hash);

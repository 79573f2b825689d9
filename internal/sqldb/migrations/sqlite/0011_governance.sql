-- Governance: each organisation's charter (a template and its settings),
-- its bodies, their numbered terms, the seats of a term, meetings with
-- their attendance and proxies, and motions with their votes. Elections
-- by secret ballot come later, in tables of their own.
CREATE TABLE charters (
	org_id     INTEGER PRIMARY KEY REFERENCES orgs(id),
	template   TEXT NOT NULL CHECK (template IN ('national_society', 'local_association')),
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE bodies (
	id      INTEGER PRIMARY KEY,
	org_id  INTEGER NOT NULL REFERENCES orgs(id),
	kind    TEXT NOT NULL CHECK (kind IN ('congress', 'council', 'standing_council', 'supervisors')),
	name_zh TEXT NOT NULL DEFAULT '',
	name_en TEXT NOT NULL DEFAULT '',
	UNIQUE (org_id, kind)
);

-- A numbered term ("the 9th council"): planned end from the charter's
-- term length; extensions each with the resolution that granted them.
CREATE TABLE terms (
	id          INTEGER PRIMARY KEY,
	body_id     INTEGER NOT NULL REFERENCES bodies(id),
	number      INTEGER NOT NULL CHECK (number > 0),
	started     TEXT NOT NULL,
	planned_end TEXT NOT NULL,
	ended       TEXT NOT NULL DEFAULT '',
	UNIQUE (body_id, number)
);

CREATE TABLE term_extensions (
	id         INTEGER PRIMARY KEY,
	term_id    INTEGER NOT NULL REFERENCES terms(id),
	months     INTEGER NOT NULL CHECK (months > 0),
	resolution TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);

-- A seat of a term: who, which post, front-line or not, age band, when
-- seated and when and why it ended.
CREATE TABLE seats (
	id         INTEGER PRIMARY KEY,
	term_id    INTEGER NOT NULL REFERENCES terms(id),
	person_id  INTEGER NOT NULL REFERENCES people(id),
	post       TEXT NOT NULL CHECK (post IN ('chair', 'vice_chair', 'secretary_general', 'director', 'standing_director', 'supervisor', 'representative')),
	front_line BOOLEAN NOT NULL DEFAULT FALSE,
	age_band   TEXT NOT NULL DEFAULT '',
	seated     TEXT NOT NULL,
	left_on    TEXT NOT NULL DEFAULT '',
	left_why   TEXT NOT NULL DEFAULT '' CHECK (left_why IN ('', 'term_end', 'resignation', 'replacement', 'death'))
);
CREATE INDEX seats_term ON seats(term_id, left_on);
CREATE INDEX seats_person ON seats(person_id);

CREATE TABLE meetings (
	id         INTEGER PRIMARY KEY,
	term_id    INTEGER NOT NULL REFERENCES terms(id),
	held       TEXT NOT NULL,
	place      TEXT NOT NULL DEFAULT '',
	mode       TEXT NOT NULL DEFAULT 'in_person' CHECK (mode IN ('in_person', 'communication')),
	agenda     TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_term ON meetings(term_id, held);

-- Attendance per seat; a represented seat names the seat holding its proxy.
CREATE TABLE attendance (
	meeting_id INTEGER NOT NULL REFERENCES meetings(id),
	seat_id    INTEGER NOT NULL REFERENCES seats(id),
	status     TEXT NOT NULL CHECK (status IN ('present', 'absent_excused', 'absent_unexcused', 'proxy')),
	proxy_seat INTEGER REFERENCES seats(id),
	PRIMARY KEY (meeting_id, seat_id)
);

-- A motion: opened only with a quorum; closed with the tally, the base,
-- the count required and the outcome, by the charter's rule for its
-- decision type.
CREATE TABLE motions (
	id          INTEGER PRIMARY KEY,
	meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
	title       TEXT NOT NULL,
	decision    TEXT NOT NULL CHECK (decision IN ('ordinary', 'election', 'midterm_replace', 'charter_amend', 'expulsion', 'admission')),
	counted_by  TEXT NOT NULL DEFAULT 'electronic' CHECK (counted_by IN ('electronic', 'clerk')),
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	yes         INTEGER NOT NULL DEFAULT 0,
	no          INTEGER NOT NULL DEFAULT 0,
	abstain     INTEGER NOT NULL DEFAULT 0,
	base        INTEGER NOT NULL DEFAULT 0,
	required    INTEGER NOT NULL DEFAULT 0,
	passed      BOOLEAN NOT NULL DEFAULT FALSE,
	rule        TEXT NOT NULL DEFAULT '',
	opened_at   TIMESTAMP NOT NULL,
	closed_at   TIMESTAMP
);
CREATE INDEX motions_meeting ON motions(meeting_id);

-- Open votes (motions are not secret): one per seat, cast by its holder or
-- the proxy holding it.
CREATE TABLE motion_votes (
	motion_id INTEGER NOT NULL REFERENCES motions(id),
	seat_id   INTEGER NOT NULL REFERENCES seats(id),
	vote      TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain')),
	PRIMARY KEY (motion_id, seat_id)
);

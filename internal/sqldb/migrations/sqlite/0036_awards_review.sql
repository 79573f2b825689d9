-- Awards: the expert pool of a programme, relations that make conflicts
-- (advisor, family, co-author, collaborator), conflicts pinned, waived or
-- declared for one nomination, assignments with their scores, and the
-- objections of the publicity period.
CREATE TABLE award_experts (
	id           INTEGER PRIMARY KEY,
	programme_id INTEGER NOT NULL REFERENCES award_programmes(id),
	user_id      INTEGER REFERENCES users(id),
	name         TEXT NOT NULL,
	employer     TEXT NOT NULL DEFAULT '',
	org_id       INTEGER REFERENCES orgs(id),
	fields       TEXT NOT NULL DEFAULT '',
	id_hash      TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX award_experts_programme ON award_experts(programme_id);
CREATE INDEX award_experts_user ON award_experts(user_id);

CREATE TABLE award_relations (
	id         INTEGER PRIMARY KEY,
	expert_id  INTEGER NOT NULL REFERENCES award_experts(id),
	other_hash TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('advisor', 'family', 'coauthor', 'collaborator')),
	year       INTEGER NOT NULL DEFAULT 0,
	source     TEXT NOT NULL CHECK (source IN ('declared', 'imported')),
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX award_relations_expert ON award_relations(expert_id);

CREATE TABLE award_conflicts (
	id            INTEGER PRIMARY KEY,
	expert_id     INTEGER NOT NULL REFERENCES award_experts(id),
	nomination_id INTEGER NOT NULL REFERENCES award_nominations(id),
	mode          TEXT NOT NULL CHECK (mode IN ('pinned', 'waived', 'declared')),
	reason        TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	UNIQUE (expert_id, nomination_id)
);

CREATE TABLE award_assignments (
	id            INTEGER PRIMARY KEY,
	nomination_id INTEGER NOT NULL REFERENCES award_nominations(id),
	expert_id     INTEGER NOT NULL REFERENCES award_experts(id),
	status        TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'declared', 'scored', 'recused')),
	reason        TEXT NOT NULL DEFAULT '',
	scores        TEXT NOT NULL DEFAULT '',
	score_num     TEXT NOT NULL DEFAULT '',
	score_den     TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	UNIQUE (nomination_id, expert_id)
);
CREATE INDEX award_assignments_expert ON award_assignments(expert_id);

CREATE TABLE award_objections (
	id             INTEGER PRIMARY KEY,
	nomination_id  INTEGER NOT NULL REFERENCES award_nominations(id),
	kind           TEXT NOT NULL CHECK (kind IN ('individual', 'unit')),
	name           TEXT NOT NULL,
	id_sealed      TEXT NOT NULL DEFAULT '',
	id_masked      TEXT NOT NULL DEFAULT '',
	contact        TEXT NOT NULL,
	contact_person TEXT NOT NULL DEFAULT '',
	letter         TEXT NOT NULL DEFAULT '',
	grade_only     BOOLEAN NOT NULL DEFAULT FALSE,
	body           TEXT NOT NULL,
	received_on    TEXT NOT NULL,
	outcome        TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'upheld', 'dismissed', 'recorded')),
	outcome_reason TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMP NOT NULL
);
CREATE INDEX award_objections_nomination ON award_objections(nomination_id);

-- The people of a programme as records: a session's chairs and a
-- contribution's speakers, each a member of the register (membership_id,
-- named as the register names them) or an outside person by name, with
-- their affiliation and country, in order.
CREATE TABLE activity_people (
	id              INTEGER PRIMARY KEY,
	activity_id     INTEGER NOT NULL REFERENCES activities(id),
	role            TEXT NOT NULL CHECK (role IN ('chair', 'speaker')),
	session_id      INTEGER REFERENCES activity_sessions(id),
	contribution_id INTEGER REFERENCES activity_contributions(id),
	position        INTEGER NOT NULL,
	membership_id   INTEGER REFERENCES memberships(id),
	name            TEXT NOT NULL,
	affiliation     TEXT NOT NULL DEFAULT '',
	country         TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMP NOT NULL,
	CHECK ((role = 'chair' AND session_id IS NOT NULL AND contribution_id IS NULL)
		OR (role = 'speaker' AND contribution_id IS NOT NULL AND session_id IS NULL))
);
CREATE INDEX activity_people_activity ON activity_people(activity_id);
CREATE INDEX activity_people_session ON activity_people(session_id);
CREATE INDEX activity_people_contribution ON activity_people(contribution_id);

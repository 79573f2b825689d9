-- What the statistics count besides people checked in and anonymous
-- counts (activity_headcounts): a fair's exhibitors at their booths and a
-- competition's teams.
CREATE TABLE activity_exhibitors (
	id          INTEGER PRIMARY KEY,
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	booth       TEXT NOT NULL,
	org_id      INTEGER REFERENCES orgs(id),
	name        TEXT NOT NULL DEFAULT '',
	theme       TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX activity_exhibitors_booth ON activity_exhibitors(activity_id, booth);

CREATE TABLE activity_teams (
	id          INTEGER PRIMARY KEY,
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	name        TEXT NOT NULL,
	category    TEXT NOT NULL DEFAULT '',
	org_id      INTEGER REFERENCES orgs(id),
	school      TEXT NOT NULL DEFAULT '',
	members     TEXT NOT NULL DEFAULT '',
	advisers    TEXT NOT NULL DEFAULT '',
	result      TEXT NOT NULL DEFAULT '',
	prize_grade TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX activity_teams_name ON activity_teams(activity_id, name);

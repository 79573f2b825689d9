-- The programme: sessions in rooms (parallel sessions share times in
-- different rooms), breaks entered once for every room, contributions.
-- Times are instants (UTC); the pages show them in Beijing time.
CREATE TABLE activity_sessions (
	id            INTEGER PRIMARY KEY,
	activity_id   INTEGER NOT NULL REFERENCES activities(id),
	kind          TEXT NOT NULL CHECK (kind = 'plenary' OR kind = 'parallel' OR kind = 'poster' OR kind = 'exhibition'),
	title_zh      TEXT NOT NULL DEFAULT '',
	title_en      TEXT NOT NULL DEFAULT '',
	international BOOLEAN NOT NULL DEFAULT FALSE,
	room          TEXT NOT NULL DEFAULT '',
	track         TEXT NOT NULL DEFAULT '',
	chairs        TEXT NOT NULL DEFAULT '',
	starts_at     TIMESTAMP NOT NULL,
	ends_at       TIMESTAMP NOT NULL,
	capacity      INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
	confirmed     INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0),
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX activity_sessions_activity ON activity_sessions(activity_id, starts_at);

CREATE TABLE activity_breaks (
	id          INTEGER PRIMARY KEY,
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	title_zh    TEXT NOT NULL DEFAULT '',
	title_en    TEXT NOT NULL DEFAULT '',
	starts_at   TIMESTAMP NOT NULL,
	ends_at     TIMESTAMP NOT NULL,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX activity_breaks_activity ON activity_breaks(activity_id, starts_at);

CREATE TABLE activity_contributions (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES activity_sessions(id),
	position   INTEGER NOT NULL,
	title      TEXT NOT NULL,
	speakers   TEXT NOT NULL DEFAULT '',
	paper      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX activity_contributions_session ON activity_contributions(session_id, position);

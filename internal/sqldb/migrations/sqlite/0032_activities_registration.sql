-- Registration and check-in. An activity's capacity and its count of
-- confirmed places live on its row: taking a place is one conditional
-- UPDATE of that row (confirmed < capacity), so concurrent registrations
-- for one activity queue on its row only and never overbook, and
-- registrations for other activities do not wait. capacity 0: no limit.
ALTER TABLE activities ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0);
ALTER TABLE activities ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0);
ALTER TABLE activities ADD COLUMN approval BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE activities ADD COLUMN reg_opens TIMESTAMP;
ALTER TABLE activities ADD COLUMN reg_closes TIMESTAMP;

CREATE TABLE activity_registrations (
	id            INTEGER PRIMARY KEY,
	activity_id   INTEGER NOT NULL REFERENCES activities(id),
	session_id    INTEGER REFERENCES activity_sessions(id),
	reference     TEXT NOT NULL UNIQUE,
	token         TEXT NOT NULL UNIQUE,
	status        TEXT NOT NULL CHECK (status = 'pending' OR status = 'confirmed' OR status = 'waitlisted'
		OR status = 'cancelled' OR status = 'rejected'),
	membership_id INTEGER REFERENCES memberships(id),
	name          TEXT NOT NULL,
	employer      TEXT NOT NULL DEFAULT '',
	country       TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	lang          TEXT NOT NULL DEFAULT 'zh-Hans',
	created_by    INTEGER,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX activity_registrations_queue ON activity_registrations(activity_id, status, id);
CREATE UNIQUE INDEX activity_registrations_member ON activity_registrations(activity_id, membership_id)
	WHERE membership_id IS NOT NULL AND status <> 'cancelled' AND status <> 'rejected';

CREATE TABLE activity_checkin_lists (
	id          INTEGER PRIMARY KEY,
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	name        TEXT NOT NULL,
	policy      TEXT NOT NULL CHECK (policy = 'once' OR policy = 'once_daily' OR policy = 'multiple'),
	session_id  INTEGER REFERENCES activity_sessions(id),
	day         TEXT NOT NULL DEFAULT '',
	UNIQUE (activity_id, name)
);

-- Every scan, in order: result checked_in or duplicate. slot makes the
-- list's policy a unique key: '' under once, the Beijing day under
-- once_daily, the scan's own key under multiple.
CREATE TABLE activity_checkins (
	id              INTEGER PRIMARY KEY,
	list_id         INTEGER NOT NULL REFERENCES activity_checkin_lists(id),
	registration_id INTEGER NOT NULL REFERENCES activity_registrations(id),
	result          TEXT NOT NULL CHECK (result = 'checked_in' OR result = 'duplicate'),
	slot            TEXT NOT NULL,
	at              TIMESTAMP NOT NULL,
	nonce           TEXT NOT NULL DEFAULT '',
	offline         BOOLEAN NOT NULL DEFAULT FALSE,
	scanned_by      INTEGER,
	scanned_by_name TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX activity_checkins_once ON activity_checkins(list_id, registration_id, slot) WHERE result = 'checked_in';
CREATE UNIQUE INDEX activity_checkins_nonce ON activity_checkins(list_id, nonce) WHERE nonce <> '';
CREATE INDEX activity_checkins_registration ON activity_checkins(registration_id);

-- Anonymous counts of people reached (mass popularisation events): a count
-- with the method it was made by.
CREATE TABLE activity_headcounts (
	id          INTEGER PRIMARY KEY,
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	people      INTEGER NOT NULL CHECK (people >= 0),
	method      TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX activity_headcounts_activity ON activity_headcounts(activity_id);

-- Elections by secret ballot. Who has voted (election_voters) and what the
-- ballots say (ballots) are kept apart: neither has a timestamp, a ballot
-- carries no voter and a random identifier, and the ballots are re-written
-- in random order when the count closes, so neither storage order nor the
-- writing transaction links a voter to a ballot. The receipt code is the
-- voter's only handle on their ballot, shown to them once.
CREATE TABLE elections (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id),
	title      TEXT NOT NULL,
	seats      INTEGER NOT NULL CHECK (seats > 0),
	rule       TEXT NOT NULL,
	state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	issued     INTEGER NOT NULL DEFAULT 0,
	voters     INTEGER NOT NULL DEFAULT 0,
	cast_n     INTEGER NOT NULL DEFAULT 0,
	valid      INTEGER NOT NULL DEFAULT 0,
	invalid    INTEGER NOT NULL DEFAULT 0,
	required   INTEGER NOT NULL DEFAULT 0,
	runoff_seats INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE election_candidates (
	election_id INTEGER NOT NULL REFERENCES elections(id),
	person_id   INTEGER NOT NULL REFERENCES people(id),
	votes       INTEGER NOT NULL DEFAULT 0,
	outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'elected', 'runoff', 'not_elected')),
	PRIMARY KEY (election_id, person_id)
);

CREATE TABLE election_voters (
	election_id INTEGER NOT NULL REFERENCES elections(id),
	seat_id     INTEGER NOT NULL REFERENCES seats(id),
	PRIMARY KEY (election_id, seat_id)
) WITHOUT ROWID;

CREATE TABLE ballots (
	election_id INTEGER NOT NULL REFERENCES elections(id),
	ballot_id   TEXT NOT NULL,
	receipt     TEXT NOT NULL,
	choices     TEXT NOT NULL,
	PRIMARY KEY (election_id, ballot_id)
) WITHOUT ROWID;

-- governance: the seats recused from a motion — holders in conflict with
-- what it decides (an award panel's member and a nomination). They do not
-- vote on it, and its quorum is measured without them.
CREATE TABLE motion_recusals (
	motion_id INTEGER NOT NULL REFERENCES motions(id),
	seat_id   INTEGER NOT NULL REFERENCES seats(id),
	PRIMARY KEY (motion_id, seat_id)
);

-- Dues payments and participation records of memberships; the lapse rule
-- reads the latest of each (kept on memberships.last_dues_paid and
-- last_activity in the same transaction as every record).
CREATE TABLE dues_payments (
	id            INTEGER PRIMARY KEY,
	membership_id INTEGER NOT NULL REFERENCES memberships(id),
	paid_on       TEXT NOT NULL,
	amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
	period        TEXT NOT NULL DEFAULT '',
	receipt_no    TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX dues_payments_membership ON dues_payments(membership_id, paid_on);

CREATE TABLE participations (
	id            INTEGER PRIMARY KEY,
	membership_id INTEGER NOT NULL REFERENCES memberships(id),
	happened      TEXT NOT NULL,
	what          TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX participations_membership ON participations(membership_id, happened);

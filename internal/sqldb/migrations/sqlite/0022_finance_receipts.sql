-- Receipts of the books: a dues receipt for each dues payment recorded in
-- membership, a donation receipt (捐赠票据) for each donation. Each is
-- numbered in its series per organisation and year without gaps: the
-- number is taken from ledger_receipt_series in the transaction that
-- writes the receipt and posts its entry, under the ledger's lock, so a
-- failed write gives its number back. A receipt is never deleted; a
-- voided one keeps its number and says so, and its entry is reversed.
CREATE TABLE ledger_receipt_series (
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	series TEXT NOT NULL CHECK (series = 'dues' OR series = 'donation'),
	year   INTEGER NOT NULL,
	last   INTEGER NOT NULL,
	PRIMARY KEY (org_id, series, year)
);

CREATE TABLE ledger_receipts (
	id            INTEGER PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES orgs(id),
	series        TEXT NOT NULL CHECK (series = 'dues' OR series = 'donation'),
	year          INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	number        TEXT NOT NULL,
	date          TEXT NOT NULL,
	payer         TEXT NOT NULL,
	amount        INTEGER NOT NULL CHECK (amount > 0),
	method        TEXT NOT NULL CHECK (method = 'bank' OR method = 'cash'),
	fund_id       INTEGER REFERENCES ledger_funds(id),
	purpose       TEXT NOT NULL DEFAULT '',
	membership_id INTEGER REFERENCES memberships(id),
	entry_id      INTEGER NOT NULL REFERENCES ledger_entries(id),
	status        TEXT NOT NULL CHECK (status = 'issued' OR status = 'voided'),
	void_reason   TEXT NOT NULL DEFAULT '',
	void_entry_id INTEGER REFERENCES ledger_entries(id),
	voided_by     TEXT NOT NULL DEFAULT '',
	voided_at     TIMESTAMP,
	issued_by     TEXT NOT NULL,
	issued_at     TIMESTAMP NOT NULL,
	UNIQUE (org_id, series, year, seq),
	UNIQUE (org_id, number)
);
CREATE INDEX ledger_receipts_org ON ledger_receipts(org_id, date);

CREATE TRIGGER ledger_receipts_no_update BEFORE UPDATE ON ledger_receipts WHEN OLD.status <> 'issued'
BEGIN
	SELECT RAISE(ABORT, 'ledger_receipts is append-only');
END;
CREATE TRIGGER ledger_receipts_no_delete BEFORE DELETE ON ledger_receipts
BEGIN
	SELECT RAISE(ABORT, 'ledger_receipts is append-only');
END;
CREATE TRIGGER ledger_receipt_series_no_delete BEFORE DELETE ON ledger_receipt_series
BEGIN
	SELECT RAISE(ABORT, 'ledger_receipt_series is append-only');
END;

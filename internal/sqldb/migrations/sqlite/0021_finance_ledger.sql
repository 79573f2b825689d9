-- The books of each organisation (China's accounting system for non-profit
-- organisations, 民间非营利组织会计制度): a ledger per organisation, its
-- sub-accounts under the default chart (the chart itself is code, never
-- stored nor changed), its funds (special accounts), the journal and the
-- balances kept per month. Nothing posted is edited or deleted: a
-- correction is a reversing entry. A pending entry (recorded, awaiting a
-- second person's approval) changes once, to posted or rejected.
CREATE TABLE ledgers (
	org_id         INTEGER PRIMARY KEY REFERENCES orgs(id),
	seq            INTEGER NOT NULL DEFAULT 0,
	head_hash      TEXT NOT NULL DEFAULT '',
	closed_through TEXT NOT NULL DEFAULT '',
	closed_year    INTEGER NOT NULL DEFAULT 0,
	created_at     TIMESTAMP NOT NULL
);

CREATE TABLE ledger_accounts (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	code       TEXT NOT NULL,
	parent     TEXT NOT NULL,
	name_zh    TEXT NOT NULL,
	name_en    TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (org_id, code)
);

CREATE TABLE ledger_funds (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	code        TEXT NOT NULL,
	provider    TEXT NOT NULL DEFAULT '',
	purpose     TEXT NOT NULL DEFAULT '',
	accounts    TEXT NOT NULL DEFAULT '',
	not_before  TEXT NOT NULL DEFAULT '',
	not_after   TEXT NOT NULL DEFAULT '',
	restriction TEXT NOT NULL CHECK (restriction = 'provider' OR restriction = 'law' OR restriction = 'designation'),
	created_by  TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	UNIQUE (org_id, code)
);

CREATE TABLE ledger_entries (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES orgs(id),
	date           TEXT NOT NULL,
	reference      TEXT NOT NULL DEFAULT '',
	memo           TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL CHECK (kind = 'manual' OR kind = 'import' OR kind = 'receipt' OR kind = 'release' OR kind = 'closing' OR kind = 'reversal'),
	status         TEXT NOT NULL CHECK (status = 'pending' OR status = 'posted' OR status = 'rejected'),
	idem_key       TEXT,
	reverses_id    INTEGER REFERENCES ledger_entries(id),
	cause_id       INTEGER REFERENCES ledger_entries(id),
	draft          TEXT NOT NULL DEFAULT '',
	total          INTEGER NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_by_id INTEGER NOT NULL DEFAULT 0,
	recorded_at    TIMESTAMP NOT NULL,
	decided_by     TEXT NOT NULL DEFAULT '',
	decided_by_id  INTEGER NOT NULL DEFAULT 0,
	decided_at     TIMESTAMP,
	decision_note  TEXT NOT NULL DEFAULT '',
	seq            INTEGER,
	prev_hash      TEXT NOT NULL DEFAULT '',
	hash           TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX ledger_entries_key ON ledger_entries(org_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE UNIQUE INDEX ledger_entries_reverses ON ledger_entries(reverses_id) WHERE reverses_id IS NOT NULL AND status <> 'rejected';
CREATE UNIQUE INDEX ledger_entries_seq ON ledger_entries(org_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX ledger_entries_org ON ledger_entries(org_id, status, date);
CREATE INDEX ledger_entries_cause ON ledger_entries(cause_id) WHERE cause_id IS NOT NULL;

CREATE TABLE ledger_lines (
	id           INTEGER PRIMARY KEY,
	entry_id     INTEGER NOT NULL REFERENCES ledger_entries(id),
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	line_no      INTEGER NOT NULL,
	date         TEXT NOT NULL,
	account      TEXT NOT NULL,
	fund_id      INTEGER REFERENCES ledger_funds(id),
	debit        INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
	credit       INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
	counterparty TEXT NOT NULL DEFAULT '',
	CHECK (debit = 0 OR credit = 0)
);
CREATE INDEX ledger_lines_entry ON ledger_lines(entry_id, line_no);
CREATE INDEX ledger_lines_date ON ledger_lines(org_id, date);

-- Balances per month, account, fund (0: none) and whether the lines are
-- of closing entries (kept apart so statements of activities leave them
-- out): updated with every posting, checked by "kexie ledger verify".
CREATE TABLE ledger_balances (
	org_id  INTEGER NOT NULL REFERENCES orgs(id),
	month   TEXT NOT NULL,
	account TEXT NOT NULL,
	fund_id INTEGER NOT NULL,
	closing INTEGER NOT NULL,
	debit   INTEGER NOT NULL,
	credit  INTEGER NOT NULL,
	PRIMARY KEY (org_id, month, account, fund_id, closing)
);

CREATE TRIGGER ledger_accounts_no_update BEFORE UPDATE ON ledger_accounts
BEGIN
	SELECT RAISE(ABORT, 'ledger_accounts is append-only');
END;
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
BEGIN
	SELECT RAISE(ABORT, 'ledger_accounts is append-only');
END;
CREATE TRIGGER ledger_funds_no_update BEFORE UPDATE ON ledger_funds
BEGIN
	SELECT RAISE(ABORT, 'ledger_funds is append-only');
END;
CREATE TRIGGER ledger_funds_no_delete BEFORE DELETE ON ledger_funds
BEGIN
	SELECT RAISE(ABORT, 'ledger_funds is append-only');
END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries WHEN OLD.status <> 'pending'
BEGIN
	SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
	SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
CREATE TRIGGER ledger_lines_no_update BEFORE UPDATE ON ledger_lines
BEGIN
	SELECT RAISE(ABORT, 'ledger_lines is append-only');
END;
CREATE TRIGGER ledger_lines_no_delete BEFORE DELETE ON ledger_lines
BEGIN
	SELECT RAISE(ABORT, 'ledger_lines is append-only');
END;

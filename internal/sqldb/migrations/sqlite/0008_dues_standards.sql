-- Dues standards: what a member of each type owes an organisation per
-- period, from an effective date. Nothing is edited or deleted: a change is
-- a new row with a later effective date, and the standard in force on a day
-- is the row of that type with the latest effective_from on or before it.
CREATE TABLE dues_standards (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES orgs(id),
	member_type    TEXT NOT NULL CHECK (member_type IN ('individual', 'student', 'foreign', 'unit', 'honorary')),
	amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
	period         TEXT NOT NULL DEFAULT 'year' CHECK (period IN ('year', 'half_year', 'quarter', 'month')),
	effective_from TEXT NOT NULL,
	set_by         TEXT NOT NULL,
	note           TEXT NOT NULL DEFAULT '',
	created_at     TIMESTAMP NOT NULL,
	UNIQUE (org_id, member_type, effective_from)
);

CREATE TRIGGER dues_standards_no_update BEFORE UPDATE ON dues_standards
BEGIN
	SELECT RAISE(ABORT, 'dues_standards is append-only');
END;
CREATE TRIGGER dues_standards_no_delete BEFORE DELETE ON dues_standards
BEGIN
	SELECT RAISE(ABORT, 'dues_standards is append-only');
END;

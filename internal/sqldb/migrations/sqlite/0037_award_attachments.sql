-- Awards: a nomination's attachments, PDF files of limited size, kept as
-- base64 text (as an objection's letter is).
CREATE TABLE award_attachments (
	id            INTEGER PRIMARY KEY,
	nomination_id INTEGER NOT NULL REFERENCES award_nominations(id),
	name          TEXT NOT NULL,
	size          INTEGER NOT NULL,
	content       TEXT NOT NULL,
	created_by    INTEGER,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX award_attachments_nomination ON award_attachments(nomination_id);

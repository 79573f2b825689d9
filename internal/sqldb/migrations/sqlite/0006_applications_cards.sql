-- Applications and cards. An application is a membership in status
-- applicant moving through stages; approval assigns the number and issues
-- the card, whose token the QR code carries to the public verification page.
ALTER TABLE memberships ADD COLUMN app_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN app_note TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN approval_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN card_token TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN card_issued TEXT NOT NULL DEFAULT '';
CREATE INDEX memberships_card ON memberships(card_token);
CREATE INDEX memberships_stage ON memberships(org_id, app_stage);

-- Foreign members, once approved, are reported to the national association
-- for filing.
CREATE TABLE member_filings (
	id              INTEGER PRIMARY KEY,
	membership_id   INTEGER NOT NULL REFERENCES memberships(id),
	to_org_id       INTEGER NOT NULL REFERENCES orgs(id),
	created_at      TIMESTAMP NOT NULL,
	acknowledged_at TIMESTAMP,
	acknowledged_by INTEGER REFERENCES users(id)
);
CREATE INDEX member_filings_to ON member_filings(to_org_id, acknowledged_at);

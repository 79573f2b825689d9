-- membership: a unit member's own fields. A unit (an enterprise, an
-- institute) has a unified social credit code (GB 32100, public, kept in
-- the clear: it is not a person's identity document) and a contact
-- person, and none of a person's fields.
ALTER TABLE people ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN contact_person TEXT NOT NULL DEFAULT '';

-- A member's own account: a user linked to a holder sees that holder's
-- memberships and nothing else.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES people(id);

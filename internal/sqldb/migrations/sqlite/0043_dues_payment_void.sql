-- A dues payment whose receipt the books void stays on record, marked
-- void: the lapse rule and the member's page count only the payments that
-- stand (memberships.last_dues_paid is set back in the same transaction).
ALTER TABLE dues_payments ADD COLUMN voided_at TIMESTAMP;

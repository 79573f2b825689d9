-- Roll-ups without a join: each closure row carries what the roll-up needs
-- of its descendant (kind, status, independence), kept in step in the same
-- transaction as every insert, move and change of those fields. A covering
-- index on (ancestor, kind, …) then answers "the subtree below X by kind"
-- from the index alone.
ALTER TABLE org_closure ADD COLUMN d_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE org_closure ADD COLUMN d_status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE org_closure ADD COLUMN d_independent BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE org_closure SET
	d_kind = (SELECT kind FROM orgs WHERE orgs.id = org_closure.descendant_id),
	d_status = (SELECT status FROM orgs WHERE orgs.id = org_closure.descendant_id),
	d_independent = (SELECT independent FROM orgs WHERE orgs.id = org_closure.descendant_id);
CREATE INDEX org_closure_rollup ON org_closure(ancestor_id, d_kind, depth, d_status, d_independent);

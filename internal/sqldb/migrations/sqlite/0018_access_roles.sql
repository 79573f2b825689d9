-- access: the roles that finance, awards, publications and statistics need
-- (treasurer, accountant, award secretary, reviewer, editor, statistician,
-- member) join the four there were. The role's CHECK is written as
-- comparisons joined by OR (an IN list makes SQLite build a temporary
-- B-tree per row written). SQLite cannot change a CHECK: the table is
-- rebuilt with the same columns, keys and index. No table refers to
-- role_grants, so foreign keys stay on.
CREATE TABLE role_grants_new (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	role       TEXT NOT NULL CHECK (role = 'sysadmin' OR role = 'org_admin' OR role = 'staff' OR role = 'treasurer'
		OR role = 'accountant' OR role = 'award_secretary' OR role = 'reviewer' OR role = 'editor'
		OR role = 'statistician' OR role = 'auditor' OR role = 'member'),
	created_at TIMESTAMP NOT NULL,
	UNIQUE (user_id, org_id, role)
);
INSERT INTO role_grants_new (id, user_id, org_id, role, created_at) SELECT id, user_id, org_id, role, created_at FROM role_grants;
DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
CREATE INDEX role_grants_org ON role_grants(org_id);

-- access: the roles that finance, awards, publications and statistics need
-- (treasurer, accountant, award secretary, reviewer, editor, statistician,
-- member) join the four there were.
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check CHECK (role IN ('sysadmin', 'org_admin', 'staff', 'treasurer',
	'accountant', 'award_secretary', 'reviewer', 'editor', 'statistician', 'auditor', 'member'));

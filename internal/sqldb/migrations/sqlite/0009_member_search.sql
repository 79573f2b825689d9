-- Member search by prefix through indexes instead of a scan: search_key
-- becomes one term, the run-together pinyin (as given, else converted from
-- the name), beside the new initials; employers and member numbers get
-- indexes of their own. Existing rows: search_key held "pinyin initials …".
ALTER TABLE people ADD COLUMN initials TEXT NOT NULL DEFAULT '';
UPDATE people SET
	initials = CASE WHEN instr(search_key, ' ') = 0 THEN ''
		WHEN instr(substr(search_key, instr(search_key, ' ') + 1), ' ') = 0 THEN substr(search_key, instr(search_key, ' ') + 1)
		ELSE substr(substr(search_key, instr(search_key, ' ') + 1), 1, instr(substr(search_key, instr(search_key, ' ') + 1), ' ') - 1) END,
	search_key = CASE WHEN instr(search_key, ' ') = 0 THEN search_key ELSE substr(search_key, 1, instr(search_key, ' ') - 1) END;
CREATE INDEX people_initials ON people(initials);
CREATE INDEX people_employer ON people(employer);
CREATE INDEX memberships_no ON memberships(member_no);

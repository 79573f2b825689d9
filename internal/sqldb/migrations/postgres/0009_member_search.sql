-- Member search by prefix through indexes instead of a scan: search_key
-- becomes one term, the run-together pinyin (as given, else converted from
-- the name), beside the new initials; employers and member numbers get
-- indexes of their own. Existing rows: search_key held "pinyin initials …".
-- The searched columns compare by code point (COLLATE "C"), as SQLite's
-- BINARY does, so a prefix is a range of the index whatever the database's
-- locale.
ALTER TABLE people ADD COLUMN initials TEXT NOT NULL DEFAULT '';
UPDATE people SET initials = split_part(search_key, ' ', 2), search_key = split_part(search_key, ' ', 1);
ALTER TABLE people ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN search_key TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN initials TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN employer TYPE TEXT COLLATE "C";
ALTER TABLE memberships ALTER COLUMN member_no TYPE TEXT COLLATE "C";
CREATE INDEX people_initials ON people(initials);
CREATE INDEX people_employer ON people(employer);
CREATE INDEX memberships_no ON memberships(member_no);

-- settings.key NOT NULL, as on PostgreSQL. SQLite lets a PRIMARY KEY column
-- other than an INTEGER rowid alias hold NULL (kept for compatibility with
-- old versions, as its documentation says), so "key TEXT PRIMARY KEY" took
-- NULL keys, any number of them, where PostgreSQL's primary key refuses
-- them (found by TestSchemaParity). SQLite cannot add NOT NULL to a
-- column: the table is rebuilt. No table refers to settings, so foreign
-- keys stay on. A row with a NULL key is not copied: no query of kexie can
-- read it ("key = $1" never matches NULL) and PostgreSQL could not hold it.
CREATE TABLE settings_new (
	key   TEXT NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
);
INSERT INTO settings_new (key, value) SELECT key, value FROM settings WHERE key IS NOT NULL;
DROP TABLE settings;
ALTER TABLE settings_new RENAME TO settings;

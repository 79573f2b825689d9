-- Members: a member file previewed on the web, kept until its preview is
-- confirmed (once) or expires, so that the user does not choose the file
-- again. The file carries identity numbers in clear, so its content and
-- name are sealed under the data key; the token that names it is stored
-- only as its hash; user_id binds it to the user who uploaded it.
CREATE TABLE member_import_stash (
	token_hash TEXT NOT NULL PRIMARY KEY,
	user_id    INTEGER NOT NULL,
	digest     TEXT NOT NULL,
	file_name  TEXT NOT NULL,
	content    TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX member_import_stash_expires ON member_import_stash(expires_at);

-- kexie foundation schema, SQLite dialect. The PostgreSQL file of the same
-- number has the same tables and columns; only types and trigger syntax differ.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE orgs (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	parent_id  INTEGER REFERENCES orgs(id),
	kind       TEXT NOT NULL,
	name_zh    TEXT NOT NULL,
	name_en    TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);

-- Closure table: one row per (ancestor, descendant) pair, depth 0 for an
-- organisation and itself. Written in the same transaction as every insert
-- and move, so subtree checks are indexed joins.
CREATE TABLE org_closure (
	ancestor_id   INTEGER NOT NULL REFERENCES orgs(id),
	descendant_id INTEGER NOT NULL REFERENCES orgs(id),
	depth         INTEGER NOT NULL,
	PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX org_closure_descendant ON org_closure(descendant_id, ancestor_id);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	username             TEXT NOT NULL UNIQUE,
	display_name         TEXT NOT NULL DEFAULT '',
	email                TEXT NOT NULL DEFAULT '',
	password_hash        TEXT NOT NULL,
	lang                 TEXT NOT NULL DEFAULT '',
	must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
	disabled_at          TIMESTAMP,
	created_at           TIMESTAMP NOT NULL,
	updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE role_grants (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	role       TEXT NOT NULL CHECK (role IN ('sysadmin', 'org_admin', 'staff', 'auditor')),
	created_at TIMESTAMP NOT NULL,
	UNIQUE (user_id, org_id, role)
);
CREATE INDEX role_grants_org ON role_grants(org_id);

CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	user_id      INTEGER NOT NULL REFERENCES users(id),
	created_at   TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	source       TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id),
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	expires_at   TIMESTAMP,
	revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The head of the audit hash chain. Appending updates this one row first,
-- which serialises appends (PostgreSQL locks the row until commit; SQLite has
-- one writer anyway), so the chain never forks.
CREATE TABLE audit_head (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	seq       INTEGER NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
	seq          INTEGER PRIMARY KEY,
	at           TIMESTAMP NOT NULL,
	actor_id     INTEGER NOT NULL DEFAULT 0,
	actor        TEXT NOT NULL,
	source       TEXT NOT NULL,
	action       TEXT NOT NULL,
	object_type  TEXT NOT NULL,
	object_id    TEXT NOT NULL,
	org_id       INTEGER NOT NULL DEFAULT 0,
	before_state TEXT NOT NULL,
	after_state  TEXT NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_org ON audit_log(org_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

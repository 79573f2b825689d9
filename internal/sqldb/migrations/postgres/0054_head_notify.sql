-- Every audited change moves the audit head in its transaction; the head's
-- update now also notifies "kexie_head:<schema>" (the schema of the head, so
-- that installations sharing a database in schemas of their own do not hear
-- each other), which PostgreSQL delivers when the transaction commits (once
-- per transaction, however many rows it audits).
-- A server listening on the channel knows, without a round trip per
-- request, whether what it read before may still be shown (who asks, with
-- their grants; a rendered page): see sqldb's Generation.
CREATE FUNCTION audit_head_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('kexie_head:' || TG_TABLE_SCHEMA, '');
	RETURN NULL;
END $$;
CREATE TRIGGER audit_head_moved AFTER UPDATE ON audit_head
	FOR EACH STATEMENT EXECUTE FUNCTION audit_head_notify();

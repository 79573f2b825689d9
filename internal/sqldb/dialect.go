package sqldb

import (
	"fmt"
	"net/url"
	"strings"
)

// This file is the one place where SQLite and PostgreSQL differ in code.
// Queries elsewhere are one text for both: $n placeholders (modernc binds
// them), RETURNING, ON CONFLICT, WITH RECURSIVE, TRUE/FALSE. The schema files
// under migrations/ differ only in column types and trigger syntax.

// Dialect names a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// sqliteDSN returns the modernc DSN for a database file. The writer uses an
// immediate transaction lock so that a transaction that starts by reading
// never fails to upgrade to a write lock; readers are query-only.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "FULL")
	// One fixed, sortable text format for every stored time (UTC is enforced
	// by the callers), so comparisons in SQL are ordered correctly.
	q.Set("_time_format", "sqlite")
	if writer {
		// A new file gets 16 KiB pages (an existing one keeps its own):
		// a bulk load of a million members sorted its indexes a fifth
		// faster; larger pages gained nothing and slowed searches
		// (docs/operations.md). Applied before WAL is turned on, as it
		// must be.
		q.Add("_pragma", "page_size(16384)")
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// DialectOf tells which engine a DSN names: postgres:// and postgresql://
// URLs and key=value strings go to PostgreSQL, anything else is a SQLite path.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || strings.Contains(dsn, "host=") {
		return Postgres
	}
	return SQLite
}

// backupSQL is the statement that writes a consistent copy of a live
// database to a file, where the engine has one.
func backupSQL(d Dialect) (string, error) {
	if d == SQLite {
		return "VACUUM INTO $1", nil
	}
	return "", fmt.Errorf("online backup of PostgreSQL: use pg_dump (for example: pg_dump --format=custom --file=kexie.dump \"$KEXIE_DSN\")")
}

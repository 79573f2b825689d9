package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// RawExec runs a statement outside every use case, for tests that tamper
// with data the way an attacker with database access would.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := db.Writer().ExecContext(ctx, q, args...)
	return sqldb.MapErr(err)
}

// ClosureMismatch recomputes the closure table from the parent links and
// returns the first difference, or "" when the stored table is exact.
func (db *DB) ClosureMismatch(ctx context.Context) (string, error) {
	parent := map[int64]int64{}
	rows, err := db.Reader().QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0) FROM orgs`)
	if err != nil {
		return "", err
	}
	for rows.Next() {
		var id, p int64
		if err := rows.Scan(&id, &p); err != nil {
			return "", err
		}
		parent[id] = p
	}
	rows.Close()
	want := map[[2]int64]int{}
	for id := range parent {
		d := 0
		for a := id; a != 0; a = parent[a] {
			want[[2]int64{a, id}] = d
			d++
		}
	}
	got := map[[2]int64]int{}
	rows, err = db.Reader().QueryContext(ctx, `SELECT ancestor_id, descendant_id, depth FROM org_closure`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var a, d int64
		var depth int
		if err := rows.Scan(&a, &d, &depth); err != nil {
			return "", err
		}
		got[[2]int64{a, d}] = depth
	}
	// The descendant's attributes copied onto each closure row match too.
	var stale int
	if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closure c JOIN orgs o ON o.id = c.descendant_id
		WHERE c.d_kind <> o.kind OR c.d_status <> o.status OR c.d_independent <> o.independent`).Scan(&stale); err != nil {
		return "", err
	}
	if stale > 0 {
		return fmt.Sprintf("%d closure rows carry stale descendant attributes", stale), nil
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			return fmt.Sprintf("closure lacks %v depth %d (has %d, %v)", k, v, g, ok), nil
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			return fmt.Sprintf("closure has stray %v depth %d", k, v), nil
		}
	}
	return "", nil
}

// RawQueryForTest runs a query on the reader pool, for tests that look at
// what is stored (column lists, raw rows).
func (db *DB) RawQueryForTest(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.Reader().QueryContext(ctx, q, args...)
}

// VotersForTest creates one account per person, linked to it, in one
// transaction and without hashing a password for each (benchmarks cast
// thousands of ballots with API tokens; nobody signs in with these).
func (db *DB) VotersForTest(ctx context.Context, personIDs []int64) ([]int64, error) {
	var ids []int64
	err := db.Write(ctx, kexie.Actor{Username: "bench", Source: "test", System: true}, func(tx *sqldb.Tx) error {
		for i, p := range personIDs {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, must_change_password, created_at, updated_at, person_id)
				VALUES ($1, $1, '', 'not-a-hash', FALSE, $2, $2, $3) RETURNING id`, fmt.Sprintf("voter%05d", i), tx.Now(), p).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// BulkLoadForTest runs a first load's set-up on the member tables, lets
// load write rows through the load's connection, and ends it as an import
// does (indexes, constraints and deferred foreign-key checks), rolled back.
// It reports whether the load ran as a replica (foreign keys to other
// tables checked once at the end) and how the end went.
func (db *DB) BulkLoadForTest(ctx context.Context, load func(exec func(q string, args ...any) error) error) (replica bool, err error) {
	err = db.BulkWrite(ctx, kexie.Actor{Username: "test", Source: "cli", System: true}, true, func(tx *sqldb.Tx) error {
		d, err := sqldb.DeferIndexes(ctx, tx, "people", "memberships", "membership_events")
		if err != nil {
			return err
		}
		replica = d.Replica()
		if err := load(func(q string, args ...any) error { _, err := tx.ExecContext(ctx, q, args...); return err }); err != nil {
			return err
		}
		return d.Restore(ctx)
	})
	return replica, err
}

// WriterInUse is how many writer connections are checked out of the pool.
func (db *DB) WriterInUse() int { return db.Writer().Stats().InUse }

// MemberNumbersForTest returns each holder's name with their member number,
// and each organisation's counter (the next sequence number), by code.
func (db *DB) MemberNumbersForTest(ctx context.Context) (map[string]string, map[string]int64, error) {
	names := map[string]string{}
	rows, err := db.Writer().QueryContext(ctx, `SELECT p.name, m.member_no FROM memberships m JOIN people p ON p.id = m.person_id`)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var n, no string
		if err := rows.Scan(&n, &no); err != nil {
			rows.Close()
			return nil, nil, err
		}
		names[n] = no
	}
	if err := rows.Close(); err != nil {
		return nil, nil, err
	}
	counters := map[string]int64{}
	rows, err = db.Writer().QueryContext(ctx, `SELECT o.code, c.next_no FROM member_counters c JOIN orgs o ON o.id = c.org_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var n int64
		if err := rows.Scan(&c, &n); err != nil {
			return nil, nil, err
		}
		counters[c] = n
	}
	return names, counters, rows.Err()
}

// MigrateToForTest applies the pending migrations up to version last.
func (db *DB) MigrateToForTest(ctx context.Context, last int) error {
	_, err := db.MigrateTo(ctx, last)
	return err
}

// ApplyMigrationForTest runs a migration text as the runner does.
func (db *DB) ApplyMigrationForTest(ctx context.Context, version int, text string) error {
	return db.ApplyMigration(ctx, sqldb.Migration{Version: version, Name: "test"}, text, db.Now())
}

// WriterPragma reads a setting of the writer connection.
func (db *DB) WriterPragma(ctx context.Context, name string) (string, error) {
	var v string
	err := db.Writer().QueryRowContext(ctx, `PRAGMA `+name).Scan(&v)
	return v, err
}

// Snapshot is every row of the given tables, a line each, for a test that
// compares what a call left with what was there before (Diff).
func (db *DB) Snapshot(t testing.TB, tables ...string) string {
	t.Helper()
	var sb strings.Builder
	for _, table := range tables {
		rows, err := db.Reader().QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY 1`)
		Must(t, err)
		cols, err := rows.Columns()
		Must(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			Must(t, rows.Scan(ptrs...))
			fmt.Fprintf(&sb, "%s:", table)
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&sb, " %v", v)
			}
			sb.WriteByte('\n')
		}
		Must(t, rows.Err())
		rows.Close()
	}
	return sb.String()
}

// Diff lists the lines of after that were not in before ("+ "), and the
// other way round ("- ").
func Diff(before, after string) string {
	was, is := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(before, "\n") {
		was[l] = true
	}
	var out []string
	for _, l := range strings.Split(after, "\n") {
		is[l] = true
		if !was[l] {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range strings.Split(before, "\n") {
		if !is[l] {
			out = append(out, "- "+l)
		}
	}
	return strings.Join(out, "\n")
}

package sqldb_test

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		again, err := db.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v, %v", again, err)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil || len(st) == 0 {
			t.Fatal(st, err)
		}
		for _, m := range st {
			if m.AppliedAt == nil {
				t.Errorf("migration %d not applied", m.Version)
			}
		}
	})
}

// Migration 16 rebuilds people and memberships on SQLite (foreign keys off
// while it runs): a register written before it keeps every row and every
// reference, and the rebuilt tables keep their rules — one member number
// per organisation, the CHECKs on gender, type and status — with foreign
// keys back on afterwards.
func TestMemberTablesRebuildKeepsRowsAndRules(t *testing.T) {
	db, err := dbtest.Open(ctx, sqldb.Config{Path: filepath.Join(t.TempDir(), "old.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dbtest.Must(t, db.MigrateToForTest(ctx, 15))
	_, a, _, b := dbtest.Tree(t, db)
	const stamp = `'2026-01-01 00:00:00+00:00'`
	for _, q := range []string{
		`INSERT INTO people (id, name, gender, id_hash, employer, initials, created_at, updated_at) VALUES
			(1, '王芳', 'female', 'h1', '哈尔滨工业大学', 'wf', ` + stamp + `, ` + stamp + `), (2, '李伟', 'male', '', '', 'lw', ` + stamp + `, ` + stamp + `)`,
		fmt.Sprintf(`INSERT INTO memberships (id, org_id, person_id, member_no, type, status, joined, card_token, app_stage, created_at, updated_at) VALUES
			(10, %d, 1, 'A-1', 'individual', 'active', '2020-01-01', 'tok', '', %s, %s),
			(11, %d, 2, 'B-1', 'student', 'applicant', '', '', 'submitted', %s, %s)`, a.ID, stamp, stamp, b.ID, stamp, stamp),
		`INSERT INTO membership_events (membership_id, status, happened, actor, created_at) VALUES (10, 'active', '2020-01-01', 't', ` + stamp + `)`,
		`INSERT INTO dues_payments (membership_id, paid_on, amount_fen, created_at) VALUES (10, '2025-01-01', 5000, ` + stamp + `)`,
		`INSERT INTO participations (membership_id, happened, what, created_at) VALUES (10, '2025-02-01', 'meeting', ` + stamp + `)`,
	} {
		dbtest.Must(t, db.RawExec(ctx, q))
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		rows, err := db.RawQueryForTest(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var n int
		if !rows.Next() {
			t.Fatal(q, rows.Err())
		}
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM people`: 2,
		`SELECT COUNT(*) FROM memberships WHERE id = 10 AND person_id = 1 AND member_no = 'A-1' AND joined = '2020-01-01' AND card_token = 'tok'`: 1,
		`SELECT COUNT(*) FROM memberships WHERE id = 11 AND app_stage = 'submitted'`:                                                              1,
		`SELECT COUNT(*) FROM people WHERE id = 1 AND gender = 'female' AND id_hash = 'h1' AND initials = 'wf'`:                                   1,
		`SELECT COUNT(*) FROM membership_events e JOIN memberships m ON m.id = e.membership_id`:                                                   1,
		`SELECT COUNT(*) FROM dues_payments d JOIN memberships m ON m.id = d.membership_id`:                                                       1,
		`SELECT COUNT(*) FROM participations p JOIN memberships m ON m.id = p.membership_id`:                                                      1,
		`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('memberships_org_no', 'memberships_person',
			'memberships_org_status', 'memberships_no', 'memberships_card', 'memberships_stage', 'people_id_hash', 'people_name',
			'people_search', 'people_initials', 'people_employer')`: 11,
		`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_new' OR name LIKE 'sqlite_autoindex_memberships%'`: 0,
	} {
		if got := count(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	if v, err := db.WriterPragma(ctx, "foreign_keys"); err != nil || v != "1" {
		t.Fatalf("foreign keys after the migration: %q %v", v, err)
	}
	if _, err := db.WriterPragma(ctx, "foreign_key_check"); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("foreign key check after the migration: %v", err)
	}
	for _, bad := range []string{
		fmt.Sprintf(`INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at) VALUES (%d, 2, 'A-1', 'individual', 'active', %s, %s)`, a.ID, stamp, stamp),
		fmt.Sprintf(`INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at) VALUES (%d, 2, 'A-2', 'friend', 'active', %s, %s)`, a.ID, stamp, stamp),
		fmt.Sprintf(`INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at) VALUES (%d, 2, 'A-2', 'individual', 'asleep', %s, %s)`, a.ID, stamp, stamp),
		fmt.Sprintf(`INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at) VALUES (%d, 99, 'A-2', 'individual', 'active', %s, %s)`, a.ID, stamp, stamp),
		`INSERT INTO people (name, gender, created_at, updated_at) VALUES ('张三', 'm', ` + stamp + `, ` + stamp + `)`,
		`DELETE FROM people WHERE id = 1`,
	} {
		if err := db.RawExec(ctx, bad); err == nil {
			t.Errorf("the rebuilt tables took %s", bad)
		}
	}
	// The same member number in another organisation is no duplicate.
	dbtest.Must(t, db.RawExec(ctx, fmt.Sprintf(`INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at)
		VALUES (%d, 2, 'A-1', 'individual', 'active', %s, %s)`, b.ID, stamp, stamp)))

	// A migration that runs with foreign keys off and leaves a reference
	// pointing nowhere is refused whole, and the keys are back on.
	err = db.ApplyMigrationForTest(ctx, 900, "-- kexie:foreign-keys=off\nINSERT INTO participations (membership_id, happened, what, created_at) VALUES (12345, '2025-01-01', 'x', "+stamp+");\nDELETE FROM dues_payments;")
	if err == nil {
		t.Fatal("a migration that broke a foreign key was applied")
	}
	if got := count(`SELECT COUNT(*) FROM participations`) + count(`SELECT COUNT(*) FROM dues_payments`); got != 2 {
		t.Fatalf("the refused migration left %d rows of 2", got)
	}
	if v, err := db.WriterPragma(ctx, "foreign_keys"); err != nil || v != "1" {
		t.Fatalf("foreign keys after a refused migration: %q %v", v, err)
	}
}

// A new SQLite file gets 16 KiB pages, in WAL mode (the page size has to
// be set first: WAL fixes it).
func TestNewSQLiteFileHasLargePages(t *testing.T) {
	db := dbtest.OpenSQLite(t, dbtest.Options{})
	for name, want := range map[string]string{"page_size": "16384", "journal_mode": "wal"} {
		if v, err := db.WriterPragma(ctx, name); err != nil || v != want {
			t.Errorf("%s: %q %v, want %s", name, v, err, want)
		}
	}
}

// Migration 17 rebuilds settings on SQLite with key NOT NULL: the settings
// written before it are kept (a NULL key, which nothing can read, is not),
// and a NULL key is refused afterwards, as on PostgreSQL.
func TestSettingsKeyNotNull(t *testing.T) {
	db, err := dbtest.Open(ctx, sqldb.Config{Path: filepath.Join(t.TempDir(), "old.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dbtest.Must(t, db.MigrateToForTest(ctx, 16))
	dbtest.Must(t, db.RawExec(ctx, `INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '2'), (NULL, 'x'), (NULL, 'y')`))
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := db.RawQueryForTest(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, k+"="+v)
	}
	rows.Close()
	if fmt.Sprint(got) != "[a=1 b=2]" {
		t.Fatalf("settings after the migration: %v", got)
	}
	if err := db.RawExec(ctx, `INSERT INTO settings (key, value) VALUES (NULL, 'z')`); err == nil {
		t.Fatal("settings took a NULL key")
	}
	if err := db.RawExec(ctx, `INSERT INTO settings (key, value) VALUES ('a', 'again')`); err == nil {
		t.Fatal("settings took a duplicate key")
	}
}

// TestIDMasksHideTheNumber: migration 19 rewrites the masks stored before
// it (110105********002X, which with the birth date gave the number away)
// to the region only, on both databases, leaving other documents' alone.
func TestIDMasksHideTheNumber(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  func(t *testing.T) sqldb.Config
	}{
		{"sqlite", func(t *testing.T) sqldb.Config { return sqldb.Config{Path: filepath.Join(t.TempDir(), "old.db")} }},
		{"postgres", func(t *testing.T) sqldb.Config { return sqldb.Config{DSN: dbtest.PostgresSchema(t)} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, err := dbtest.Open(ctx, c.cfg(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			dbtest.Must(t, db.MigrateToForTest(ctx, 18))
			dbtest.Must(t, db.RawExec(ctx, `INSERT INTO people (name, id_type, id_masked, birth_date, created_at, updated_at) VALUES
				('甲', 'resident_id', '110105********002X', '1949-12-31', $1, $1), ('乙', 'passport', '*****6789', '', $1, $1), ('丙', '', '', '', $1, $1)`, db.Now()))
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			rows, err := db.RawQueryForTest(ctx, `SELECT name, id_masked FROM people ORDER BY name`)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var n, m string
				dbtest.Must(t, rows.Scan(&n, &m))
				got = append(got, n+"="+m)
			}
			rows.Close()
			if fmt.Sprint(got) != "[丙= 乙=*****6789 甲=110105************]" {
				t.Fatalf("masks after the migration: %v", got)
			}
		})
	}
}

// TestCodeCollationKeepsStatistics: migration 0056 changes the collation
// of people.id_hash and memberships.status and type on PostgreSQL, which
// drops the columns' statistics; a register that holds members keeps them
// (its look-ups by id_hash stay planned on the index), and the columns
// compare by code point.
func TestCodeCollationKeepsStatistics(t *testing.T) {
	pg := dbtest.PostgresSchema(t)
	db, err := dbtest.Open(ctx, sqldb.Config{DSN: pg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dbtest.Must(t, db.MigrateToForTest(ctx, 55))
	dbtest.Must(t, db.RawExec(ctx, `INSERT INTO orgs (code, name_zh, kind, created_at) VALUES ('X', 'X', 'national', $1)`, db.Now()))
	dbtest.Must(t, db.RawExec(ctx, `INSERT INTO people (name, id_hash, created_at, updated_at)
		SELECT 'p' || g, md5(g::text), $1, $1 FROM generate_series(1, 2000) g`, db.Now()))
	dbtest.Must(t, db.RawExec(ctx, `INSERT INTO memberships (org_id, person_id, member_no, type, status, created_at, updated_at)
		SELECT (SELECT id FROM orgs), id, 'M' || id, 'individual', CASE WHEN id % 10 = 0 THEN 'lapsed' ELSE 'active' END, $1, $1 FROM people`, db.Now()))
	dbtest.Must(t, db.RawExec(ctx, `ANALYZE people, memberships`))
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"people.id_hash", "memberships.status", "memberships.type"} {
		table, column, _ := strings.Cut(col, ".")
		rows, err := db.RawQueryForTest(ctx, `SELECT COALESCE(c.collname, ''), EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = $1 AND s.attname = $2)
			FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation WHERE a.attrelid = $1::regclass AND a.attname = $2`, table, column)
		if err != nil {
			t.Fatal(err)
		}
		var coll string
		var stats bool
		if !rows.Next() {
			t.Fatalf("no column %s", col)
		}
		dbtest.Must(t, rows.Scan(&coll, &stats))
		rows.Close()
		if coll != "C" || !stats {
			t.Errorf("%s: collation %q, statistics %v; want C and kept", col, coll, stats)
		}
	}
}

// Package dbtest opens real databases for tests: a fresh SQLite file
// always, and a fresh PostgreSQL schema when KEXIE_TEST_PG_DSN is set.
// Under CI=true a missing PostgreSQL DSN fails the test instead of skipping.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// DB is a migrated database with every domain over it, each under its own
// name (db.Registry.CreateOrg, db.Access.CreateUser,
// db.Membership.ImportMembers …), so that a test names the domain it calls
// and the fixture is not one type that does everything. The SQL layer's own
// methods (Migrate, Audit, Close …) and dbtest's helpers (RawExec …) stay on
// DB itself. Tests only: the program wires each domain where it is used.
type DB struct {
	*sqldb.DB
	Access     *access.Service
	Registry   *registry.Service
	Membership *membership.Service
	Governance *governance.Service
	Voting     *governance.Voting
	Finance    *finance.Service
	Awards     *awards.Service
	Activities *activities.Service
	// cfg is what it was opened with (Another).
	cfg sqldb.Config
}

// Wrap puts every domain over an open database.
func Wrap(db *sqldb.DB) *DB {
	gov := governance.New(db)
	return &DB{DB: db, Access: access.New(db), Registry: registry.New(db), Membership: membership.New(db), Governance: gov, Voting: governance.NewVoting(gov), Finance: finance.New(db), Awards: awards.New(db),
		Activities: activities.New(db)}
}

// Options tune the opened database.
type Options struct {
	Now func() time.Time
}

// Each runs fn once per available database, as subtests "sqlite" and
// "postgres", each on a freshly migrated, empty database.
func Each(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	EachWith(t, Options{}, fn)
}

// EachWith is Each with options.
func EachWith(t *testing.T, o Options, fn func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t, o)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t, o)) })
}

// OpenSQLite opens a migrated SQLite database in a temporary file.
func OpenSQLite(t testing.TB, o Options) *DB {
	t.Helper()
	return open(t, sqldb.Config{Path: filepath.Join(t.TempDir(), "kexie.db"), Now: o.Now})
}

// PGDSN returns the PostgreSQL DSN for tests, skipping (or, under CI,
// failing) when there is none.
func PGDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("KEXIE_TEST_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but KEXIE_TEST_PG_DSN is not set: the PostgreSQL half of the suite cannot run")
		}
		t.Skip("KEXIE_TEST_PG_DSN not set; PostgreSQL tests skipped")
	}
	return dsn
}

// OpenPostgres opens a migrated database on a PostgreSQL schema of this
// test's own (see PostgresSchema).
func OpenPostgres(t testing.TB, o Options) *DB {
	t.Helper()
	return open(t, sqldb.Config{DSN: PostgresSchema(t), Now: o.Now})
}

// PostgresSchema creates an empty schema for this test, drops it when the
// test ends, and returns a DSN whose search_path is that schema.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	dsn := PGDSN(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return WithSearchPath(dsn, schema)
}

// WithSearchPath sets the search_path runtime parameter on a URL DSN.
func WithSearchPath(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		return dsn + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, cfg sqldb.Config) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	d := Wrap(db)
	d.cfg = cfg
	return d
}

// Another opens the same database again, as another process (the command
// line beside a server) would: its own pools, nothing shared in memory.
func (db *DB) Another(t testing.TB) *DB {
	t.Helper()
	other, err := sqldb.Open(context.Background(), db.cfg)
	if err != nil {
		t.Fatalf("open the database again: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return Wrap(other)
}

// Open opens a database as sqldb.Open does (without migrating it) with
// every domain over it.
func Open(ctx context.Context, cfg sqldb.Config) (*DB, error) {
	db, err := sqldb.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return Wrap(db), nil
}

// As is the actor for the user with this id, for reads that take one.
func As(userID int64) kexie.Actor {
	return kexie.Actor{UserID: userID, Username: "test", Source: "test"}
}

// System is the system's actor, for reads of everything.
var System = kexie.SystemActor("test")

package sqldb_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

func TestPostgresRejectsNULAsInvalid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		u := dbtest.User(t, db, "nul.user", kexie.RoleSysAdmin, root.ID)
		_, err := db.Audit(ctx, dbtest.As(u.ID), sqldb.AuditFilter{Actor: "a\x00b"})
		if err != nil && !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("NUL in a filter: %v (want no error or invalid)", err)
		}
	})
}

func TestBackup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		out := filepath.Join(t.TempDir(), "copy.db")
		if db.Dialect() == sqldb.Postgres {
			if err := db.Backup(ctx, out); err == nil || !strings.Contains(err.Error(), "pg_dump") {
				t.Fatalf("postgres backup: %v", err)
			}
			return
		}
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		dbtest.User(t, db, "backup.user", kexie.RoleStaff, root.ID)
		dbtest.Must(t, db.Backup(ctx, out))
		if err := db.Backup(ctx, out); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("backup over an existing file: %v", err)
		}
		cp, err := dbtest.Open(ctx, sqldb.Config{Path: out})
		dbtest.Must(t, err)
		defer cp.Close()
		if _, err := cp.Access.UserByName(ctx, "backup.user"); err != nil {
			t.Fatalf("copy lacks the user: %v", err)
		}
		if n, err := cp.VerifyAudit(ctx, nil); err != nil || n != 3 {
			t.Fatalf("copy's audit chain: %d %v", n, err)
		}
	})
}

func TestSecretIsStable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		a, err := db.Secret(ctx, "csrf")
		dbtest.Must(t, err)
		b, _ := db.Secret(ctx, "csrf")
		c, _ := db.Secret(ctx, "other")
		if len(a) != 32 || string(a) != string(b) || string(a) == string(c) {
			t.Fatal("secrets")
		}
	})
}

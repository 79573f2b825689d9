package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/store/storetest"
)

// A first load on PostgreSQL as a replica skips the per-row check of the
// foreign key to orgs; the check made once at the end must still catch a
// row that breaks it, and let good rows through.
func TestBulkLoadChecksForeignKeysAtTheEnd(t *testing.T) {
	db := storetest.OpenPostgres(t, storetest.Options{})
	ctx := context.Background()
	root, _, _, _ := tree(t, db)
	person := `INSERT INTO people (id, name, created_at, updated_at) VALUES (1, '王芳', now(), now())`
	member := `INSERT INTO memberships (id, org_id, person_id, member_no, type, status, created_at, updated_at)
		VALUES (1, $1, 1, 'A-1', 'individual', 'active', now(), now())`
	for _, c := range []struct {
		org    int64
		broken bool
	}{{root.ID, false}, {root.ID + 1_000_000, true}} {
		replica, err := db.BulkLoadForTest(ctx, func(exec func(string, ...any) error) error {
			if err := exec(person); err != nil {
				return err
			}
			return exec(member, c.org)
		})
		if !replica {
			t.Fatal("the test role (a superuser) should load as a replica")
		}
		if c.broken && (err == nil || !strings.Contains(err.Error(), "memberships_org_id_fkey")) || !c.broken && err != nil {
			t.Fatalf("org %d: error %v, want broken=%v", c.org, err, c.broken)
		}
	}
}

// A first load on SQLite turns foreign keys off on the writer connection
// (it writes only keys it allocated or looked up); they must be on again
// for everything after it, whether the load ended well or not.
func TestBulkLoadGivesForeignKeysBack(t *testing.T) {
	db := storetest.OpenSQLite(t, storetest.Options{})
	ctx := context.Background()
	root, _, _, _ := tree(t, db)
	person := `INSERT INTO people (id, name, created_at, updated_at) VALUES (1, '王芳', '2026-01-01', '2026-01-01')`
	member := `INSERT INTO memberships (id, org_id, person_id, member_no, type, status, created_at, updated_at)
		VALUES (1, $1, 1, 'A-1', 'individual', 'active', '2026-01-01', '2026-01-01')`
	for _, fail := range []bool{false, true} {
		_, err := db.BulkLoadForTest(ctx, func(exec func(string, ...any) error) error {
			if err := exec(person); err != nil {
				return err
			}
			if fail {
				return context.Canceled
			}
			return exec(member, root.ID)
		})
		if fail != (err != nil) {
			t.Fatalf("fail=%v: %v", fail, err)
		}
		if err := db.RawExec(ctx, member, root.ID+1_000_000); err == nil {
			t.Fatalf("fail=%v: a membership of no organisation was written after the load", fail)
		}
	}
}

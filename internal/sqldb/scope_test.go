package sqldb_test

import (
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestActorsAndScope: the system holds everything; an Actor left at its
// zero value, or a visitor's, holds nothing — single objects and lists
// alike; a user what their grants reach.
func TestActorsAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		staff := dbtest.User(t, db, "staff.a", kexie.RoleStaff, a.ID)
		for _, c := range []struct {
			name  string
			actor kexie.Actor
			want  map[int64]bool
		}{
			{"system", kexie.SystemActor("test"), map[int64]bool{root.ID: true, a.ID: true, a1.ID: true, b.ID: true}},
			{"zero actor", kexie.Actor{}, map[int64]bool{}},
			{"visitor", kexie.Actor{Username: "anonymous", Source: "192.0.2.1"}, map[int64]bool{}},
			{"staff of A", kexie.Actor{UserID: staff.ID, Username: staff.Username}, map[int64]bool{a.ID: true, a1.ID: true}},
		} {
			for _, o := range []kexie.Organisation{root, a, a1, b} {
				ok, err := db.Allowed(ctx, c.actor, kexie.PermRegistryRead, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if ok != c.want[o.ID] {
					t.Errorf("%s on %s: allowed %v, want %v", c.name, o.Code, ok, c.want[o.ID])
				}
			}
			list, err := db.Registry.OrgsVisible(ctx, c.actor, kexie.PermRegistryRead, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != len(c.want) {
				t.Errorf("%s lists %d organisations, want %d", c.name, len(list), len(c.want))
			}
			for _, o := range list {
				if !c.want[o.ID] {
					t.Errorf("%s lists %s", c.name, o.Code)
				}
			}
		}
	})
}

package sqldb_test

import (
	"fmt"
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

// TestMayOnAgreesWithTheDatabase: a page answers "may this user do p here"
// from the grants read with its request and the organisation's path
// (User.MayOn); it must answer what the database's check answers, for
// every role, permission and organisation — a grant above, on, beside or
// below the organisation, several grants, a system administrator.
func TestMayOnAgreesWithTheDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		orgs := []kexie.Organisation{root, a, a1, b}
		paths := map[int64][]int64{root.ID: {root.ID}, a.ID: {root.ID, a.ID}, a1.ID: {root.ID, a.ID, a1.ID}, b.ID: {root.ID, b.ID}}
		n := 0
		for _, role := range kexie.Roles {
			for i, o := range orgs {
				n++
				u := dbtest.User(t, db, fmt.Sprintf("user%d", n), role, o.ID)
				// Every other user holds a second role elsewhere.
				if n%2 == 0 {
					other := kexie.Roles[(n/2)%len(kexie.Roles)]
					if other != kexie.RoleSysAdmin {
						if err := db.Access.GrantRole(ctx, dbtest.Admin, u.ID, orgs[(i+1)%len(orgs)].ID, other); err != nil {
							t.Fatal(err)
						}
					}
				}
				grants, err := db.Access.Grants(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				u.Grants = grants
				for _, p := range kexie.Permissions {
					for _, x := range orgs {
						want, err := db.Allowed(ctx, kexie.Actor{UserID: u.ID, Username: u.Username}, p, x.ID)
						if err != nil {
							t.Fatal(err)
						}
						if got := u.MayOn(p, paths[x.ID]...); got != want {
							t.Errorf("%s (%v) %s on %s: MayOn %v, database %v", u.Username, grants, p, x.Code, got, want)
						}
					}
				}
			}
		}
		var nobody *kexie.User
		if nobody.MayOn(kexie.PermRegistryRead, root.ID) {
			t.Error("no user may do anything")
		}
	})
}

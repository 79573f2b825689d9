package registry_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Every use case that changes the registry checks its organisation against
// the actor inside its transaction, whatever its caller checked: a staff
// user of A gets, on B (or under B), the same not found as for an
// organisation that does not exist, and nothing is written; on A1 (below
// A) the change goes through; the system changes B.
func TestWritesAreScopedToTheActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		staff := dbtest.As(dbtest.User(t, db, "staff-a", kexie.RoleStaff, a.ID).ID)

		n := 0
		// child is a fresh organisation under parent, as the system.
		child := func(parent kexie.Organisation) kexie.Organisation {
			t.Helper()
			n++
			o, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: fmt.Sprintf("%s-%d", parent.Code, n), ParentID: parent.ID,
				Kind: "municipal_association", NameZH: fmt.Sprintf("%s下属%d", parent.NameZH, n)})
			dbtest.Must(t, err)
			return o
		}
		// Organisations below A1 that the moves use.
		dest, mover := child(a1), child(a1)
		// Each case acts on a fresh organisation below the one it is given
		// (B or A1), made before the call, so that one call's change does
		// not decide the next one's answer.
		cases := []struct {
			name   string
			call   func(actor kexie.Actor, id int64) error
			writes bool // when allowed
		}{
			{"CreateOrg (under it)", func(actor kexie.Actor, id int64) error {
				n++
				_, err := db.Registry.CreateOrg(ctx, actor, kexie.Organisation{Code: fmt.Sprintf("NEW-%d", n), ParentID: id, Kind: "county_association", NameZH: "新县科协"})
				return err
			}, true},
			{"MoveOrg (it, under A1's)", func(actor kexie.Actor, id int64) error {
				return db.Registry.MoveOrg(ctx, actor, id, dest.ID)
			}, true},
			{"MoveOrg (A1's, under it)", func(actor kexie.Actor, id int64) error {
				return db.Registry.MoveOrg(ctx, actor, mover.ID, id)
			}, true},
			{"UpdateOrgProfile", func(actor kexie.Actor, id int64) error {
				return db.Registry.UpdateOrgProfile(ctx, actor, id, registry.OrgProfile{NameEN: "Renamed", Address: "北京市"})
			}, true},
			{"UpdateOrgProfile (unchanged)", func(actor kexie.Actor, id int64) error {
				// Writes nothing when allowed; refused, it must not say
				// "unchanged" either (a fresh child has an empty profile).
				return db.Registry.UpdateOrgProfile(ctx, actor, id, registry.OrgProfile{})
			}, false},
			{"ChangeOrgStatus", func(actor kexie.Actor, id int64) error {
				return db.Registry.ChangeOrgStatus(ctx, actor, id, registry.StatusChange{Action: "suspend", Happened: "2024-05", Resolution: "第3号决议"})
			}, true},
			{"ChangeOrgStatus (rename)", func(actor kexie.Actor, id int64) error {
				return db.Registry.ChangeOrgStatus(ctx, actor, id, registry.StatusChange{Action: "rename", Happened: "2024-05", Resolution: "第4号决议", NameZH: "更名后"})
			}, true},
			{"AddHistory", func(actor kexie.Actor, id int64) error {
				return db.Registry.AddHistory(ctx, actor, id, "established", "1980", "成立")
			}, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// B: outside the staff user's subtree.
				other := child(b)
				before := dump(t, db)
				err := c.call(staff, other.ID)
				if !errors.Is(err, kexie.ErrNotFound) {
					t.Fatalf("on B's as A's staff: %v, want not found", err)
				}
				if after := dump(t, db); after != before {
					t.Fatalf("on B's as A's staff: refused, yet something was written:\n%s", dbtest.Diff(before, after))
				}
				// A1: below A, where the staff user holds registry.write.
				mine := child(a1)
				before = dump(t, db)
				if err := c.call(staff, mine.ID); err != nil {
					t.Fatalf("on A1's as A's staff: %v", err)
				}
				if after := dump(t, db); (after != before) != c.writes {
					t.Fatalf("on A1's as A's staff: wrote %v, want %v", after != before, c.writes)
				}
				// The system (the command line, jobs) holds everything.
				if err := c.call(dbtest.Admin, child(b).ID); err != nil {
					t.Fatalf("on B's as the system: %v", err)
				}
			})
		}

		// A missing organisation answers exactly as one outside the
		// subtrees: the same error, naming the id the caller gave.
		t.Run("same answer as no such organisation", func(t *testing.T) {
			other, mine := child(b), child(a1)
			for name, call := range map[string]func(id int64) error{
				"UpdateOrgProfile": func(id int64) error {
					return db.Registry.UpdateOrgProfile(ctx, staff, id, registry.OrgProfile{NameEN: "x"})
				},
				"ChangeOrgStatus": func(id int64) error {
					return db.Registry.ChangeOrgStatus(ctx, staff, id, registry.StatusChange{Action: "suspend", Happened: "2024", Resolution: "决议"})
				},
				"AddHistory":       func(id int64) error { return db.Registry.AddHistory(ctx, staff, id, "established", "1980", "") },
				"MoveOrg (org)":    func(id int64) error { return db.Registry.MoveOrg(ctx, staff, id, a1.ID) },
				"MoveOrg (parent)": func(id int64) error { return db.Registry.MoveOrg(ctx, staff, mine.ID, id) },
				"CreateOrg (parent)": func(id int64) error {
					_, err := db.Registry.CreateOrg(ctx, staff, kexie.Organisation{Code: "Z", ParentID: id, Kind: "county_association", NameZH: "z"})
					return err
				},
			} {
				const missing = 999999
				outside, none := call(other.ID), call(missing)
				if !errors.Is(outside, kexie.ErrNotFound) || !errors.Is(none, kexie.ErrNotFound) {
					t.Fatalf("%s: outside %v, missing %v", name, outside, none)
				}
				if want := strings.ReplaceAll(none.Error(), fmt.Sprint(missing), fmt.Sprint(other.ID)); outside.Error() != want {
					t.Errorf("%s: outside %q, missing %q", name, outside, none)
				}
			}
		})

		// A root belongs to no grant: the staff user may neither create one
		// nor move an organisation to the top.
		t.Run("roots", func(t *testing.T) {
			top := child(a1)
			before := dump(t, db)
			if _, err := db.Registry.CreateOrg(ctx, staff, kexie.Organisation{Code: "ROOT2", Kind: "national_association", NameZH: "另一个根"}); !errors.Is(err, kexie.ErrNotFound) {
				t.Errorf("a new root as A's staff: %v", err)
			}
			if err := db.Registry.MoveOrg(ctx, staff, top.ID, 0); !errors.Is(err, kexie.ErrNotFound) {
				t.Errorf("A1's child to the top as A's staff: %v", err)
			}
			// EnsureRoot is the system's only, even with the root there.
			if _, err := db.Registry.EnsureRoot(ctx, staff); kexie.ErrorCode(err) != kexie.CodeForbidden {
				t.Errorf("EnsureRoot as A's staff: %v", err)
			}
			if after := dump(t, db); after != before {
				t.Fatalf("refused, yet something was written:\n%s", dbtest.Diff(before, after))
			}
			got, err := db.Registry.EnsureRoot(ctx, dbtest.Admin)
			if err != nil || got.ID != root.ID {
				t.Fatalf("EnsureRoot as the system: %+v, %v", got, err)
			}
		})
	})
}

// dump is what a refused write must leave as it was.
func dump(t *testing.T, db *dbtest.DB) string {
	return db.Snapshot(t, "orgs", "org_closure", "org_events", "filings", "audit_log")
}

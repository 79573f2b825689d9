package registry_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

func TestImportOrgs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		rows := dbtest.Numbered(
			dbtest.OrgRow("HRB", "HLJ", "municipal_association", "哈尔滨市科协"), // parent later in the file
			dbtest.OrgRow("HLJ", "ROOT", "provincial_association", "黑龙江省科协"),
			dbtest.OrgRow("ROOT", "", "national_association", "中国科协"),
			dbtest.OrgRow("X", "Y", "county_association", "X县"), // a loop
			dbtest.OrgRow("Y", "X", "county_association", "Y县"),
			dbtest.OrgRow("Z", "NOPE", "county_association", "Z县"),       // unknown parent
			dbtest.OrgRow("HLJ", "ROOT", "provincial_association", "重复"), // duplicate code
			dbtest.OrgRow("D1", "HLJ", "department", "办公室"),
		)
		dry, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, rows, registry.ImportOptions{DryRun: true})
		dbtest.Must(t, err)
		if dry.Created != 4 || len(dry.Rejected) != 4 {
			t.Fatalf("dry run: %+v", dry)
		}
		if _, err := db.Registry.OrgByCode(ctx, "ROOT"); err == nil {
			t.Fatal("a dry run wrote")
		}
		out, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, rows, registry.ImportOptions{})
		dbtest.Must(t, err)
		var lines []int
		for _, r := range out.Rejected {
			lines = append(lines, r.Line)
		}
		if out.Created != 4 || out.Updated != 0 || len(out.Rejected) != 4 || lines[0] != 5 || lines[3] != 8 {
			t.Fatalf("import: %+v", out)
		}
		again, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, rows, registry.ImportOptions{})
		dbtest.Must(t, err)
		if again.Unchanged != 4 || again.Created+again.Updated != 0 {
			t.Fatalf("re-import: %+v", again)
		}
		n, _ := db.VerifyAudit(ctx, nil)
		// Re-importing wrote nothing, not even audit entries.
		again2, _ := db.Registry.ImportOrgs(ctx, dbtest.Admin, rows, registry.ImportOptions{})
		n2, _ := db.VerifyAudit(ctx, nil)
		if n2 != n || again2.Unchanged != 4 {
			t.Fatalf("an unchanged re-import wrote %d audit entries", n2-n)
		}
		// An update that moves HRB under a new province, renames and
		// suspends it; the closure follows.
		upd := dbtest.Numbered(dbtest.OrgRow("JL", "ROOT", "provincial_association", "吉林省科协"), dbtest.OrgRow("HRB", "JL", "municipal_association", "哈尔滨市科学技术协会"))
		upd[1].Org.Status = kexie.OrgSuspended
		out, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, upd, registry.ImportOptions{})
		dbtest.Must(t, err)
		if out.Created != 1 || out.Updated != 1 {
			t.Fatalf("update: %+v", out)
		}
		hrb, _ := db.Registry.OrgByCode(ctx, "HRB")
		if hrb.ParentCode != "JL" || hrb.Status != kexie.OrgSuspended || hrb.NameZH != "哈尔滨市科学技术协会" {
			t.Fatalf("HRB after update: %+v", hrb)
		}
		if m, err := db.ClosureMismatch(ctx); err != nil || m != "" {
			t.Fatalf("closure: %s %v", m, err)
		}
		// Moving ROOT under HRB (its own descendant) is refused, and only that row.
		out, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("ROOT", "HRB", "national_association", "中国科协")), registry.ImportOptions{})
		dbtest.Must(t, err)
		if len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "subtree") {
			t.Fatalf("cycle through the stored tree: %+v", out)
		}
		// Stats: member kinds only, cancelled excluded.
		root, _ := db.Registry.OrgByCode(ctx, "ROOT")
		st, err := db.Registry.OrgStats(ctx, root)
		dbtest.Must(t, err)
		if st.Children["provincial_association"] != 2 || st.Subtree["municipal_association"] != 1 || st.Subtree["department"] != 0 || len(st.Independent) != 0 {
			t.Fatalf("stats %+v", st)
		}
		hrbCancel := dbtest.Numbered(dbtest.OrgRow("HRB", "JL", "municipal_association", "哈尔滨市科学技术协会"))
		hrbCancel[0].Org.Status = kexie.OrgCancelled
		_, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, hrbCancel, registry.ImportOptions{})
		dbtest.Must(t, err)
		st, _ = db.Registry.OrgStats(ctx, root)
		if _, ok := st.Subtree["municipal_association"]; ok {
			t.Fatalf("a cancelled organisation is counted: %+v", st)
		}
	})
}

// TestImportLeavesAbsentColumnsAlone: a file without parent_code, status or
// region_code updates the other fields and keeps those.
func TestImportLeavesAbsentColumnsAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		full := dbtest.Numbered(dbtest.OrgRow("R", "", "national_association", "中国科协"), dbtest.OrgRow("P", "R", "provincial_association", "省科协"))
		full[1].Org.RegionCode, full[1].Org.Independent, full[1].Org.Status = "230000", true, kexie.OrgSuspended
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, full, registry.ImportOptions{})
		dbtest.Must(t, err)
		partial := dbtest.Numbered(dbtest.OrgRow("P", "", "provincial_association", "省科学技术协会"))
		partial[0].Has = map[string]bool{"code": true, "kind": true, "name_zh": true}
		out, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, partial, registry.ImportOptions{})
		dbtest.Must(t, err)
		p, _ := db.Registry.OrgByCode(ctx, "P")
		if out.Updated != 1 || p.ParentCode != "R" || p.RegionCode != "230000" || !p.Independent || p.Status != kexie.OrgSuspended || p.NameZH != "省科学技术协会" {
			t.Fatalf("partial update: %+v %+v", out, p)
		}
		// A cancelled organisation is not changed by an import.
		cancel := dbtest.Numbered(dbtest.OrgRow("P", "R", "provincial_association", "省科学技术协会"))
		cancel[0].Org.RegionCode, cancel[0].Org.Independent, cancel[0].Org.Status = "230000", true, kexie.OrgCancelled
		_, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, cancel, registry.ImportOptions{})
		dbtest.Must(t, err)
		revive := dbtest.Numbered(dbtest.OrgRow("P", "R", "provincial_association", "省科学技术协会"))
		revive[0].Org.RegionCode, revive[0].Org.Independent = "230000", true
		out, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, revive, registry.ImportOptions{})
		dbtest.Must(t, err)
		if len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "cancelled") {
			t.Fatalf("un-cancelled by import: %+v", out)
		}
	})
}

// TestMovesKeepClosureExact moves random subtrees around a random tree and
// checks the closure table against the parent links after every move.
func TestMovesKeepClosureExact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		rng := rand.New(rand.NewPCG(1, 2))
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		ids := []int64{root.ID}
		for i := 0; i < 60; i++ {
			o, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: "N" + itoa(i), ParentID: ids[rng.IntN(len(ids))], Kind: "county_association", NameZH: "县"})
			dbtest.Must(t, err)
			ids = append(ids, o.ID)
		}
		for i := 0; i < 40; i++ {
			node, to := ids[1+rng.IntN(len(ids)-1)], ids[rng.IntN(len(ids))]
			err := db.Registry.MoveOrg(ctx, dbtest.Admin, node, to)
			if err != nil && kexie.ErrorCode(err) != kexie.CodeInvalid {
				t.Fatal(err)
			}
			if m, err := db.ClosureMismatch(ctx); err != nil || m != "" {
				t.Fatalf("after move %d: %s %v", i, m, err)
			}
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestAuthorisationOracle compares Can with a brute-force oracle over
// random trees and random grants: a role holds on the organisation it is
// granted on and everything below it, nowhere else.
func TestAuthorisationOracle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		rng := rand.New(rand.NewPCG(7, 11))
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		parent := map[int64]int64{root.ID: 0}
		ids := []int64{root.ID}
		for i := 0; i < 40; i++ {
			p := ids[rng.IntN(len(ids))]
			o, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: "R" + itoa(i), ParentID: p, Kind: "county_association", NameZH: "县"})
			dbtest.Must(t, err)
			parent[o.ID] = p
			ids = append(ids, o.ID)
		}
		// A few moves, so the closure under test has been rewritten.
		for i := 0; i < 8; i++ {
			n, to := ids[1+rng.IntN(len(ids)-1)], ids[rng.IntN(len(ids))]
			if err := db.Registry.MoveOrg(ctx, dbtest.Admin, n, to); err == nil {
				parent[n] = to
			}
		}
		type grant struct {
			org  int64
			role kexie.Role
		}
		grants := map[int64][]grant{}
		var users []int64
		for u := 0; u < 6; u++ {
			role := []kexie.Role{kexie.RoleStaff, kexie.RoleAuditor, kexie.RoleOrgAdmin}[rng.IntN(3)]
			org := ids[rng.IntN(len(ids))]
			nu, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "oracle" + itoa(u), Password: "oracle password", Role: role, OrgID: org})
			dbtest.Must(t, err)
			users = append(users, nu.ID)
			grants[nu.ID] = append(grants[nu.ID], grant{org, role})
			if rng.IntN(2) == 0 { // a second role elsewhere
				role2 := []kexie.Role{kexie.RoleStaff, kexie.RoleAuditor}[rng.IntN(2)]
				org2 := ids[rng.IntN(len(ids))]
				if db.Access.GrantRole(ctx, dbtest.Admin, nu.ID, org2, role2) == nil {
					grants[nu.ID] = append(grants[nu.ID], grant{org2, role2})
				}
			}
		}
		below := func(a, d int64) bool {
			for x := d; x != 0; x = parent[x] {
				if x == a {
					return true
				}
			}
			return false
		}
		checked := 0
		for _, u := range users {
			for _, p := range []kexie.Permission{kexie.PermRegistryRead, kexie.PermRegistryWrite, kexie.PermAuditRead, kexie.PermUserManage} {
				for _, o := range ids {
					want := false
					for _, g := range grants[u] {
						want = want || (kexie.RoleGrants(g.role, p) && below(g.org, o))
					}
					got, err := db.Can(ctx, u, p, o)
					dbtest.Must(t, err)
					if got != want {
						t.Fatalf("user %d %s on org %d: Can %v, oracle %v", u, p, o, got, want)
					}
					checked++
				}
			}
		}
		if checked < 900 {
			t.Fatalf("only %d checks", checked)
		}
	})
}

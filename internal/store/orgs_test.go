package store_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/store"
	"github.com/kexie/kexie/internal/store/storetest"
)

func org(code, parent, kind, name string) store.ImportRow {
	return store.ImportRow{Org: kexie.Organisation{Code: code, ParentCode: parent, Kind: kexie.OrgKind(kind), NameZH: name, Status: kexie.OrgActive}}
}

func numbered(rows ...store.ImportRow) []store.ImportRow {
	for i := range rows {
		rows[i].Line = i + 2
	}
	return rows
}

func TestImportOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rows := numbered(
			org("HRB", "HLJ", "municipal_association", "哈尔滨市科协"), // parent later in the file
			org("HLJ", "ROOT", "provincial_association", "黑龙江省科协"),
			org("ROOT", "", "national_association", "中国科协"),
			org("X", "Y", "county_association", "X县"), // a loop
			org("Y", "X", "county_association", "Y县"),
			org("Z", "NOPE", "county_association", "Z县"),       // unknown parent
			org("HLJ", "ROOT", "provincial_association", "重复"), // duplicate code
			org("D1", "HLJ", "department", "办公室"),
		)
		dry, err := db.ImportOrgs(ctx, admin, rows, store.ImportOptions{DryRun: true})
		must(t, err)
		if dry.Created != 4 || len(dry.Rejected) != 4 {
			t.Fatalf("dry run: %+v", dry)
		}
		if _, err := db.OrgByCode(ctx, "ROOT"); err == nil {
			t.Fatal("a dry run wrote")
		}
		out, err := db.ImportOrgs(ctx, admin, rows, store.ImportOptions{})
		must(t, err)
		var lines []int
		for _, r := range out.Rejected {
			lines = append(lines, r.Line)
		}
		if out.Created != 4 || out.Updated != 0 || len(out.Rejected) != 4 || lines[0] != 5 || lines[3] != 8 {
			t.Fatalf("import: %+v", out)
		}
		again, err := db.ImportOrgs(ctx, admin, rows, store.ImportOptions{})
		must(t, err)
		if again.Unchanged != 4 || again.Created+again.Updated != 0 {
			t.Fatalf("re-import: %+v", again)
		}
		n, _ := db.VerifyAudit(ctx, nil)
		// Re-importing wrote nothing, not even audit entries.
		again2, _ := db.ImportOrgs(ctx, admin, rows, store.ImportOptions{})
		n2, _ := db.VerifyAudit(ctx, nil)
		if n2 != n || again2.Unchanged != 4 {
			t.Fatalf("an unchanged re-import wrote %d audit entries", n2-n)
		}
		// An update that moves HRB under a new province, renames and
		// suspends it; the closure follows.
		upd := numbered(org("JL", "ROOT", "provincial_association", "吉林省科协"), org("HRB", "JL", "municipal_association", "哈尔滨市科学技术协会"))
		upd[1].Org.Status = kexie.OrgSuspended
		out, err = db.ImportOrgs(ctx, admin, upd, store.ImportOptions{})
		must(t, err)
		if out.Created != 1 || out.Updated != 1 {
			t.Fatalf("update: %+v", out)
		}
		hrb, _ := db.OrgByCode(ctx, "HRB")
		if hrb.ParentCode != "JL" || hrb.Status != kexie.OrgSuspended || hrb.NameZH != "哈尔滨市科学技术协会" {
			t.Fatalf("HRB after update: %+v", hrb)
		}
		if m, err := db.ClosureMismatch(ctx); err != nil || m != "" {
			t.Fatalf("closure: %s %v", m, err)
		}
		// Moving ROOT under HRB (its own descendant) is refused, and only that row.
		out, err = db.ImportOrgs(ctx, admin, numbered(org("ROOT", "HRB", "national_association", "中国科协")), store.ImportOptions{})
		must(t, err)
		if len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "subtree") {
			t.Fatalf("cycle through the stored tree: %+v", out)
		}
		// Stats: member kinds only, cancelled excluded.
		root, _ := db.OrgByCode(ctx, "ROOT")
		st, err := db.OrgStats(ctx, root)
		must(t, err)
		if st.Children["provincial_association"] != 2 || st.Subtree["municipal_association"] != 1 || st.Subtree["department"] != 0 || len(st.Independent) != 0 {
			t.Fatalf("stats %+v", st)
		}
		hrbCancel := numbered(org("HRB", "JL", "municipal_association", "哈尔滨市科学技术协会"))
		hrbCancel[0].Org.Status = kexie.OrgCancelled
		_, err = db.ImportOrgs(ctx, admin, hrbCancel, store.ImportOptions{})
		must(t, err)
		st, _ = db.OrgStats(ctx, root)
		if _, ok := st.Subtree["municipal_association"]; ok {
			t.Fatalf("a cancelled organisation is counted: %+v", st)
		}
	})
}

// TestMovesKeepClosureExact moves random subtrees around a random tree and
// checks the closure table against the parent links after every move.
func TestMovesKeepClosureExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rng := rand.New(rand.NewPCG(1, 2))
		root, _ := db.EnsureRoot(ctx, admin)
		ids := []int64{root.ID}
		for i := 0; i < 60; i++ {
			o, err := db.CreateOrg(ctx, admin, kexie.Organisation{Code: "N" + itoa(i), ParentID: ids[rng.IntN(len(ids))], Kind: "county_association", NameZH: "县"})
			must(t, err)
			ids = append(ids, o.ID)
		}
		for i := 0; i < 40; i++ {
			node, to := ids[1+rng.IntN(len(ids)-1)], ids[rng.IntN(len(ids))]
			err := db.MoveOrg(ctx, admin, node, to)
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

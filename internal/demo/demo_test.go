package demo

import (
	"context"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/store/storetest"
)

func TestFederationIsDeterministicAndUnique(t *testing.T) {
	a, _ := Federation()
	b, _ := Federation()
	if len(a) != len(b) {
		t.Fatal("two builds differ in size")
	}
	codes, names := map[string]bool{}, map[string]string{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two builds differ at %d: %+v %+v", i, a[i], b[i])
		}
		if codes[a[i].Code] {
			t.Errorf("code %s twice", a[i].Code)
		}
		codes[a[i].Code] = true
		key := a[i].ParentCode + "/" + a[i].NameZH
		if prev, dup := names[key]; dup {
			t.Errorf("name %s twice under %s (%s, %s)", a[i].NameZH, a[i].ParentCode, prev, a[i].Code)
		}
		names[key] = a[i].Code
		if a[i].NameEN == "" {
			t.Errorf("%s has no English name", a[i].Code)
		}
	}
}

// TestStatsReproduceTheSeeds loads the demo into a real database and checks
// the roll-ups against the published counts.
func TestStatsReproduceTheSeeds(t *testing.T) {
	db := storetest.OpenSQLite(t, storetest.Options{})
	ctx := context.Background()
	actor := kexie.SystemActor("test")
	if _, err := db.EnsureRoot(ctx, actor); err != nil { // as serve does before loading the demo
		t.Fatal(err)
	}
	out, err := Load(ctx, db, actor)
	if err != nil {
		t.Fatal(err)
	}
	stats := func(code string) kexie.OrgStats {
		o, err := db.OrgByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		st, err := db.OrgStats(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	check := func(code string, got, want map[kexie.OrgKind]int, what string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s %s: %v, want %v", code, what, got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s %s %s: %d, want %d", code, what, k, got[k], n)
			}
		}
	}
	hlj := stats("HLJ")
	check("HLJ", hlj.Subtree, map[kexie.OrgKind]int{"provincial_society": 204, "municipal_association": 13, "county_association": 126,
		"system_association": 5, "enterprise_association": 204, "university_association": 14, "rural_tech_association": 2727}, "subtree")
	check("HLJ", hlj.Independent, map[kexie.OrgKind]int{"county_association": 68}, "independent")
	jl := stats("JL")
	check("JL", jl.Subtree, map[kexie.OrgKind]int{"provincial_society": 106, "enterprise_association": 225, "university_association": 21,
		"municipal_association": 9, "county_association": 60}, "subtree")
	chia := stats("CHIA")
	check("CHIA", chia.Subtree, map[kexie.OrgKind]int{"society_branch": 25, "industry_alliance": 11}, "subtree")
	check("CHIA", chia.Children, map[kexie.OrgKind]int{"society_branch": 25, "industry_alliance": 11}, "children")
	// Loading again changes nothing.
	again, err := Load(ctx, db, actor)
	if err != nil || again.Created+again.Updated != 0 || again.Unchanged != out.Created+out.Updated+out.Unchanged {
		t.Fatalf("second load: %+v %v", again, err)
	}
	if root, _ := db.OrgByCode(ctx, "CAST"); root.Address == "" {
		t.Fatal("the root created before the demo did not get its profile")
	}
	if chia, _ := db.OrgByCode(ctx, "CHIA"); chia.LegalRep != "梁晓红" || chia.Address == "" {
		t.Fatalf("CHIA profile: %+v", chia)
	}
	// Dues standards of the national society, set once though loaded twice.
	society, _ := db.OrgByCode(ctx, "CHIA")
	ds, err := db.DuesStandards(ctx, society.ID)
	if err != nil || len(ds) != 3 || ds[0].Type != "individual" || ds[0].AmountFen != 5000 || ds[2].Type != "unit" || ds[2].AmountFen != 200000 {
		t.Fatalf("CHIA dues standards: %+v %v", ds, err)
	}
	h, _ := db.OrgByCode(ctx, "HLJ")
	ev, err := db.History(ctx, h.ID)
	if err != nil || len(ev) != 2 || ev[0].Happened != "1966-08" || ev[1].Kind != "restored" {
		t.Fatalf("history %+v %v", ev, err)
	}
}

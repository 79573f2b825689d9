package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/cli"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// TestImportAttendance: `kexie import attendance FILE` — paper sign-in
// sheets — ends with its one summary line ("attendance: N read, N
// recorded, N duplicate, N rejected") and a non-zero exit when a row is
// rejected; a dry run keeps nothing; a member's sign-in moves their last
// participation (the lapse rule reads it); a re-import records nothing
// twice; times are RFC 3339 or YYYY-MM-DD HH:MM in Beijing time.
func TestImportAttendance(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科协\nHLJ,ROOT,provincial_association,黑龙江省科协\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "2 created")
	members := filepath.Join(dir, "members.csv")
	_ = os.WriteFile(members, []byte("member_no,org_code,type,name,joined,status,last_activity\nM1,HLJ,individual,王芳,2010-01-01,active,2016-03-01\n"), 0o644)
	want(t, run(t, "", nil, "import", "members", members, "--db", db), 0, "1 created")

	ctx := context.Background()
	open := func() (*sqldb.DB, *cli.House) {
		d, err := sqldb.Open(ctx, sqldb.Config{Path: db})
		if err != nil {
			t.Fatal(err)
		}
		return d, cli.NewHouse(d)
	}
	d, h := open()
	sys := kexie.SystemActor("test")
	for _, code := range []string{"FAIR-2018", "DRAFT"} {
		if _, err := h.Activities.Create(ctx, sys, activities.Input{Code: code, Kind: "science_fair", Category: "popularisation", TitleZH: "科普集市",
			Starts: "2018-09-15", Ends: "2018-09-16", Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "HLJ"}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{activities.StatusPublished, activities.StatusHeld} {
		if err := h.Activities.SetStatus(ctx, sys, "FAIR-2018", s); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()

	file := filepath.Join(dir, "sheet.csv")
	content := "activity_code,org_code,member_no,name,checked_in_at\n" +
		"FAIR-2018,HLJ,M1,王芳,2018-09-15T08:00:00+08:00\n" + // recorded
		"FAIR-2018,HLJ,M1,,2018-09-16 09:30\n" + // the same member again: duplicate
		"FAIR-2018,,,李雷,2018-09-15 10:00\n" + // an outside person: recorded
		"NOPE,HLJ,M1,,2018-09-15 10:00\n" + // no such activity
		"FAIR-2018,HLJ,M9,,2018-09-15 10:00\n" + // no such member
		"FAIR-2018,,,韩梅梅,2999-01-01 10:00\n" + // in the future
		"FAIR-2018,,,韩梅梅,yesterday\n" + // not a time
		"FAIR-2018,,,,2018-09-15 10:00\n" + // nobody
		"DRAFT,,,韩梅梅,2018-09-15 10:00\n" // a draft
	_ = os.WriteFile(file, []byte(content), 0o644)
	const first = "attendance: 9 read, 2 recorded, 1 duplicate, 6 rejected"
	errs := filepath.Join(dir, "errors.csv")
	r := run(t, "", nil, "import", "attendance", file, "--db", db, "--dry-run", "--errors", errs)
	if got := strings.TrimSpace(r.stdout); got != first || r.code == 0 {
		t.Fatalf("dry run: %q exit %d\n%s", got, r.code, r.stderr)
	}
	b, _ := os.ReadFile(errs)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 6 || !strings.HasPrefix(lines[0], "5,NOPE,") || !strings.HasPrefix(lines[5], "10,DRAFT,") {
		t.Errorf("error file:\n%s", b)
	}
	r = run(t, "", nil, "import", "attendance", file, "--db", db)
	if got := strings.TrimSpace(r.stdout); got != first || r.code != 1 {
		t.Fatalf("import (the dry run kept nothing): %q exit %d\n%s", got, r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "line 5 (NOPE): rejected:") {
		t.Errorf("stderr: %s", r.stderr)
	}
	r = run(t, "", nil, "import", "attendance", file, "--db", db)
	if got := strings.TrimSpace(r.stdout); got != "attendance: 9 read, 0 recorded, 3 duplicate, 6 rejected" {
		t.Fatalf("re-import: %q", got)
	}

	d, h = open()
	defer d.Close()
	m, err := h.Membership.MemberByOrgNo(ctx, "HLJ", "M1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Record.LastActivity != "2018-09-15" {
		t.Errorf("last participation %q, want the sign-in's day 2018-09-15", m.Record.LastActivity)
	}
	a, _ := h.Activities.ByCode(ctx, "FAIR-2018")
	hist, _ := h.Activities.History(ctx, a.ID, 100)
	checked := 0
	for _, e := range hist {
		if e.Result == "checked_in" {
			checked++
			if !e.Offline {
				t.Errorf("an imported sign-in not marked offline: %+v", e)
			}
		}
	}
	if checked != 2 || a.Confirmed != 2 {
		t.Errorf("%d check-ins, %d confirmed; want 2 and 2", checked, a.Confirmed)
	}

	// The figures of the year: the fair, its two people.
	r = run(t, "", nil, "stats", "HLJ", "--activities", "--year", "2018", "--json", "--db", db)
	var st struct {
		Org        string
		Year       int
		Total      map[string]int64
		ByCategory map[string]map[string]int64 `json:"by_category"`
		ByKind     map[string]map[string]int64 `json:"by_kind"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != 0 {
		t.Fatalf("stats --activities: %v exit %d: %s %s", err, r.code, r.stdout, r.stderr)
	}
	if st.Org != "HLJ" || st.Year != 2018 || st.Total["activities"] != 1 || st.Total["attendance"] != 2 || st.ByCategory["popularisation"]["activities"] != 1 ||
		st.ByKind["science_fair"]["attendance"] != 2 || len(st.Total) != 8 {
		t.Errorf("stats --activities: %s", r.stdout)
	}
	r = run(t, "", nil, "stats", "HLJ", "--activities", "--year", "2018", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "science_fair") {
		t.Errorf("stats table: %s", r.stdout)
	}

	// A file without a required column: nothing read, exit 1.
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("activity_code,name\nFAIR-2018,x\n"), 0o644)
	r = run(t, "", nil, "import", "attendance", bad, "--db", db)
	if got := strings.TrimSpace(r.stdout); got != "attendance: 0 read, 0 recorded, 0 duplicate, 0 rejected" || r.code != 1 {
		t.Errorf("a file without checked_in_at: %q exit %d", got, r.code)
	}
}

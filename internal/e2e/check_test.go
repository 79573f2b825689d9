package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestCheckCommand: `kexie check CODE` lists what the charter's rules find
// in an organisation's bodies — here a standing council larger than 1/3 of
// the council and a council whose front-line share is short — as text and
// as JSON, exiting non-zero when there are findings.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nCHIA,,national_society,中国图学学会\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "1 created")
	members := filepath.Join(dir, "members.csv")
	var b strings.Builder
	b.WriteString("member_no,org_code,type,name,joined\n")
	for i := range 12 {
		fmt.Fprintf(&b, "D%02d,CHIA,individual,理事%02d,2020-01-01\n", i, i)
	}
	_ = os.WriteFile(members, []byte(b.String()), 0o644)
	want(t, run(t, "", nil, "import", "members", members, "--db", db), 0, "12 created")
	want(t, run(t, "", nil, "check", "CHIA", "--db", db, "--as-of", "2026-11-21"), 0, "CHIA: 0 findings")

	ctx := context.Background()
	s, err := dbtest.Open(ctx, sqldb.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	actor := kexie.Actor{Username: "test", Source: "test", System: true}
	chia, _ := s.Registry.OrgByCode(ctx, "CHIA")
	council, _ := s.Governance.CreateBody(ctx, actor, chia.ID, charter.Council, "理事会", "Council")
	standing, _ := s.Governance.CreateBody(ctx, actor, chia.ID, charter.StandingCouncil, "常务理事会", "Standing council")
	ct, err := s.Governance.StartTerm(ctx, actor, council.ID, 9, "2026-06-01")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s.Governance.StartTerm(ctx, actor, standing.ID, 9, "2026-06-01")
	for i := range 12 {
		m, err := s.Membership.MemberByNo(ctx, chia.ID, fmt.Sprintf("D%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Governance.AddSeat(ctx, actor, ct.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", FrontLine: i < 8, Seated: "2026-06-01"}); err != nil {
			t.Fatal(err)
		}
		if i < 5 { // 5 of 12 is more than 1/3
			if _, err := s.Governance.AddSeat(ctx, actor, st.ID, governance.NewSeat{PersonID: m.PersonID, Post: "standing_director", FrontLine: true, Seated: "2026-06-01"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Close()
	r := run(t, "", nil, "check", "CHIA", "--db", db, "--as-of", "2026-10-01")
	want(t, r, 1, "CHIA: 2 findings")
	if !strings.Contains(r.stdout, "standing_size") || !strings.Contains(r.stdout, "have 8, need 9 of 12") || !strings.Contains(r.stdout, "理事08") {
		t.Fatalf("check:\n%s", r.stdout)
	}
	r = run(t, "", nil, "check", "CHIA", "--db", db, "--as-of", "2026-10-01", "--json")
	var got []struct {
		Rule   string   `json:"rule"`
		Body   string   `json:"body"`
		Broken bool     `json:"broken"`
		Have   int      `json:"have"`
		Need   int      `json:"need"`
		Of     int      `json:"of"`
		People []string `json:"people"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 2 {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	for _, f := range got {
		switch f.Rule {
		case "front_line":
			if f.Body != "council" || f.Have != 8 || f.Need != 9 || f.Of != 12 || len(f.People) != 4 {
				t.Errorf("front line %+v", f)
			}
		case "standing_size":
			if f.Have != 5 || f.Need != 4 || f.Of != 12 {
				t.Errorf("standing size %+v", f)
			}
		default:
			t.Errorf("unexpected %+v", f)
		}
	}
}

package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var memberSummaryRe = regexp.MustCompile(`(?m)^members: \d+ read, \d+ created, \d+ updated, \d+ unchanged, \d+ rejected, \d+ warnings$`)

func memberSummary(t *testing.T, r result) string {
	t.Helper()
	lines := memberSummaryRe.FindAllString(r.stdout, -1)
	if len(lines) != 1 {
		t.Fatalf("want exactly one summary line, got %q\nstderr: %s", r.stdout, r.stderr)
	}
	return lines[0]
}

// TestMembersImportExportLapse drives the member commands as an operator
// would: import with rejections, idempotent re-import, masked and revealed
// export (audited), the lapse rule's boundary, --apply.
func TestMembersImportExportLapse(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科协\nHLJ,ROOT,provincial_association,黑龙江省科协\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "2 created")
	env := map[string]string{"KEXIE_DATA_KEY": base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))}
	file := filepath.Join(dir, "members.csv")
	content := "member_no,org_code,type,name,gender,birth_date,id_type,id_number,email,phone,joined,status,last_dues_paid,last_activity\n" +
		"M1,HLJ,individual,王芳,女,1949-12-31,resident_id,11010519491231002X,wf@example.cn,13812345678,2020-01-01,,2024-06-30,2024-06-30\n" +
		"M2,HLJ,student,曾小明,,,,,,,2021-05-01,active,2026-01-01,2024-06-29\n" +
		"M3,HLJ,individual,单田芳,,,resident_id,110105194912310021,,,2020-01-01,,,\n" + // bad check character
		"M4,HLJ,individual,王芳,,,resident_id,11010519491231002X,,,2020-01-01,,,\n" + // same document as M1
		"M5,NOPE,individual,张三,,,,,,,2020-01-01,,,\n" +
		"M6,HLJ,honorary,钱学森,,,,,,,1990-01-01,,,\n"
	_ = os.WriteFile(file, []byte(content), 0o644)
	errs := filepath.Join(dir, "errors.csv")
	r := run(t, "", env, "import", "members", file, "--db", db, "--errors", errs)
	if got := memberSummary(t, r); got != "members: 6 read, 3 created, 0 updated, 0 unchanged, 3 rejected, 0 warnings" || r.code != 1 {
		t.Fatalf("import: %q exit %d\n%s", got, r.code, r.stderr)
	}
	b, _ := os.ReadFile(errs)
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "4,M3,") || !strings.HasPrefix(lines[1], "5,M4,") || !strings.HasPrefix(lines[2], "6,M5,") {
		t.Fatalf("error file:\n%s", b)
	}
	r = run(t, "", env, "import", "members", file, "--db", db)
	if got := memberSummary(t, r); got != "members: 6 read, 0 created, 0 updated, 3 unchanged, 3 rejected, 0 warnings" {
		t.Fatalf("re-import: %q", got)
	}
	// The roll-up counts active memberships in the organisation and below.
	for code, wantJSON := range map[string]string{"ROOT": `{"honorary":1,"individual":1,"student":1,"total":3}`, "HLJ": `{"honorary":1,"individual":1,"student":1,"total":3}`} {
		r = run(t, "", nil, "stats", code, "--json", "--db", db)
		if !strings.Contains(r.stdout, `"members":`+wantJSON+`}`) {
			t.Fatalf("stats %s: %s", code, r.stdout)
		}
	}
	// The ID number is stored sealed, not in clear.
	raw, _ := os.ReadFile(db)
	wal, _ := os.ReadFile(db + "-wal")
	if strings.Contains(string(raw)+string(wal), "11010519491231002X") || !strings.Contains(string(raw)+string(wal), "110105************") {
		t.Fatal("the ID number is in the database file in clear")
	}
	out := filepath.Join(dir, "out.csv")
	want(t, run(t, "", env, "export", "members", out, "--db", db), 0, "3 exported")
	masked, _ := os.ReadFile(out)
	if !strings.Contains(string(masked), "110105************") || strings.Contains(string(masked), "11010519491231002X") {
		t.Fatalf("masked export:\n%s", masked)
	}
	want(t, run(t, "", env, "export", "members", out, "--db", db, "--reveal-ids"), 1, "--reason")
	want(t, run(t, "", env, "export", "members", out, "--db", db, "--reveal-ids", "--reason", "data request 2026-17"), 0, "3 exported")
	clear, _ := os.ReadFile(out)
	if !strings.Contains(string(clear), "11010519491231002X") {
		t.Fatal("revealed export lacks the number")
	}
	// Lapse: M1 paid and took part exactly 2 years before 2026-06-30 — not
	// a lapse; a day later it is. M2's last participation is a day older.
	// The honorary member never lapses.
	r = run(t, "", env, "lapse", "--as-of", "2026-06-30", "--json", "--db", db)
	if strings.TrimSpace(r.stdout) != `[{"member_no":"M2","org_code":"HLJ","reason":"no_participation"}]` {
		t.Fatalf("lapse 2026-06-30: %s", r.stdout)
	}
	r = run(t, "", env, "lapse", "--as-of", "2026-07-01", "--json", "--db", db)
	if strings.TrimSpace(r.stdout) != `[{"member_no":"M1","org_code":"HLJ","reason":"both"},{"member_no":"M2","org_code":"HLJ","reason":"no_participation"}]` {
		t.Fatalf("lapse 2026-07-01: %s", r.stdout)
	}
	want(t, run(t, "", env, "lapse", "--as-of", "2026-07-01", "--apply", "--db", db), 0, "2 members lapsed")
	r = run(t, "", env, "lapse", "--as-of", "2026-07-01", "--json", "--db", db)
	if strings.TrimSpace(r.stdout) != `[]` {
		t.Fatalf("after --apply: %s", r.stdout)
	}
	if r = run(t, "", nil, "stats", "ROOT", "--json", "--db", db); !strings.Contains(r.stdout, `"members":{"honorary":1,"total":1}}`) {
		t.Fatalf("stats after lapse: %s", r.stdout)
	}
	// Without --as-of the rule applies today (Beijing's date), which is not
	// a day still to come.
	want(t, run(t, "", env, "lapse", "--apply", "--db", db), 0, "members lapsed as of")
	want(t, run(t, "", nil, "audit", "verify", "--db", db), 0, "chain intact")
}

package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMemberImportRules pins the import's rules where rows meet each other
// and stored members: every file imports, then re-imports with nothing
// changed; details a file does not carry are kept; two rows for one member
// are one row too many.
func TestMemberImportRules(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科协\nHLJ,ROOT,provincial_association,黑龙江省科协\nJL,ROOT,provincial_association,吉林省科协\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "3 created")
	env := map[string]string{"KEXIE_DATA_KEY": base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))}
	n := 0
	imp := func(content string) string {
		t.Helper()
		n++
		f := filepath.Join(dir, "m"+string(rune('a'+n))+".csv")
		_ = os.WriteFile(f, []byte(content), 0o644)
		return memberSummary(t, run(t, "", env, "import", "members", f, "--db", db))
	}
	check := func(content string, first, again string) {
		t.Helper()
		if got := imp(content); got != first {
			t.Fatalf("import:\n%s\ngot  %q\nwant %q", content, got, first)
		}
		if got := imp(content); got != again {
			t.Fatalf("re-import:\n%s\ngot  %q\nwant %q", content, got, again)
		}
	}
	// A name of symbols only has no reading, and is no crash.
	check("member_no,org_code,type,name\nQ1,HLJ,unit,???\n",
		"members: 1 read, 1 created, 0 updated, 0 unchanged, 0 rejected, 0 warnings",
		"members: 1 read, 0 created, 0 updated, 1 unchanged, 0 rejected, 0 warnings")
	// One person in two organisations, told apart by the employer: the
	// first row's details stand, the second row is a warning — and stays
	// one on every re-import instead of flipping the holder back and forth.
	check("member_no,org_code,type,name,id_number,employer,email\n"+
		"H1,HLJ,individual,王芳,11010519491231002X,哈尔滨工业大学,wf@example.cn\n"+
		"J1,JL,individual,王芳,11010519491231002X,吉林大学,wf@example.cn\n",
		"members: 2 read, 2 created, 0 updated, 0 unchanged, 0 rejected, 1 warnings",
		"members: 2 read, 0 created, 0 updated, 2 unchanged, 0 rejected, 1 warnings")
	// A file without the employer and e-mail columns keeps them: a third
	// membership of the same holder.
	check("member_no,org_code,type,name,id_number\nR1,ROOT,individual,王芳,11010519491231002X\n",
		"members: 1 read, 1 created, 0 updated, 0 unchanged, 0 rejected, 0 warnings",
		"members: 1 read, 0 created, 0 updated, 1 unchanged, 0 rejected, 0 warnings")
	out := filepath.Join(dir, "out.csv")
	want(t, run(t, "", env, "export", "members", out, "--db", db), 0, "exported")
	b, _ := os.ReadFile(out)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "R1,") && (!strings.Contains(line, "哈尔滨工业大学") || !strings.Contains(line, "wf@example.cn")) {
			t.Fatalf("absent columns wiped the holder: %s", line)
		}
	}
	// A blank identity cell does not clear the stored document, and says
	// nothing changed.
	check("member_no,org_code,type,name,id_number\nR1,ROOT,individual,王芳,\n",
		"members: 1 read, 0 created, 0 updated, 1 unchanged, 0 rejected, 0 warnings",
		"members: 1 read, 0 created, 0 updated, 1 unchanged, 0 rejected, 0 warnings")
	// Two rows for one member: a row without number or document that
	// matches a member an earlier row wrote is rejected, on every import.
	check("member_no,org_code,type,name\nL1,JL,individual,李娜\nL2,JL,individual,李娜\n,JL,individual,李娜\n",
		"members: 3 read, 2 created, 0 updated, 0 unchanged, 1 rejected, 0 warnings",
		"members: 3 read, 0 created, 0 updated, 2 unchanged, 1 rejected, 0 warnings")
	// A number the import assigned, given again by a later row: rejected,
	// and the member the first row made stays.
	check("member_no,org_code,type,name,id_number\n,ROOT,individual,甲,110105198001010016\nROOT-000001,ROOT,individual,乙,110105198001010024\n",
		"members: 2 read, 1 created, 0 updated, 0 unchanged, 1 rejected, 0 warnings",
		"members: 2 read, 0 created, 0 updated, 1 unchanged, 1 rejected, 0 warnings")
	want(t, run(t, "", nil, "audit", "verify", "--db", db), 0, "chain intact")
}

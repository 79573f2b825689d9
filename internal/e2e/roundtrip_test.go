package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMaskedExportImportsBackUnchanged: an export without --reveal-ids (ID
// numbers masked) imported again changes no one's identity document — a
// mask is never taken for a number — and cells a spreadsheet would run
// come back as they were (issue 12, items 2, 3 and 6).
func TestMaskedExportImportsBackUnchanged(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	env := map[string]string{"KEXIE_DATA_KEY": base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))}
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科协\nHLJ,ROOT,provincial_association,黑龙江省科协\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "2 created")
	file := filepath.Join(dir, "members.csv")
	_ = os.WriteFile(file, []byte("member_no,org_code,type,name,id_type,id_number,phone,title,joined\n"+
		"M1,HLJ,individual,王芳,resident_id,11010519491231002X,13812345678,=研究员,2020-01-01\n"+
		"M2,HLJ,foreign,Anna,passport,E12345678,+8613800138000,'教授,2020-01-01\n"), 0o644)
	want(t, run(t, "", env, "import", "members", file, "--db", db), 0, "2 created")
	masked := filepath.Join(dir, "masked.csv")
	want(t, run(t, "", env, "export", "members", masked, "--db", db), 0, "2 exported")
	raw, _ := os.ReadFile(masked)
	if strings.Contains(string(raw), "11010519491231002X") || strings.Contains(string(raw), "E12345678") {
		t.Fatalf("the export shows a number:\n%s", raw)
	}
	want(t, run(t, "", env, "import", "members", masked, "--db", db), 0, "2 unchanged")
	revealed := filepath.Join(dir, "revealed.csv")
	want(t, run(t, "", env, "export", "members", revealed, "--reveal-ids", "--reason", "核对", "--db", db), 0, "2 exported")
	back, _ := os.ReadFile(revealed)
	for _, s := range []string{"11010519491231002X", "E12345678", "'=研究员", "''教授"} {
		if !strings.Contains(string(back), s) {
			t.Errorf("after importing the masked export, the revealed export lacks %q:\n%s", s, back)
		}
	}
}

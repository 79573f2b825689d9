package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// `kexie export orgs|members OUT.xlsx` writes the web's sheet for people:
// a named sheet, headers in the chosen language above the codes, frozen,
// with widths and the names of coded values; it still imports back.
func TestExportSheetsForPeople(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	_ = os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh,name_en\nROOT,,national_association,中国科学技术协会,CAST\n"), 0o644)
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "1 created")
	members := filepath.Join(dir, "members.csv")
	_ = os.WriteFile(members, []byte("member_no,org_code,type,name,gender\nM1,ROOT,individual,王芳,female\n"), 0o644)
	want(t, run(t, "", nil, "import", "members", members, "--db", db), 0, "1 created")

	open := func(path string) (*excelize.File, string, [][]string) {
		t.Helper()
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		sheet := f.GetSheetList()[0]
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := f.GetPanes(sheet); err != nil || !p.Freeze || p.YSplit != 2 {
			t.Fatalf("%s: the header is not frozen: %+v %v", path, p, err)
		}
		return f, sheet, rows
	}
	for _, tc := range []struct {
		what, lang, sheet, label, code, value string
	}{
		{"orgs", "zh-Hans", "组织", "组织类型", "kind", "national_association"},
		{"orgs", "en", "Organisations", "Kind", "kind", "national_association"},
		{"members", "zh-Hans", "会员", "姓名或单位名称", "name", "王芳"},
		{"members", "en", "Members", "Name", "name", "王芳"},
	} {
		out := filepath.Join(dir, tc.what+"-"+tc.lang+".xlsx")
		want(t, run(t, "", nil, "export", tc.what, out, "--lang", tc.lang, "--db", db), 0, "1 exported")
		f, sheet, rows := open(out)
		if sheet != tc.sheet || len(rows) != 3 {
			t.Fatalf("%s: sheet %q with %d rows", out, sheet, len(rows))
		}
		i := slices.Index(rows[0], tc.label)
		if i < 0 || rows[1][i] != tc.code || rows[2][i] != tc.value {
			t.Fatalf("%s: no %q above %q: %q / %q / %q", out, tc.label, tc.code, rows[0], rows[1], rows[2])
		}
		if tc.code == "kind" && (len(rows[2]) <= i+1 || rows[2][i+1] == "" || rows[2][i+1] == tc.value) {
			t.Fatalf("%s: the kind has no name beside it: %q", out, rows[2])
		}
		col, _ := excelize.ColumnNumberToName(slices.Index(rows[1], "name_zh") + 1)
		if tc.what == "orgs" {
			if w, err := f.GetColWidth(sheet, col); err != nil || w < 30 {
				t.Fatalf("%s: name_zh is %v wide", out, w)
			}
		}
		// It imports back: nothing changes.
		if tc.what == "orgs" {
			want(t, run(t, "", nil, "import", "orgs", out, "--db", db), 0, "1 unchanged")
		} else {
			want(t, run(t, "", nil, "import", "members", out, "--db", db), 0, "1 unchanged")
		}
	}
	r := run(t, "", nil, "export", "orgs", filepath.Join(dir, "x.xlsx"), "--lang", "fr", "--db", db)
	if r.code == 0 {
		t.Fatal("an unknown language was accepted")
	}
}

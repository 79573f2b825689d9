package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var summaryRe = regexp.MustCompile(`(?m)^orgs: (\d+) read, (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected, (\d+) warnings$`)

func summary(t *testing.T, r result) string {
	t.Helper()
	lines := summaryRe.FindAllString(r.stdout, -1)
	if len(lines) != 1 {
		t.Fatalf("want exactly one summary line, got %q\nstderr: %s", r.stdout, r.stderr)
	}
	return lines[0]
}

// TestImportContract checks the import command to the letter: the summary
// line, the exit status, --dry-run, --errors, idempotence, GB18030, and the
// export → import round trip.
func TestImportContract(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	file := filepath.Join(dir, "orgs.csv")
	content := "code,parent_code,kind,name_zh,name_en,region_code,uscc,established,independent,status\n" +
		"HRB,HLJ,municipal_association,哈尔滨市科学技术协会,Harbin,230100,,1958,1,\n" +
		"HLJ,ROOT,provincial_association,黑龙江省科学技术协会,Heilongjiang,230000,91350100M000100Y44,1958-12,是,active\n" +
		"ROOT,,national_association,中国科学技术协会,CAST,,,1958-09,false,\n" +
		"BAD,ROOT,planet,坏,,,,,,\n"
	if err := os.WriteFile(file, []byte("\xef\xbb\xbf"+content), 0o644); err != nil {
		t.Fatal(err)
	}
	errs := filepath.Join(dir, "errors.csv")
	r := run(t, "", nil, "import", "orgs", file, "--db", db, "--dry-run", "--errors", errs)
	if got := summary(t, r); got != "orgs: 4 read, 3 created, 0 updated, 0 unchanged, 1 rejected, 1 warnings" || r.code == 0 {
		t.Fatalf("dry run: %q exit %d", got, r.code)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("the dry run created the database file")
	}
	b, _ := os.ReadFile(errs)
	if string(b) != "5,BAD,\"unknown organisation kind \"\"planet\"\"\"\n" {
		t.Fatalf("error file %q", b)
	}
	r = run(t, "", nil, "import", "orgs", file, "--db", db)
	if got := summary(t, r); got != "orgs: 4 read, 3 created, 0 updated, 0 unchanged, 1 rejected, 1 warnings" || r.code != 1 {
		t.Fatalf("import: %q exit %d", got, r.code)
	}
	// Without the bad row: exit 0, and a re-import changes nothing.
	good := strings.Replace(content, "BAD,ROOT,planet,坏,,,,,,\n", "", 1)
	gbFile := filepath.Join(dir, "gb.csv")
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(good))
	if err := os.WriteFile(gbFile, gb, 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", nil, "import", "orgs", gbFile, "--db", db)
	if got := summary(t, r); got != "orgs: 3 read, 0 created, 0 updated, 3 unchanged, 0 rejected, 1 warnings" || r.code != 0 {
		t.Fatalf("GB18030 re-import: %q exit %d", got, r.code)
	}
	r = run(t, "", nil, "stats", "ROOT", "--json", "--db", db)
	var st map[string]map[string]int
	if err := json.Unmarshal([]byte(strings.Replace(r.stdout, `"org":"ROOT",`, "", 1)), &st); err != nil || !strings.HasPrefix(r.stdout, `{"org":"ROOT",`) {
		t.Fatalf("stats JSON %q: %v", r.stdout, err)
	}
	if st["children"]["provincial_association"] != 1 || st["subtree"]["municipal_association"] != 1 || st["independent"]["municipal_association"] != 1 {
		t.Fatalf("stats %v", st)
	}
	// A file that cannot be read at all still ends with one summary line.
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("code,kind,colour\n"), 0o644)
	r = run(t, "", nil, "import", "orgs", bad, "--db", db)
	if got := summary(t, r); got != "orgs: 0 read, 0 created, 0 updated, 0 unchanged, 0 rejected, 0 warnings" || r.code == 0 || !strings.Contains(r.stderr, "colour") {
		t.Fatalf("unreadable file: %q exit %d %s", got, r.code, r.stderr)
	}
	r = run(t, "", nil, "import", "orgs", filepath.Join(dir, "missing.csv"), "--db", db)
	if summary(t, r); r.code == 0 {
		t.Fatal("a missing file exits 0")
	}
	// Round trip through both file kinds into empty databases.
	for _, ext := range []string{"csv", "xlsx"} {
		out := filepath.Join(dir, "export."+ext)
		want(t, run(t, "", nil, "export", "orgs", out, "--db", db), 0, "orgs: 3 exported")
		fresh := filepath.Join(dir, "fresh-"+ext+".db")
		r = run(t, "", nil, "import", "orgs", out, "--db", fresh)
		if got := summary(t, r); got != "orgs: 3 read, 3 created, 0 updated, 0 unchanged, 0 rejected, 1 warnings" {
			t.Fatalf("%s round trip: %q", ext, got)
		}
		again := filepath.Join(dir, "again."+ext)
		run(t, "", nil, "export", "orgs", again, "--db", fresh)
		if ext == "csv" {
			a, _ := os.ReadFile(out)
			b, _ := os.ReadFile(again)
			if string(a) != string(b) {
				t.Fatalf("export → import → export differs:\n%s\n%s", a, b)
			}
		}
	}
}

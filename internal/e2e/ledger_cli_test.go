package e2e

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var ledgerSummaryRe = regexp.MustCompile(`(?m)^ledger: \d+ entries read, \d+ posted, \d+ rejected$`)

func ledgerSummary(t *testing.T, r result) string {
	t.Helper()
	lines := ledgerSummaryRe.FindAllString(r.stdout, -1)
	if len(lines) != 1 {
		t.Fatalf("want exactly one summary line, got %q\nstderr: %s", r.stdout, r.stderr)
	}
	return lines[0]
}

// TestLedgerCLI checks `kexie ledger import|verify|report` to the letter:
// the summary line and exit status, --dry-run, --errors, idempotence,
// GB18030 and XLSX files, a fund created by its first income line, the
// release of restricted spending, the report's JSON (its keys and every
// figure), and verify finding a line changed behind the ledger's back.
func TestLedgerCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	orgs := filepath.Join(dir, "orgs.csv")
	if err := os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科学技术协会\nHLJ,ROOT,provincial_association,黑龙江省科学技术协会\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "", nil, "import", "orgs", orgs, "--db", db), 0, "orgs:")

	journal := "entry,date,account,fund,debit,credit,memo\n" +
		"E1,2024-01-10,1002,,5000,,青年科技奖捐赠\n" +
		"E1,2024-01-10,4101,YSTA,,5000,青年科技奖\n" +
		"E2,2024-02-01,1002,,800.25,,会费\n" +
		"E2,2024-02-01,4201,,,800.25,会费\n" +
		"E3,2024-03-01,5101,YSTA,1200.50,,颁奖\n" +
		"E3,2024-03-01,1002,,,1200.50,颁奖\n" +
		"E4,2024-03-02,5201,,100,,办公\n" +
		"E4,2024-03-02,1002,,,99,办公\n" +
		"E5,2024-04-01,5201,,1.234,,坏金额\n" +
		"E5,2024-04-01,1002,,,1.234,坏金额\n" +
		"E6,2024-05-01,5201,,300,,办公\n" +
		"E6,2024-05-01,1002,,,300,办公\n"
	file := filepath.Join(dir, "journal.csv")
	if err := os.WriteFile(file, []byte("\xef\xbb\xbf"+journal), 0o644); err != nil {
		t.Fatal(err)
	}
	errs := filepath.Join(dir, "errors.csv")

	r := run(t, "", nil, "ledger", "import", "HLJ", file, "--dry-run", "--errors", errs, "--db", db)
	if got := ledgerSummary(t, r); got != "ledger: 6 entries read, 4 posted, 2 rejected" || r.code != 1 {
		t.Fatalf("dry run: %q exit %d", got, r.code)
	}
	b, _ := os.ReadFile(errs)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "entry,line,reason" || !strings.HasPrefix(lines[1], "E4,8,") || !strings.HasPrefix(lines[2], "E5,10,") {
		t.Fatalf("errors file:\n%s", b)
	}
	want(t, run(t, "", nil, "ledger", "verify", "HLJ", "--db", db), 0, "ledger HLJ: 0 entries verified")

	r = run(t, "", nil, "ledger", "import", "HLJ", file, "--db", db)
	if got := ledgerSummary(t, r); got != "ledger: 6 entries read, 4 posted, 2 rejected" || r.code != 1 {
		t.Fatalf("import: %q exit %d", got, r.code)
	}
	r = run(t, "", nil, "ledger", "import", "HLJ", file, "--db", db)
	if got := ledgerSummary(t, r); got != "ledger: 6 entries read, 0 posted, 2 rejected" {
		t.Fatalf("re-import: %q", got)
	}

	// The good entries again, in GB18030: nothing posted, exit 0.
	var good []string
	for _, l := range strings.Split(journal, "\n") {
		if !strings.HasPrefix(l, "E4,") && !strings.HasPrefix(l, "E5,") {
			good = append(good, l)
		}
	}
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.Join(good, "\n")))
	gbFile := filepath.Join(dir, "gb.csv")
	if err := os.WriteFile(gbFile, gb, 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", nil, "ledger", "import", "HLJ", gbFile, "--db", db)
	if got := ledgerSummary(t, r); got != "ledger: 4 entries read, 0 posted, 0 rejected" || r.code != 0 {
		t.Fatalf("GB18030: %q exit %d", got, r.code)
	}

	// An XLSX file.
	x := excelize.NewFile()
	for i, row := range [][]any{{"entry", "date", "account", "fund", "debit", "credit", "memo"},
		{"X1", "2024-06-30", "1002", "", "10", "", "利息"}, {"X1", "2024-06-30", "4601", "", "", "10", "利息"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	xlsx := filepath.Join(dir, "journal.xlsx")
	if err := x.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	r = run(t, "", nil, "ledger", "import", "HLJ", xlsx, "--db", db)
	if got := ledgerSummary(t, r); got != "ledger: 1 entries read, 1 posted, 0 rejected" || r.code != 0 {
		t.Fatalf("XLSX: %q exit %d", got, r.code)
	}

	// 6 posted entries: E1, E2, E3 and its release, E6, X1.
	want(t, run(t, "", nil, "ledger", "verify", "HLJ", "--db", db), 0, "ledger HLJ: 6 entries verified, balances exact")

	r = run(t, "", nil, "ledger", "report", "HLJ", "--year", "2024", "--json", "--db", db)
	if r.code != 0 {
		t.Fatalf("report: %d %s %s", r.code, r.stdout, r.stderr)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &top); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "change,expenses,funds,income,net_assets,org,released,year" {
		t.Fatalf("report keys %v", keys)
	}
	type split struct{ Unrestricted, Restricted int64 }
	var rep struct {
		Org       string           `json:"org"`
		Year      int              `json:"year"`
		Income    map[string]split `json:"income"`
		Expenses  map[string]int64 `json:"expenses"`
		Released  int64            `json:"released"`
		Change    split            `json:"change"`
		NetAssets split            `json:"net_assets"`
		Funds     map[string]int64 `json:"funds"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Org != "HLJ" || rep.Year != 2024 || len(rep.Income) != 7 || len(rep.Expenses) != 4 {
		t.Fatalf("report %s", r.stdout)
	}
	if rep.Income["4101"] != (split{0, 500000}) || rep.Income["4201"] != (split{80025, 0}) || rep.Income["4601"] != (split{1000, 0}) ||
		rep.Expenses["5101"] != 120050 || rep.Expenses["5201"] != 30000 || rep.Released != 120050 {
		t.Fatalf("flows %s", r.stdout)
	}
	// unrestricted: 80025 + 1000 − 150050 + 120050; restricted: 500000 − 120050.
	if rep.Change != (split{51025, 379950}) || rep.NetAssets != (split{51025, 379950}) || len(rep.Funds) != 1 || rep.Funds["YSTA"] != 379950 {
		t.Fatalf("change, net assets, funds %s", r.stdout)
	}
	want(t, run(t, "", nil, "ledger", "report", "NOWHERE", "--year", "2024", "--db", db), 1, "")

	// Income by source, for the statistics forms: every source, the total
	// equal to the report's income.
	r = run(t, "", nil, "ledger", "sources", "HLJ", "--year", "2024", "--json", "--db", db)
	if r.code != 0 || strings.TrimSpace(r.stdout) != `{"org":"HLJ","year":2024,"sources":{"allocation":0,"donations":500000,"dues":80025,"funding":0,"interest":1000,"other":0,"services":0},"total":581025}` {
		t.Fatalf("sources: %d %s %s", r.code, r.stdout, r.stderr)
	}
	want(t, run(t, "", nil, "ledger", "sources", "HLJ", "--year", "2024", "--db", db), 0, "donations  5000.00")
	// Of a period of whole months: from and to in place of year; a day
	// inside a month refused.
	r = run(t, "", nil, "ledger", "sources", "HLJ", "--from", "2024-02-01", "--to", "2024-02-29", "--json", "--db", db)
	if r.code != 0 || strings.TrimSpace(r.stdout) != `{"org":"HLJ","from":"2024-02","to":"2024-02","sources":{"allocation":0,"donations":0,"dues":80025,"funding":0,"interest":0,"other":0,"services":0},"total":80025}` {
		t.Fatalf("sources of February: %d %s %s", r.code, r.stdout, r.stderr)
	}
	want(t, run(t, "", nil, "ledger", "sources", "HLJ", "--from", "2024-02", "--to", "2024-04", "--db", db), 0, "HLJ 2024-02 to 2024-04 income by source")
	if r := run(t, "", nil, "ledger", "sources", "HLJ", "--from", "2024-02-15", "--to", "2024-04", "--db", db); r.code == 0 || !strings.Contains(r.stderr, "whole months") {
		t.Fatalf("a day inside a month: %d %s %s", r.code, r.stdout, r.stderr)
	}
	want(t, run(t, "", nil, "ledger", "sources", "HLJ", "--year", "2024", "--from", "2024-02", "--db", db), 2, "")

	// A line changed behind the ledger's back (its guard dropped first):
	// verify finds it and exits 1.
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER ledger_lines_no_update`, `UPDATE ledger_lines SET debit = debit + 1 WHERE id = (SELECT MIN(id) FROM ledger_lines WHERE debit > 0)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	r = run(t, "", nil, "ledger", "verify", "HLJ", "--db", db)
	if r.code != 1 || !strings.Contains(r.stdout, "problems") {
		t.Fatalf("verify after tampering: %d %s", r.code, r.stdout)
	}
}

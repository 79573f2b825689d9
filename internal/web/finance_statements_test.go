package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
)

// TestFinanceStatementFiles: the year's statements as an XLSX workbook
// (a named sheet per statement, title, header row frozen, widths, amounts
// as numbers in yuan) read back with excelize, and as a PDF read back
// with pdftotext, in both languages.
func TestFinanceStatementFiles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("auditor", kexie.RoleAuditor, e.a)
		today := kexie.Today(time.Now())
		year := itoa(int64(today.Year()))
		_, err := e.db.Finance.DeclareFund(ctx, e.setup, e.a.ID, finance.NewFund{Code: "YSTA", Provider: "某基金会", Purpose: "青年科技奖", Accounts: []string{"5101"}})
		if err != nil {
			t.Fatal(err)
		}
		d := today.String()
		res, err := e.db.Finance.Import(ctx, e.setup, e.a.ID, []finance.ImportEntry{
			{Ref: "E1", Lines: []finance.ImportLine{{Line: 2, Date: d, Account: "1002", Debit: "5000"}, {Line: 3, Date: d, Account: "4101", Fund: "YSTA", Credit: "5000"}}},
			{Ref: "E2", Lines: []finance.ImportLine{{Line: 4, Date: d, Account: "1002", Debit: "800.25"}, {Line: 5, Date: d, Account: "4201", Credit: "800.25"}}},
			{Ref: "E3", Lines: []finance.ImportLine{{Line: 6, Date: d, Account: "5101", Fund: "YSTA", Debit: "1200.50"}, {Line: 7, Date: d, Account: "1002", Credit: "1200.50"}}},
		}, false)
		if err != nil || res.Posted != 3 {
			t.Fatalf("set-up: %v %+v", err, res)
		}
		c := e.client()
		c.mustLogin("auditor")

		r := c.get("/orgs/A/ledger/statements.xlsx?year=" + year + "&lang=zh-Hans")
		wantStatus(t, r, http.StatusOK)
		x, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "业务活动表,资产负债表,专项资金表,科目余额表,收入来源表" {
			t.Fatalf("sheets %s", got)
		}
		rows, err := x.GetRows("业务活动表")
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "业务活动表" || !strings.Contains(rows[1][0], "A省科协") || strings.Join(rows[2], "|") != "项目|行次|非限定性|限定性|合计" {
			t.Fatalf("title and header: %q", rows[:3])
		}
		find := func(rows [][]string, prefix string) []string {
			for _, row := range rows {
				if len(row) > 0 && strings.HasPrefix(strings.TrimSpace(row[0]), prefix) {
					return row
				}
			}
			t.Fatalf("no row %q in %q", prefix, rows)
			return nil
		}
		if row := find(rows, "4101"); row[2] != "0.00" || row[3] != "5,000.00" || row[4] != "5,000.00" {
			t.Fatalf("4101 row %q", row)
		}
		if row := find(rows, "4201"); row[2] != "800.25" {
			t.Fatalf("4201 row %q", row)
		}
		// Amounts are numbers, not text.
		if v, _ := x.GetCellValue("业务活动表", "D5", excelize.Options{RawCellValue: true}); v != "5000" {
			t.Fatalf("D5 raw %q", v)
		}
		if typ, _ := x.GetCellType("业务活动表", "D5"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Fatal("an amount stored as text")
		}
		panes, err := x.GetPanes("业务活动表")
		if err != nil || !panes.Freeze || panes.YSplit != 3 {
			t.Fatalf("header not frozen: %+v %v", panes, err)
		}
		if w, _ := x.GetColWidth("业务活动表", "A"); w < 20 {
			t.Fatalf("column A width %v", w)
		}
		bs, _ := x.GetRows("资产负债表")
		if row := find(bs, "1002"); row[2] != "4,599.75" {
			t.Fatalf("1002 row %q", row)
		}
		// Income by source, as the statistics forms ask for it.
		src, _ := x.GetRows("收入来源表")
		if row := find(src, "捐赠"); row[2] != "5,000.00" {
			t.Fatalf("donations row %q", row)
		}
		if row := find(src, "会费"); row[2] != "800.25" {
			t.Fatalf("dues row %q", row)
		}
		if row := find(src, "合计"); row[2] != "5,800.25" {
			t.Fatalf("total row %q", row)
		}
		fs, _ := x.GetRows("专项资金表")
		if row := find(fs, "YSTA"); row[3] != "5,000.00" || row[4] != "1,200.50" || row[6] != "3,799.50" {
			t.Fatalf("fund row %q", row)
		}

		en := c.get("/orgs/A/ledger/statements.xlsx?year=" + year + "&lang=en")
		xe, err := excelize.OpenReader(bytes.NewReader([]byte(en.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer xe.Close()
		if got := strings.Join(xe.GetSheetList(), ","); got != "Statement of activities,Balance sheet,Fund statement,Trial balance,Income by source" {
			t.Fatalf("English sheets %s", got)
		}

		p := c.get("/orgs/A/ledger/statements.pdf?year=" + year + "&lang=zh-Hans")
		wantStatus(t, p, http.StatusOK)
		text := pdfText(t, p.body)
		for _, want := range []string{"业务活动表", "资产负债表", "专项资金表", "科目余额表", "5000.00", "3799.50", "4599.75", "A省科协", "收入来源表", "5800.25"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
		if text := pdfText(t, c.get("/orgs/A/ledger/statements.pdf?year="+year+"&lang=en").body); !strings.Contains(text, "Statement of activities") {
			t.Errorf("English PDF:\n%s", text)
		}
		wantStatus(t, c.get("/orgs/A/ledger/statements.xlsx?year=x"), http.StatusBadRequest)
	})
}

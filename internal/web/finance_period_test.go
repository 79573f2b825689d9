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

// TestFinanceStatementPeriod: the statements of a period of whole months
// (last year's February to April of a ledger with entries from January to
// May) on the page, as XLSX (read back with excelize: the period in the
// subtitle, an income-by-source sheet with exact figures), as PDF (read
// back with pdftotext: the income-by-source table) and as JSON (from/to,
// months or days on month boundaries); a period with a day inside a month,
// or ending after this month, is refused with its reason in the reader's
// language, and nothing changes.
func TestFinanceStatementPeriod(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("auditor", kexie.RoleAuditor, e.a)
		ly := itoa(int64(kexie.Today(time.Now()).Year() - 1))
		if _, err := e.db.Finance.DeclareFund(ctx, e.setup, e.a.ID, finance.NewFund{Code: "YSTA", Provider: "某基金会", Purpose: "青年科技奖", Accounts: []string{"5101"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Finance.AddAccount(ctx, e.setup, e.a.ID, finance.NewAccount{Code: "490101", NameZH: "企业资助", NameEN: "Enterprise funding", Source: finance.SourceFunding}); err != nil {
			t.Fatal(err)
		}
		ln := func(n int, date, acc, fund, dr, cr string) finance.ImportLine {
			return finance.ImportLine{Line: n, Date: ly + "-" + date, Account: acc, Fund: fund, Debit: dr, Credit: cr}
		}
		res, err := e.db.Finance.Import(ctx, e.setup, e.a.ID, []finance.ImportEntry{
			{Ref: "E1", Lines: []finance.ImportLine{ln(2, "01-10", "1002", "", "1000", ""), ln(3, "01-10", "4401", "", "", "1000")}},
			{Ref: "E2", Lines: []finance.ImportLine{ln(4, "02-05", "1002", "", "5000", ""), ln(5, "02-05", "4101", "YSTA", "", "5000")}},
			{Ref: "E3", Lines: []finance.ImportLine{ln(6, "03-03", "1002", "", "800.25", ""), ln(7, "03-03", "4201", "", "", "800.25")}},
			{Ref: "E4", Lines: []finance.ImportLine{ln(8, "03-20", "1002", "", "300", ""), ln(9, "03-20", "490101", "", "", "300")}},
			{Ref: "E5", Lines: []finance.ImportLine{ln(10, "04-11", "5101", "YSTA", "1200.50", ""), ln(11, "04-11", "1002", "", "", "1200.50")}},
			{Ref: "E6", Lines: []finance.ImportLine{ln(12, "04-30", "1002", "", "12.34", ""), ln(13, "04-30", "4601", "", "", "12.34")}},
			{Ref: "E7", Lines: []finance.ImportLine{ln(14, "05-02", "1002", "", "99", ""), ln(15, "05-02", "4301", "", "", "99")}},
		}, false)
		if err != nil || res.Posted != 7 {
			t.Fatalf("set-up: %v %+v", err, res)
		}
		c := e.client()
		c.mustLogin("auditor")
		period := "from=" + ly + "-02&to=" + ly + "-04"

		// JSON: income by source of the period, months or days.
		want := `{"org":"A","from":"` + ly + `-02","to":"` + ly + `-04","sources":{"allocation":0,"donations":500000,"dues":80025,"funding":30000,"interest":1234,"other":0,"services":0},"total":611259}`
		for _, q := range []string{period, "from=" + ly + "-02-01&to=" + ly + "-04-30"} {
			r := c.api("GET", "/api/v1/orgs/A/ledger/sources?"+q, "", nil)
			wantStatus(t, r, http.StatusOK)
			if got := strings.TrimSpace(r.body); got != want {
				t.Fatalf("sources %s:\n%s\nwant\n%s", q, got, want)
			}
		}
		var act finance.Activities
		r := c.api("GET", "/api/v1/orgs/A/ledger/activities?from="+ly+"-02-01&to="+ly+"-04-30", "", nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &act)
		if act.From != ly+"-02" || act.To != ly+"-04" || act.Income["4401"] != (finance.Split{}) || act.Income["4101"].Restricted != 500000 || act.Expenses["5101"] != 120050 {
			t.Fatalf("activities of the period: %s", r.body)
		}
		var bs finance.BalanceSheet
		r = c.api("GET", "/api/v1/orgs/A/ledger/balance-sheet?to="+ly+"-04-30", "", nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &bs)
		if bs.At != ly+"-04" || !bs.Balanced || bs.TotalAssets != 591209 {
			t.Fatalf("balance sheet at the period's end: %s", r.body)
		}

		// XLSX: the period in every sheet's subtitle, income by source.
		x := c.get("/orgs/A/ledger/statements.xlsx?" + period + "&lang=zh-Hans")
		wantStatus(t, x, http.StatusOK)
		if cd := x.Header.Get("Content-Disposition"); !strings.Contains(cd, ly+"-02") || !strings.Contains(cd, ly+"-04") {
			t.Errorf("file name %q lacks the period", cd)
		}
		book, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer book.Close()
		if got := strings.Join(book.GetSheetList(), ","); got != "业务活动表,资产负债表,专项资金表,科目余额表,收入来源表" {
			t.Fatalf("sheets %s", got)
		}
		find := func(rows [][]string, prefix string) []string {
			t.Helper()
			for _, row := range rows {
				if len(row) > 0 && strings.HasPrefix(strings.TrimSpace(row[0]), prefix) {
					return row
				}
			}
			t.Fatalf("no row %q in %q", prefix, rows)
			return nil
		}
		rows, _ := book.GetRows("业务活动表")
		if !strings.Contains(rows[1][0], "A省科协") || !strings.Contains(rows[1][0], ly+"-02 至 "+ly+"-04") {
			t.Errorf("activities subtitle %q", rows[1][0])
		}
		if row := find(rows, "4401"); row[4] != "0.00" {
			t.Errorf("January's allocation in the period: %q", row)
		}
		if row := find(rows, "4101"); row[3] != "5,000.00" {
			t.Errorf("4101 %q", row)
		}
		rows, _ = book.GetRows("资产负债表")
		if !strings.Contains(rows[1][0], ly+"-04-30") || rows[2][2] != "期末数" {
			t.Errorf("balance sheet subtitle and header %q", rows[:3])
		}
		if row := find(rows, "1002"); row[2] != "5,912.09" {
			t.Errorf("1002 at the period's end %q", row)
		}
		rows, _ = book.GetRows("收入来源表")
		if rows[0][0] != "收入来源表" || !strings.Contains(rows[1][0], ly+"-02 至 "+ly+"-04") || strings.Join(rows[2], "|") != "资金来源|行次|金额" {
			t.Fatalf("income by source: title, subtitle, header %q", rows[:3])
		}
		got := [][]string{}
		for _, row := range rows[3:] {
			got = append(got, []string{row[0], row[2]})
		}
		wantRows := [][]string{{"财政拨款及政府补助", "0.00"}, {"资助", "300.00"}, {"捐赠", "5,000.00"}, {"会费", "800.25"}, {"经营服务收入", "0.00"}, {"利息及投资收益", "12.34"}, {"其他收入", "0.00"}, {"合计", "6,112.59"}}
		if len(got) != len(wantRows) {
			t.Fatalf("income by source rows %q", got)
		}
		for i := range wantRows {
			if got[i][0] != wantRows[i][0] || got[i][1] != wantRows[i][1] {
				t.Errorf("income by source row %d: %q, want %q", i, got[i], wantRows[i])
			}
		}
		if v, _ := book.GetCellValue("收入来源表", "C5", excelize.Options{RawCellValue: true}); v != "300" {
			t.Errorf("funding raw %q", v)
		}
		xe := c.get("/orgs/A/ledger/statements.xlsx?" + period + "&lang=en")
		be, err := excelize.OpenReader(bytes.NewReader([]byte(xe.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer be.Close()
		rows, _ = be.GetRows("Income by source")
		if len(rows) != 11 || !strings.Contains(rows[1][0], ly+"-02 to "+ly+"-04") || rows[4][0] != "Funding" || rows[4][2] != "300.00" || rows[10][2] != "6,112.59" {
			t.Errorf("English income by source %q", rows)
		}

		// PDF: the income-by-source table, the period said.
		text := pdfText(t, c.get("/orgs/A/ledger/statements.pdf?"+period+"&lang=zh-Hans").body)
		for _, want := range []string{"收入来源表", "资金来源", "资助", "300.00", "800.25", "12.34", "6112.59", ly + "-02 至 " + ly + "-04", ly + "-04-30"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
		if text := pdfText(t, c.get("/orgs/A/ledger/statements.pdf?"+period+"&lang=en").body); !strings.Contains(text, "Income by source") || !strings.Contains(text, "Funding") || !strings.Contains(text, "6112.59") {
			t.Errorf("English PDF:\n%s", text)
		}

		// The page: a period picker, the period's figures, files of the period.
		p := c.get("/orgs/A/ledger/statements?" + period)
		wantStatus(t, p, http.StatusOK)
		for _, want := range []string{`type="month" name="from" value="` + ly + `-02"`, `name="year"`, "6112.59", "5912.09", "statements.xlsx?from=" + ly + "-02&amp;to=" + ly + "-04", "整月"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("statements page lacks %q", want)
			}
		}

		// The books' page: the same picker, the period's activities and
		// the balance sheet at its end; January's and May's entries left out.
		p = c.get("/orgs/A/ledger?" + period)
		wantStatus(t, p, http.StatusOK)
		activities := between(t, p.body, `id="ledger-activities"`, `</table>`)
		row := func(code, unrestricted string) string {
			return `<tr><td>` + code + `</td><td class="num">` + unrestricted + `</td>`
		}
		for _, want := range []string{row("4101", "0.00") + `<td class="num">5000.00</td>`, row("4201", "800.25"), row("4901", "300.00"), row("4601", "12.34"),
			row("5101", "1200.50"), row("4401", "0.00"), row("4301", "0.00")} {
			if !strings.Contains(activities, want) {
				t.Errorf("books page, activities of the period, lack %q: %s", want, activities)
			}
		}
		for _, want := range []string{ly + "-02 至 " + ly + "-04", `id="ledger-months"`, `name="from" value="` + ly + `-02"`, "截至 " + ly + "-04-30", "5912.09"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("books page lacks %q", want)
			}
		}
		if y := c.get("/orgs/A/ledger?year=" + ly); !strings.Contains(between(t, y.body, `id="ledger-activities"`, `</table>`), row("4401", "1000.00")) || !strings.Contains(y.body, ly+" 年度") {
			t.Errorf("books page for the year %s lacks January's allocation or the year", ly)
		}

		// Refused: a day inside a month, a period ending after this month;
		// the reason in the reader's language, nothing written.
		before, _ := e.db.Finance.HeadOf(ctx, e.a.ID)
		bad := "from=" + ly + "-02-15&to=" + ly + "-04-30"
		for _, path := range []string{"/orgs/A/ledger/statements?", "/orgs/A/ledger/statements.xlsx?", "/orgs/A/ledger/statements.pdf?", "/orgs/A/ledger?"} {
			r := c.get(path + bad)
			wantStatus(t, r, http.StatusBadRequest)
			if (path == "/orgs/A/ledger/statements?" || path == "/orgs/A/ledger?") && !strings.Contains(r.body, "报表按整月编制") {
				t.Errorf("the page does not say why: %.3000s", r.body)
			}
		}
		r = c.api("GET", "/api/v1/orgs/A/ledger/sources?"+bad, "", nil)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "whole months") && !strings.Contains(r.body, "整月") {
			t.Errorf("API refusal: %s", r.body)
		}
		future := "from=" + ly + "-02&to=" + itoa(int64(kexie.Today(time.Now()).Year()+1)) + "-01"
		wantStatus(t, c.api("GET", "/api/v1/orgs/A/ledger/activities?"+future, "", nil), http.StatusBadRequest)
		wantStatus(t, c.get("/orgs/A/ledger/statements?"+future), http.StatusBadRequest)
		wantStatus(t, c.get("/orgs/A/ledger?"+future), http.StatusBadRequest)
		wantStatus(t, c.get("/orgs/A/ledger?year=abc"), http.StatusBadRequest)
		wantStatus(t, c.api("GET", "/api/v1/orgs/A/ledger/trial-balance?from=x&to=2", "", nil), http.StatusBadRequest)
		if after, _ := e.db.Finance.HeadOf(ctx, e.a.ID); after != before {
			t.Fatalf("a refused period changed the books: %+v → %+v", before, after)
		}
	})
}

// between is the part of s from the first start to the first end after it.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	_, after, ok := strings.Cut(s, start)
	if !ok {
		t.Fatalf("no %q in %.3000s", start, s)
	}
	part, _, _ := strings.Cut(after, end)
	return part
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
)

// TestFinancePages: what the API does is on pages too — declaring a fund
// and a sub-account, rejecting and reversing entries, closing and
// reopening (behind confirmations), the trial balance and fund statement
// in yuan.
func TestFinancePages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("cashier", kexie.RoleTreasurer, e.a)
		e.user("acct", kexie.RoleAccountant, e.a)
		today := kexie.Today(time.Now())
		cashier := e.client()
		cashier.mustLogin("cashier")
		acct := e.client()
		acct.mustLogin("acct")

		wantStatus(t, cashier.post("/orgs/A/ledger/funds", url.Values{"code": {"YSTA"}, "provider": {"某基金会"}, "purpose": {"青年科技奖"}, "accounts": {"5101"}}), http.StatusSeeOther)
		wantStatus(t, cashier.post("/orgs/A/ledger/funds", url.Values{"code": {"YSTA"}}), http.StatusConflict) // shown again with the reason
		wantStatus(t, cashier.post("/orgs/A/ledger/accounts", url.Values{"code": {"100201"}, "name_zh": {"工商银行"}}), http.StatusSeeOther)
		p := cashier.get("/orgs/A/ledger/funds")
		if !strings.Contains(p.body, "YSTA") || !strings.Contains(p.body, "工商银行") {
			t.Fatalf("funds page: %.3000s", p.body)
		}

		post := func(lines ...finance.Line) finance.Entry {
			t.Helper()
			en, _, err := e.db.Finance.Record(ctx, kexie.Actor{Username: "cashier", UserID: userID(t, e, "cashier")}, e.a.ID, finance.NewEntry{Date: today.String(), Memo: "m", Lines: lines})
			if err != nil {
				t.Fatal(err)
			}
			return en
		}
		in := post(finance.Line{Account: "100201", Debit: 123456}, finance.Line{Account: "4101", Fund: "YSTA", Credit: 123456})
		wantStatus(t, acct.post("/ledger/entries/"+itoa(in.ID)+"/approve", nil), http.StatusSeeOther)
		bad := post(finance.Line{Account: "5201", Debit: 100}, finance.Line{Account: "100201", Credit: 100})
		wantStatus(t, cashier.post("/ledger/entries/"+itoa(bad.ID)+"/reject", url.Values{"reason": {"x"}}), http.StatusForbidden)
		wantStatus(t, acct.post("/ledger/entries/"+itoa(bad.ID)+"/reject", url.Values{"reason": {"科目错误"}}), http.StatusSeeOther)
		if en, _ := e.db.Finance.EntryByID(ctx, bad.ID); en.Status != finance.StatusRejected || en.DecisionNote != "科目错误" {
			t.Fatalf("rejected: %+v", en)
		}

		page := cashier.get("/orgs/A/ledger")
		if !strings.Contains(page.body, `action="/ledger/entries/`+itoa(in.ID)+`/reverse"`) || !strings.Contains(page.body, `class="confirm"`) {
			t.Fatalf("ledger page has no reversal behind a confirmation: %.4000s", page.body)
		}
		// Unconfirmed, the reversal is refused with the reason and nothing
		// is recorded.
		before, _, _ := e.db.Finance.Entries(ctx, e.a.ID, finance.EntryFilter{})
		r := cashier.post("/ledger/entries/"+itoa(in.ID)+"/reverse", url.Values{"date": {today.String()}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "请勾选确认") {
			t.Errorf("an unconfirmed reversal does not say why: %.3000s", r.body)
		}
		if after, _, _ := e.db.Finance.Entries(ctx, e.a.ID, finance.EntryFilter{}); len(after) != len(before) {
			t.Fatalf("an unconfirmed reversal recorded an entry: %d → %d", len(before), len(after))
		}
		wantStatus(t, cashier.post("/ledger/entries/"+itoa(in.ID)+"/reverse", url.Values{"date": {today.String()}, "confirm": {"yes"}}), http.StatusSeeOther)
		wantStatus(t, cashier.post("/ledger/entries/"+itoa(in.ID)+"/reverse", url.Values{"date": {today.String()}, "confirm": {"yes"}}), http.StatusConflict)

		// Income by source: a sub-account added with its source on the
		// page counts under it; a source that is none is refused.
		wantStatus(t, cashier.post("/orgs/A/ledger/accounts", url.Values{"code": {"490101"}, "name_zh": {"单位资助"}, "source": {"funding"}}), http.StatusSeeOther)
		wantStatus(t, cashier.post("/orgs/A/ledger/accounts", url.Values{"code": {"490102"}, "name_zh": {"x"}, "source": {"lottery"}}), http.StatusBadRequest)
		fund := post(finance.Line{Account: "100201", Debit: 500}, finance.Line{Account: "490101", Credit: 500})
		wantStatus(t, acct.post("/ledger/entries/"+itoa(fund.ID)+"/approve", nil), http.StatusSeeOther)
		src := cashier.api("GET", "/api/v1/orgs/A/ledger/sources?year="+itoa(int64(today.Year())), "", nil)
		wantStatus(t, src, http.StatusOK)
		var bySource finance.IncomeBySource
		src.json(t, &bySource)
		if bySource.Sources["funding"] != 500 || bySource.Sources["other"] != 0 || bySource.Total != 123456+500 || len(bySource.Sources) != 7 {
			t.Fatalf("income by source: %s", src.body)
		}
		wantStatus(t, cashier.api("GET", "/api/v1/orgs/A/ledger/sources?year=x", "", nil), http.StatusBadRequest)

		st := cashier.get("/orgs/A/ledger/statements?year=" + itoa(int64(today.Year())))
		wantStatus(t, st, http.StatusOK)
		for _, want := range []string{`id="trial-balance"`, `id="fund-statement"`, `id="activities"`, `id="sources"`, "1234.56", "100201 工商银行", "YSTA", "资助"} {
			if !strings.Contains(st.body, want) {
				t.Errorf("statements page lacks %q", want)
			}
		}

		// Closing: the accountant, behind a confirmation; the reversal
		// still pending refuses it, with the reason on the page.
		if b := acct.get("/orgs/A/ledger").body; !strings.Contains(b, `id="ledger-closing"`) {
			t.Fatal("no closing section for the accountant")
		}
		if b := cashier.get("/orgs/A/ledger").body; strings.Contains(b, `id="ledger-closing"`) {
			t.Fatal("a closing section for the treasurer")
		}
		month := today.String()[:7]
		wantStatus(t, acct.post("/orgs/A/ledger/close", url.Values{"month": {month}, "confirm": {"yes"}}), http.StatusConflict)
		pending, _, _ := e.db.Finance.Entries(ctx, e.a.ID, finance.EntryFilter{Status: finance.StatusPending})
		for _, en := range pending {
			wantStatus(t, acct.post("/ledger/entries/"+itoa(en.ID)+"/approve", nil), http.StatusSeeOther)
		}
		wantStatus(t, acct.post("/orgs/A/ledger/close", url.Values{"month": {month}}), http.StatusBadRequest)
		if h, _ := e.db.Finance.HeadOf(ctx, e.a.ID); h.ClosedThrough == month {
			t.Fatal("closed without a confirmation")
		}
		wantStatus(t, acct.post("/orgs/A/ledger/close", url.Values{"month": {month}, "confirm": {"yes"}}), http.StatusSeeOther)
		if h, _ := e.db.Finance.HeadOf(ctx, e.a.ID); h.ClosedThrough != month {
			t.Fatalf("closed through %q", h.ClosedThrough)
		}
		if b := acct.get("/orgs/A/ledger").body; !strings.Contains(b, month) {
			t.Fatal("the page does not say how far the books are closed")
		}
		wantStatus(t, acct.post("/orgs/A/ledger/reopen", url.Values{"month": {month}}), http.StatusBadRequest)
		if h, _ := e.db.Finance.HeadOf(ctx, e.a.ID); h.ClosedThrough != month {
			t.Fatal("reopened without a confirmation")
		}
		wantStatus(t, acct.post("/orgs/A/ledger/reopen", url.Values{"month": {month}, "confirm": {"yes"}}), http.StatusSeeOther)
		if h, _ := e.db.Finance.HeadOf(ctx, e.a.ID); h.ClosedThrough >= month {
			t.Fatalf("reopened, closed through %q", h.ClosedThrough)
		}
	})
}

func userID(t *testing.T, e *env, name string) int64 {
	t.Helper()
	u, err := e.db.Access.UserByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

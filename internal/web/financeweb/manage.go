package financeweb

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The books' other pages: funds and sub-accounts, rejecting and reversing
// entries, closing and reopening periods (each irreversible step behind a
// confirmation), and the statements (trial balance, fund statement).

// formDone answers a form: a refusal the user can mend (invalid,
// conflict) is shown on the page again with its reason; anything else
// goes to the error page; success goes back to the page with a flash.
func (s *handlers) formDone(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, again func(status int, msg string) error, to, flash string) error {
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			return again(web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, to, flash)
	return nil
}

func (s *handlers) ledgerAgain(w http.ResponseWriter, r *http.Request, rq *web.Request, code string) func(int, string) error {
	return func(status int, msg string) error {
		r.SetPathValue("code", code)
		return s.renderLedger(w, r, rq, status, msg)
	}
}

// rejectEntry turns a pending entry down, with the reason.
func (s *handlers) rejectEntry(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Entry)
	if err != nil {
		return err
	}
	_, err = s.fin.Reject(r.Context(), rq.Actor(r), e.ID, r.PostForm.Get("reason"))
	return s.formDone(w, r, rq, err, s.ledgerAgain(w, r, rq, e.OrgCode), "/orgs/"+e.OrgCode+"/ledger", "flash.ledger_rejected")
}

// reverseEntry records the reversing entry of a posted one, pending
// approval.
func (s *handlers) reverseEntry(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceRecord, s.fin.Entry)
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		err = kexie.Errorf(kexie.CodeInvalid, "err.confirm_reverse", "tick the confirmation to reverse entry no. %v", e.Seq)
	} else {
		_, err = s.fin.Reverse(r.Context(), rq.Actor(r), e.ID, r.PostForm.Get("date"), r.PostForm.Get("memo"))
	}
	return s.formDone(w, r, rq, err, s.ledgerAgain(w, r, rq, e.OrgCode), "/orgs/"+e.OrgCode+"/ledger", "flash.ledger_reversed")
}

// closePeriod closes a month (month=YYYY-MM) or a year (year=YYYY).
func (s *handlers) closePeriod(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceApprove)
	if err != nil {
		return err
	}
	f := r.PostForm
	if !web.Confirmed(r) {
		err = kexie.Errorf(kexie.CodeInvalid, "err.confirm_close", "tick the confirmation to close the period: nothing more may be posted in it until it is reopened")
	} else if y := strings.TrimSpace(f.Get("year")); y != "" {
		n, perr := strconv.Atoi(y)
		if perr != nil {
			err = kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
		} else {
			_, err = s.fin.CloseYear(r.Context(), rq.Actor(r), o.ID, n)
		}
	} else {
		_, err = s.fin.CloseMonth(r.Context(), rq.Actor(r), o.ID, strings.TrimSpace(f.Get("month")))
	}
	return s.formDone(w, r, rq, err, s.ledgerAgain(w, r, rq, o.Code), "/orgs/"+o.Code+"/ledger", "flash.ledger_closed")
}

// reopenPeriod reopens the books from a month on.
func (s *handlers) reopenPeriod(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceApprove)
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		err = kexie.Errorf(kexie.CodeInvalid, "err.confirm_reopen", "tick the confirmation to reopen the books")
	} else {
		_, err = s.fin.Reopen(r.Context(), rq.Actor(r), o.ID, strings.TrimSpace(r.PostForm.Get("month")))
	}
	return s.formDone(w, r, rq, err, s.ledgerAgain(w, r, rq, o.Code), "/orgs/"+o.Code+"/ledger", "flash.ledger_reopened")
}

type fundsData struct {
	Org       kexie.Organisation
	Funds     []finance.Fund
	Chart     []finance.Account
	Expenses  []finance.Account
	CanRecord bool
	Sources   []sourceOption
}

// sourceOption is a source of funds an income sub-account may count under,
// with its label's message key.
type sourceOption struct{ Value, Key string }

// sourceOptions are the sources of funds in the forms' order (the keys as
// literals, so the catalogs' check finds them).
var sourceOptions = []sourceOption{
	{finance.SourceAllocation, "ledger.source.allocation"},
	{finance.SourceFunding, "ledger.source.funding"},
	{finance.SourceDonations, "ledger.source.donations"},
	{finance.SourceDues, "ledger.source.dues"},
	{finance.SourceServices, "ledger.source.services"},
	{finance.SourceInterest, "ledger.source.interest"},
	{finance.SourceOther, "ledger.source.other"},
}

func (s *handlers) fundsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderFunds(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderFunds(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := fundsData{Org: o}
	if d.Funds, err = s.fin.Funds(ctx, o.ID); err != nil {
		return err
	}
	c, err := s.fin.Chart(ctx, o.ID)
	if err != nil {
		return err
	}
	d.Chart = c.Sorted()
	d.Sources = sourceOptions
	for _, a := range d.Chart {
		if a.Kind == finance.KindExpense {
			d.Expenses = append(d.Expenses, a)
		}
	}
	if d.CanRecord, err = s.reg.May(ctx, rq.Actor(r), kexie.PermFinanceRecord, o.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "ledger.funds", d)
	p.Title = rq.L.T("ledger.funds") + " · " + o.Name(rq.L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "funds", p)
}

func (s *handlers) fundsAgain(w http.ResponseWriter, r *http.Request, rq *web.Request) func(int, string) error {
	return func(status int, msg string) error { return s.renderFunds(w, r, rq, status, msg) }
}

func (s *handlers) declareFundForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.fin.DeclareFund(r.Context(), rq.Actor(r), o.ID, finance.NewFund{Code: f.Get("code"), Provider: f.Get("provider"), Purpose: f.Get("purpose"),
		Accounts: f["accounts"], NotBefore: f.Get("not_before"), NotAfter: f.Get("not_after"), Restriction: f.Get("restriction")})
	return s.formDone(w, r, rq, err, s.fundsAgain(w, r, rq), "/orgs/"+o.Code+"/ledger/funds", "flash.ledger_fund_declared")
}

func (s *handlers) addAccountForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.fin.AddAccount(r.Context(), rq.Actor(r), o.ID, finance.NewAccount{Code: f.Get("code"), NameZH: f.Get("name_zh"), NameEN: f.Get("name_en"),
		Source: f.Get("source")})
	return s.formDone(w, r, rq, err, s.fundsAgain(w, r, rq), "/orgs/"+o.Code+"/ledger/funds", "flash.ledger_account_added")
}

type statementsData struct {
	Org        kexie.Organisation
	Period     stmtPeriod
	Label      string        // the period in words
	At         string        // the day the balance sheet is drawn at
	ThisMonth  string        // the latest month a period may end in
	YearShown  int           // the year in the year field
	Activities []activityRow // the statement of activities, in the order of the chart
	Sources    []sourceRow   // income by source of funds
	SourceSum  int64
	Sheet      sheetView
	Trial      finance.TrialBalance
	Funds      []finance.FundLine
	Names      map[string]string
}

func (d statementsData) Yuan(fen int64) string { return kexie.Money(fen).String() }

// sheetView is the balance sheet as the page shows it, with the sum of
// liabilities and net assets that it balances against.
type sheetView struct{ finance.BalanceSheet }

func (v sheetView) TotalLiabilitiesAndNetAssets() int64 { return v.TotalLiabilities + v.TotalNetAssets }

// sourceRow is a source of funds and its income in the year, in fen.
type sourceRow struct {
	Key    string
	Amount int64
}

// activityRow is a line of the statement of activities on the page:
// unrestricted, restricted and their total, in fen. Total marks the
// totals and the change.
type activityRow struct {
	Label                         string
	Unrestricted, Restricted, All int64
	Total                         bool
}

// activityRows lays out the statement of activities as the page shows
// it: each income account, total income, each expense, total expenses,
// the release from restriction (out of restricted, into unrestricted)
// and the change in net assets.
func activityRows(L *i18n.Localizer, a finance.Activities, names map[string]string) []activityRow {
	var rows []activityRow
	add := func(label string, u, r int64, total bool) {
		rows = append(rows, activityRow{Label: label, Unrestricted: u, Restricted: r, All: u + r, Total: total})
	}
	for _, c := range finance.CodesOf(finance.KindIncome) {
		add(c+" "+names[c], a.Income[c].Unrestricted, a.Income[c].Restricted, false)
	}
	in := a.TotalIncome()
	add(L.T("ledger.total_income"), in.Unrestricted, in.Restricted, true)
	for _, c := range finance.CodesOf(finance.KindExpense) {
		add(c+" "+names[c], a.Expenses[c], 0, false)
	}
	add(L.T("ledger.total_expenses"), a.TotalExpenses(), 0, true)
	add(L.T("ledger.released"), a.Released, -a.Released, false)
	add(L.T("ledger.change"), a.Change.Unrestricted, a.Change.Restricted, true)
	return rows
}

// statementsPage shows a period's statements — of activities, income by
// source, the balance sheet at its end, the trial balance and the fund
// statement — in yuan, with a picker for a year or whole months. A period
// the books cannot give (a day inside a month, an end after this month)
// is refused with the reason, over the current year's statements.
func (s *handlers) statementsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	today := kexie.DateOf(s.Day())
	per, status, errMsg, err := s.pagePeriod(r, rq)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := statementsData{Org: o, Period: per, Label: per.Label(rq.L), At: per.End(today).String(), ThisMonth: today.String()[:7],
		YearShown: per.Year, Names: map[string]string{}}
	if d.YearShown == 0 {
		d.YearShown, _ = strconv.Atoi(per.To[:4])
	}
	from, to := per.From, per.To
	if d.Trial, err = s.fin.TrialBalance(ctx, o.ID, from, to); err != nil {
		return err
	}
	if d.Funds, err = s.fin.FundStatement(ctx, o.ID, from, to); err != nil {
		return err
	}
	if d.Sheet.BalanceSheet, err = s.fin.BalanceSheet(ctx, o.ID, to); err != nil {
		return err
	}
	c, err := s.fin.Chart(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, a := range c.Sorted() {
		d.Names[a.Code] = a.Name(rq.L.Lang)
	}
	act, err := s.fin.Activities(ctx, o.ID, from, to)
	if err != nil {
		return err
	}
	d.Activities = activityRows(rq.L, act, d.Names)
	src, err := s.fin.IncomeBySourceIn(ctx, o, from, to)
	if err != nil {
		return err
	}
	for _, so := range sourceOptions {
		d.Sources = append(d.Sources, sourceRow{Key: so.Key, Amount: src.Sources[so.Value]})
	}
	d.SourceSum = src.Total
	p := s.NewPage(r, rq, "ledger.statements", d)
	p.Title = rq.L.T("ledger.statements") + " · " + o.Name(rq.L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "statements", p)
}

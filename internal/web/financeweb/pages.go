package financeweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The books' page: pending entries to approve, the journal, the funds, a
// form to record an entry, and the statements of a period (this year
// unless ?year= or ?from=&to= say another, as on the statements page);
// money in yuan.

type ledgerData struct {
	Org        kexie.Organisation
	Year       int        // the period's year (its last month's), the year a closing form offers
	Period     stmtPeriod // the period the activities cover; the balance sheet is at its end
	PeriodName string
	At         string // the day the balance sheet is drawn at (stmtPeriod.End)
	ThisMonth  string
	Pending    []finance.Entry
	Entries    []finance.Entry
	Funds      []finance.Fund
	Activities finance.Activities
	Sheet      finance.BalanceSheet
	Accounts   []finance.Account
	CanRecord  bool
	CanApprove bool
	Today      string
	FormRows   []int
	Head       finance.Head
	Journal    web.Pager // the journal's pages, newest first
}

const journalPerPage = 50

func (d ledgerData) Yuan(fen int64) string { return kexie.Money(fen).String() }

// Memo shows an entry's memo: what someone typed as typed, what the books
// wrote themselves (a closing, a release from restriction, a voided
// receipt's reversal) in the reader's language.
func (d ledgerData) Memo(l *i18n.Localizer, e finance.Entry) string {
	var year int
	switch {
	case e.Kind == finance.KindClosing:
		if _, err := fmt.Sscanf(e.Memo, "year-end close %d", &year); err == nil {
			return l.T("ledger.memo.closing", year)
		}
	case e.Kind == finance.KindRelease:
		if fund, ok := strings.CutPrefix(e.Memo, "release (time): "); ok {
			return l.T("ledger.memo.release_time", fund)
		}
		if fund, ok := strings.CutPrefix(e.Memo, "release: "); ok {
			return l.T("ledger.memo.release", fund)
		}
	case e.Kind == finance.KindReversal && strings.HasPrefix(e.Memo, "void "):
		if number, reason, ok := strings.Cut(strings.TrimPrefix(e.Memo, "void "), ": "); ok {
			return l.T("ledger.memo.void", number, reason)
		}
	}
	return e.Memo
}

func (s *handlers) ledgerPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderLedger(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderLedger(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	ctx := r.Context()
	today := kexie.DateOf(s.Day())
	per, perStatus, perMsg, err := s.pagePeriod(r, rq)
	if err != nil {
		return err
	}
	if errMsg == "" && perMsg != "" {
		// A form's own refusal, shown again, comes first.
		status, errMsg = perStatus, perMsg
	}
	d := ledgerData{Org: o, Period: per, PeriodName: per.Label(rq.L), At: per.End(today).String(), ThisMonth: today.String()[:7], Today: today.String(),
		FormRows: []int{1, 2, 3, 4}}
	d.Year, _ = strconv.Atoi(per.To[:4])
	if d.Pending, _, err = s.fin.Entries(ctx, o.ID, finance.EntryFilter{Status: finance.StatusPending, Limit: 100}); err != nil {
		return err
	}
	page := web.PageParam(r)
	total := 0
	if d.Entries, total, err = s.fin.Entries(ctx, o.ID, finance.EntryFilter{Status: finance.StatusPosted, Offset: (page - 1) * journalPerPage, Limit: journalPerPage}); err != nil {
		return err
	}
	d.Journal = web.NewPager(r, page, journalPerPage, total)
	if d.Funds, err = s.fin.Funds(ctx, o.ID); err != nil {
		return err
	}
	if d.Head, err = s.fin.HeadOf(ctx, o.ID); err != nil {
		return err
	}
	from, to := per.From, per.To
	if d.Activities, err = s.fin.Activities(ctx, o.ID, from, to); err != nil {
		return err
	}
	if d.Sheet, err = s.fin.BalanceSheet(ctx, o.ID, to); err != nil {
		return err
	}
	c, err := s.fin.Chart(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, a := range c.Sorted() {
		if a.Leaf {
			d.Accounts = append(d.Accounts, a)
		}
	}
	actor := rq.Actor(r)
	if d.CanRecord, err = s.reg.May(ctx, actor, kexie.PermFinanceRecord, o.ID); err != nil {
		return err
	}
	if d.CanApprove, err = s.reg.May(ctx, actor, kexie.PermFinanceApprove, o.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "ledger.title", d)
	p.Title = rq.L.T("ledger.title") + " · " + o.Name(rq.L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "ledger", p)
}

// recordEntry records an entry from the page's form: rows of account,
// fund, debit and credit typed in yuan.
func (s *handlers) recordEntry(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	f := r.PostForm
	n := finance.NewEntry{Date: f.Get("date"), Reference: f.Get("reference"), Memo: f.Get("memo")}
	accounts, funds, debits, credits := f["account"], f["fund"], f["debit"], f["credit"]
	for i, acc := range accounts {
		if acc == "" {
			continue
		}
		l := finance.Line{Account: acc}
		if i < len(funds) {
			l.Fund = funds[i]
		}
		if i < len(debits) && debits[i] != "" {
			if l.Debit, err = kexie.ParseYuan(debits[i]); err != nil {
				break
			}
		}
		if i < len(credits) && credits[i] != "" {
			if l.Credit, err = kexie.ParseYuan(credits[i]); err != nil {
				break
			}
		}
		n.Lines = append(n.Lines, l)
	}
	if err == nil {
		_, _, err = s.fin.Record(r.Context(), rq.Actor(r), o.ID, n)
	}
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			return s.renderLedger(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+o.Code+"/ledger", "flash.ledger_recorded")
	return nil
}

// approveEntry posts a pending entry, as a second person.
func (s *handlers) approveEntry(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Entry)
	if err != nil {
		return err
	}
	if _, err := s.fin.Approve(r.Context(), rq.Actor(r), e.ID); err != nil {
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+e.OrgCode+"/ledger", "flash.ledger_approved")
	return nil
}

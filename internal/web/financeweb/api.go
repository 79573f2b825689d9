package financeweb

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The JSON API of the books. Amounts are integers of fen.

func (s *handlers) org(r *http.Request, rq *web.Request, p kexie.Permission) (kexie.Organisation, error) {
	return web.LoadByCode(r, rq, p, s.fin.Ledger)
}

func (s *handlers) apiAccounts(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	c, err := s.fin.Chart(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org": o.Code, "accounts": c.Sorted()})
}

func (s *handlers) apiAddAccount(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	var in struct {
		Code   string `json:"code"`
		NameZH string `json:"name_zh"`
		NameEN string `json:"name_en"`
		Source string `json:"source"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.fin.AddAccount(r.Context(), rq.Actor(r), o.ID, finance.NewAccount{Code: in.Code, NameZH: in.NameZH, NameEN: in.NameEN, Source: in.Source})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, a)
}

// fundJSON is a fund with its balance.
type fundJSON struct {
	finance.Fund
	Restricted bool `json:"restricted"`
}

func (s *handlers) apiFunds(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	fs, err := s.fin.Funds(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := []fundJSON{}
	for _, f := range fs {
		if f.Accounts == nil {
			f.Accounts = []string{}
		}
		out = append(out, fundJSON{f, f.Restricted()})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org": o.Code, "funds": out})
}

func (s *handlers) apiDeclareFund(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	var in struct {
		Code        string   `json:"code"`
		Provider    string   `json:"provider"`
		Purpose     string   `json:"purpose"`
		Accounts    []string `json:"accounts"`
		NotBefore   string   `json:"not_before"`
		NotAfter    string   `json:"not_after"`
		Restriction string   `json:"restriction"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	f, err := s.fin.DeclareFund(r.Context(), rq.Actor(r), o.ID, finance.NewFund{Code: in.Code, Provider: in.Provider, Purpose: in.Purpose,
		Accounts: in.Accounts, NotBefore: in.NotBefore, NotAfter: in.NotAfter, Restriction: in.Restriction})
	if err != nil {
		return err
	}
	if f.Accounts == nil {
		f.Accounts = []string{}
	}
	return web.WriteJSON(w, http.StatusCreated, fundJSON{f, f.Restricted()})
}

func (s *handlers) apiEntries(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := finance.EntryFilter{Status: q.Get("status"), Offset: offset, Limit: limit}
	if f.From, err = kexie.ParseDay(q.Get("from")); err != nil {
		return err
	}
	if f.To, err = kexie.ParseDay(q.Get("to")); err != nil {
		return err
	}
	list, total, err := s.fin.Entries(r.Context(), o.ID, f)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].Lines = []finance.Line{}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org": o.Code, "total": total, "offset": offset, "entries": list})
}

// entryIn is an entry as the API takes it.
type entryIn struct {
	Date           string         `json:"date"`
	Reference      string         `json:"reference"`
	Memo           string         `json:"memo"`
	IdempotencyKey string         `json:"idempotency_key"`
	Lines          []finance.Line `json:"lines"`
}

func (s *handlers) apiRecord(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	var in entryIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	key := in.IdempotencyKey
	if h := r.Header.Get("Idempotency-Key"); h != "" && key == "" {
		key = h
	}
	e, created, err := s.fin.Record(r.Context(), rq.Actor(r), o.ID, finance.NewEntry{Date: in.Date, Reference: in.Reference, Memo: in.Memo, Lines: in.Lines, Key: key})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return web.WriteJSON(w, status, e)
}

func (s *handlers) apiEntry(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceRead, s.fin.Entry)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, e)
}

func (s *handlers) apiApprove(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Entry)
	if err != nil {
		return err
	}
	if e, err = s.fin.Approve(r.Context(), rq.Actor(r), e.ID); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, e)
}

func (s *handlers) apiReject(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Entry)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if e, err = s.fin.Reject(r.Context(), rq.Actor(r), e.ID, in.Reason); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, e)
}

func (s *handlers) apiReverse(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := web.LoadByID(r, rq, kexie.PermFinanceRecord, s.fin.Entry)
	if err != nil {
		return err
	}
	var in struct {
		Date string `json:"date"`
		Memo string `json:"memo"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	rev, err := s.fin.Reverse(r.Context(), rq.Actor(r), e.ID, in.Date, in.Memo)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, rev)
}

// periodIn is a close or reopen request: a month, or a year to close.
type periodIn struct {
	Month string `json:"month"`
	Year  int    `json:"year"`
}

func headJSON(o kexie.Organisation, h finance.Head) map[string]any {
	return map[string]any{"org": o.Code, "entries": h.Seq, "closed_through": h.ClosedThrough, "closed_year": h.ClosedYear}
}

func (s *handlers) apiClose(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceApprove)
	if err != nil {
		return err
	}
	var in periodIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	var h finance.Head
	if in.Year != 0 && in.Month == "" {
		h, err = s.fin.CloseYear(r.Context(), rq.Actor(r), o.ID, in.Year)
	} else {
		h, err = s.fin.CloseMonth(r.Context(), rq.Actor(r), o.ID, in.Month)
	}
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, headJSON(o, h))
}

func (s *handlers) apiReopen(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceApprove)
	if err != nil {
		return err
	}
	var in periodIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.fin.Reopen(r.Context(), rq.Actor(r), o.ID, in.Month)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, headJSON(o, h))
}

// period reads ?year=YYYY (the whole year) or ?from=&to= (months
// YYYY-MM, or days on month boundaries); by default the current year to
// this month.
func (s *handlers) period(r *http.Request) (from, to string, err error) {
	p, err := s.readPeriod(r, func(today kexie.Date) stmtPeriod {
		return stmtPeriod{From: today.String()[:4] + "-01", To: today.String()[:7]}
	})
	return p.From, p.To, err
}

// statementOf is what a statement's API route reads first: the
// organisation (finance.read in the caller's subtrees) and the months asked for.
func (s *handlers) statementOf(r *http.Request, rq *web.Request) (o kexie.Organisation, from, to string, err error) {
	if o, err = s.org(r, rq, kexie.PermFinanceRead); err != nil {
		return o, "", "", err
	}
	from, to, err = s.period(r)
	return o, from, to, err
}

func (s *handlers) apiTrialBalance(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, from, to, err := s.statementOf(r, rq)
	if err != nil {
		return err
	}
	tb, err := s.fin.TrialBalance(r.Context(), o.ID, from, to)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, tb)
}

func (s *handlers) apiBalanceSheet(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	_, at, err := s.period(r)
	if a := strings.TrimSpace(r.URL.Query().Get("at")); a != "" {
		// A month, or its last day.
		_, at, err = finance.ParsePeriod(a[:min(len(a), 7)], a, kexie.DateOf(s.Day()))
	}
	if err != nil {
		return err
	}
	bs, err := s.fin.BalanceSheet(r.Context(), o.ID, at)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, bs)
}

func (s *handlers) apiActivities(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, from, to, err := s.statementOf(r, rq)
	if err != nil {
		return err
	}
	a, err := s.fin.Activities(r.Context(), o.ID, from, to)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, a)
}

func (s *handlers) apiFundStatement(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, from, to, err := s.statementOf(r, rq)
	if err != nil {
		return err
	}
	fs, err := s.fin.FundStatement(r.Context(), o.ID, from, to)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org": o.Code, "from": from, "to": to, "funds": fs})
}

func (s *handlers) apiReport(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		y = kexie.DateOf(s.Day()).Year()
	}
	rep, err := s.fin.YearReport(r.Context(), o, y)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, rep)
}

// apiSources is the income by source of funds, for the statistics forms:
// of a year (?year=, the shape the forms were first given) or of a period
// of months (?from=&to=); this year when neither is asked for.
func (s *handlers) apiSources(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	p, err := s.readPeriod(r, thisYear)
	if err != nil {
		return err
	}
	var out finance.IncomeBySource
	q := r.URL.Query()
	if strings.TrimSpace(q.Get("year")) != "" || strings.TrimSpace(q.Get("from")) == "" && strings.TrimSpace(q.Get("to")) == "" {
		out, err = s.fin.IncomeBySource(r.Context(), o, p.Year)
	} else {
		out, err = s.fin.IncomeBySourceIn(r.Context(), o, p.From, p.To)
	}
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

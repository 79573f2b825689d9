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

// stmtPeriod is the period a statement covers: whole months From to To
// (YYYY-MM), and Year when that is one calendar year. The balances are
// kept per month, so months are what the statements compute exactly.
type stmtPeriod struct {
	From, To string
	Year     int
}

func yearPeriod(y int) stmtPeriod {
	return stmtPeriod{From: fmt.Sprintf("%04d-01", y), To: fmt.Sprintf("%04d-12", y), Year: y}
}

// readPeriod reads ?year=YYYY (the whole year), else ?from=&to= (months
// YYYY-MM, or days on month boundaries: finance.ParsePeriod), else the
// default dflt. A missing from is January of to's year; a missing to this
// month.
func (s *handlers) readPeriod(r *http.Request, dflt func(today kexie.Date) stmtPeriod) (stmtPeriod, error) {
	q := r.URL.Query()
	today := kexie.DateOf(s.Day())
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 9999 {
			return stmtPeriod{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
		}
		return yearPeriod(n), nil
	}
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	if from == "" && to == "" {
		return dflt(today), nil
	}
	if to == "" {
		to = today.String()[:7]
	}
	if from == "" && len(to) >= 4 {
		from = to[:4] + "-01"
	}
	f, t, err := finance.ParsePeriod(from, to, today)
	if err != nil {
		return stmtPeriod{}, err
	}
	p := stmtPeriod{From: f, To: t}
	if f[5:] == "01" && t[5:] == "12" && f[:4] == t[:4] {
		p.Year, _ = strconv.Atoi(f[:4])
	}
	return p, nil
}

// pagePeriod is readPeriod for a page: a period the books cannot give (a
// day inside a month, an end after this month) shows the page for this
// year instead, with status 400 and the reason in the request's language.
// Other errors are returned.
func (s *handlers) pagePeriod(r *http.Request, rq *web.Request) (p stmtPeriod, status int, reason string, err error) {
	p, err = s.readPeriod(r, thisYear)
	if kexie.ErrorCode(err) == kexie.CodeInvalid {
		return thisYear(kexie.DateOf(s.Day())), http.StatusBadRequest, web.Message(rq.L, kexie.AsError(err)), nil
	}
	return p, http.StatusOK, "", err
}

// thisYear is the current year, the statements' default on pages and files.
func thisYear(today kexie.Date) stmtPeriod { return yearPeriod(today.Year()) }

// Label is the period in words: "year 2025" (2025 年度), one month, or
// "2025-02 to 2025-04" (2025-02 至 2025-04).
func (p stmtPeriod) Label(L *i18n.Localizer) string {
	switch {
	case p.Year != 0:
		return L.T("ledger.period.year", p.Year)
	case p.From == p.To:
		return p.From
	}
	return L.T("ledger.period.months", p.From, p.To)
}

// End is the day the balance sheet is drawn at: the last day of the
// period's last month, or today while that month runs (a balance is
// never dated in the future).
func (p stmtPeriod) End(today kexie.Date) kexie.Date {
	first, err := kexie.ParseDay(p.To + "-01")
	if err != nil {
		return today
	}
	if end := first.AddMonths(1).AddDays(-1); end.Before(today) {
		return end
	}
	return today
}

// File is the period in a file name: 2025, or 2025-02-2025-04.
func (p stmtPeriod) File() string {
	if p.Year != 0 {
		return strconv.Itoa(p.Year)
	}
	return p.From + "-" + p.To
}

package finance

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// The statements are read from the balances kept per month, so a year's
// statement reads a few hundred rows whatever the journal's length. A
// period is a range of whole months, YYYY-MM to YYYY-MM. Closing entries
// are left out of the flows (income, expenses, releases) and counted in
// the balances, where they only move amounts between accounts.

// Split is an amount in fen of unrestricted (非限定性) and restricted
// (限定性) parts.
type Split struct {
	Unrestricted int64 `json:"unrestricted"`
	Restricted   int64 `json:"restricted"`
}

// balanceRow is one row of ledger_balances.
type balanceRow struct {
	month, account string
	fund           int64
	closing        bool
	debit, credit  int64
}

// ledgerData is what a statement reads: the balances up to a month and
// the funds.
type ledgerData struct {
	rows  []balanceRow
	funds map[int64]Fund
}

func (svc *Service) data(ctx context.Context, orgID int64, through string) (ledgerData, error) {
	var d ledgerData
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		fs, err := fundsTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		d.funds = map[int64]Fund{}
		for _, f := range fs {
			d.funds[f.ID] = f
		}
		rows, err := tx.QueryContext(ctx, `SELECT month, account, fund_id, closing, debit, credit FROM ledger_balances WHERE org_id = $1 AND month <= $2`, orgID, through)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r balanceRow
			var closing int64
			if err := rows.Scan(&r.month, &r.account, &r.fund, &closing, &r.debit, &r.credit); err != nil {
				return err
			}
			r.closing = closing != 0
			d.rows = append(d.rows, r)
		}
		return rows.Err()
	})
	return d, err
}

func kindOf(account string) Kind {
	a, _ := DefaultAccount(TopOf(account))
	return a.Kind
}

// restricted reports whether a row's fund is 限定性.
func (d ledgerData) restricted(fund int64) bool {
	f, ok := d.funds[fund]
	return fund != 0 && ok && f.Restricted()
}

// Activities is the statement of activities (业务活动表) of a period:
// income by category, unrestricted and restricted; expenses; what was
// released from restriction; the change in net assets.
type Activities struct {
	From     string           `json:"from"`
	To       string           `json:"to"`
	Income   map[string]Split `json:"income"`
	Expenses map[string]int64 `json:"expenses"`
	Released int64            `json:"released"`
	Change   Split            `json:"change"`
}

// TotalIncome is the income of every category.
func (a Activities) TotalIncome() Split {
	var s Split
	for _, v := range a.Income {
		s.Unrestricted += v.Unrestricted
		s.Restricted += v.Restricted
	}
	return s
}

// TotalExpenses is the sum of the expenses.
func (a Activities) TotalExpenses() int64 {
	var n int64
	for _, v := range a.Expenses {
		n += v
	}
	return n
}

func (d ledgerData) activities(from, to string) Activities {
	a := Activities{From: from, To: to, Income: map[string]Split{}, Expenses: map[string]int64{}}
	for _, c := range CodesOf(KindIncome) {
		a.Income[c] = Split{}
	}
	for _, c := range CodesOf(KindExpense) {
		a.Expenses[c] = 0
	}
	for _, r := range d.rows {
		if r.closing || r.month < from || r.month > to {
			continue
		}
		top := TopOf(r.account)
		switch kindOf(r.account) {
		case KindIncome:
			s := a.Income[top]
			if d.restricted(r.fund) {
				s.Restricted += r.credit - r.debit
			} else {
				s.Unrestricted += r.credit - r.debit
			}
			a.Income[top] = s
		case KindExpense:
			a.Expenses[top] += r.debit - r.credit
		}
		if top == AccountRestricted {
			a.Released += r.debit - r.credit
		}
	}
	in := a.TotalIncome()
	a.Change = Split{Unrestricted: in.Unrestricted - a.TotalExpenses() + a.Released, Restricted: in.Restricted - a.Released}
	return a
}

// netAssets are the net assets at the end of the data's months.
func (d ledgerData) netAssets() Split {
	var s Split
	for _, r := range d.rows {
		switch kindOf(r.account) {
		case KindIncome:
			if d.restricted(r.fund) {
				s.Restricted += r.credit - r.debit
			} else {
				s.Unrestricted += r.credit - r.debit
			}
		case KindExpense:
			s.Unrestricted -= r.debit - r.credit
		case KindNetAssets:
			if TopOf(r.account) == AccountRestricted {
				s.Restricted += r.credit - r.debit
			} else {
				s.Unrestricted += r.credit - r.debit
			}
		}
	}
	return s
}

// fundBalances is what remains of every restricted fund with lines in the
// data, by code.
func (d ledgerData) fundBalances() map[string]int64 {
	out := map[string]int64{}
	for _, r := range d.rows {
		if !d.restricted(r.fund) {
			continue
		}
		code := d.funds[r.fund].Code
		if _, ok := out[code]; !ok {
			out[code] = 0
		}
		if kindOf(r.account) == KindIncome || TopOf(r.account) == AccountRestricted {
			out[code] += r.credit - r.debit
		}
	}
	return out
}

// Report is a year's figures in the form of the ledger report file.
type Report struct {
	Org       string           `json:"org"`
	Year      int              `json:"year"`
	Income    map[string]Split `json:"income"`
	Expenses  map[string]int64 `json:"expenses"`
	Released  int64            `json:"released"`
	Change    Split            `json:"change"`
	NetAssets Split            `json:"net_assets"`
	Funds     map[string]int64 `json:"funds"`
}

// checkPeriod refuses a period that is not two months YYYY-MM in order.
func checkPeriod(from, to string) error {
	for _, m := range []string{from, to} {
		if _, err := kexie.ParseDay(m + "-01"); err != nil || len(m) != 7 {
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_month", "a month is written YYYY-MM: %v", kexie.Excerpt(m))
		}
	}
	if to < from {
		return kexie.Errorf(kexie.CodeInvalid, "err.ledger_period", "a period ends after it begins")
	}
	return nil
}

// ParsePeriod reads a statement's period as people and programs write it:
// each end a month (YYYY-MM) or a day on a month's boundary — from the
// first day of a month, to the last day of one (2025-02-01 to
// 2025-04-30). The balances are kept per month, so a statement covers
// whole months exactly; a day inside a month is refused rather than
// rounded. A period ends by today's month (what has not happened has no
// statement) and not before it begins. It returns the months YYYY-MM.
func ParsePeriod(from, to string, today kexie.Date) (string, string, error) {
	var months [2]string
	for i, s := range []string{from, to} {
		s = strings.TrimSpace(s)
		if len(s) == 10 {
			d, err := kexie.ParseDay(s)
			if err != nil {
				return "", "", kexie.Errorf(kexie.CodeInvalid, "err.ledger_month", "a month is written YYYY-MM: %v", kexie.Excerpt(s))
			}
			if first := i == 0; first && d.Day() != 1 || !first && d.AddDays(1).Day() != 1 {
				return "", "", kexie.Errorf(kexie.CodeInvalid, "err.ledger_period_months",
					"statements cover whole months: a period begins on the first day of a month and ends on the last day of one, not on %v", s)
			}
			s = s[:7]
		}
		if err := checkPeriod(s, s); err != nil {
			return "", "", err
		}
		months[i] = s
	}
	if err := checkPeriod(months[0], months[1]); err != nil {
		return "", "", err
	}
	if now := monthOf(today); months[1] > now {
		return "", "", kexie.Errorf(kexie.CodeInvalid, "err.ledger_period_future", "a period ends by this month (%v), not in %v", now, months[1])
	}
	return months[0], months[1], nil
}

// YearReport is the report of an organisation's year, from posted entries
// dated in it: income net and split by restriction, expenses net, what was
// released, the change in net assets, the net assets at the year's end and
// every restricted fund's balance then. The caller has loaded the ledger.
func (svc *Service) YearReport(ctx context.Context, org kexie.Organisation, year int) (Report, error) {
	if year < 1900 || year > 9999 {
		return Report{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
	}
	from, to := fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year)
	d, err := svc.data(ctx, org.ID, to)
	if err != nil {
		return Report{}, err
	}
	a := d.activities(from, to)
	return Report{Org: org.Code, Year: year, Income: a.Income, Expenses: a.Expenses, Released: a.Released, Change: a.Change,
		NetAssets: d.netAssets(), Funds: d.fundBalances()}, nil
}

// Activities is the statement of activities of a period of months.
func (svc *Service) Activities(ctx context.Context, orgID int64, from, to string) (Activities, error) {
	if err := checkPeriod(from, to); err != nil {
		return Activities{}, err
	}
	d, err := svc.data(ctx, orgID, to)
	if err != nil {
		return Activities{}, err
	}
	return d.activities(from, to), nil
}

// SheetLine is one line of the balance sheet: a default account's balance.
type SheetLine struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

// BalanceSheet is the balance sheet (资产负债表) at the end of a month.
type BalanceSheet struct {
	At               string      `json:"at"`
	Assets           []SheetLine `json:"assets"`
	Liabilities      []SheetLine `json:"liabilities"`
	NetAssets        Split       `json:"net_assets"`
	TotalAssets      int64       `json:"total_assets"`
	TotalLiabilities int64       `json:"total_liabilities"`
	TotalNetAssets   int64       `json:"total_net_assets"`
	Balanced         bool        `json:"balanced"`
}

// BalanceSheet is the balance sheet at the end of month at (YYYY-MM).
func (svc *Service) BalanceSheet(ctx context.Context, orgID int64, at string) (BalanceSheet, error) {
	if err := checkPeriod(at, at); err != nil {
		return BalanceSheet{}, err
	}
	d, err := svc.data(ctx, orgID, at)
	if err != nil {
		return BalanceSheet{}, err
	}
	return d.balanceSheet(at), nil
}

func (d ledgerData) balanceSheet(at string) BalanceSheet {
	b := BalanceSheet{At: at, Assets: []SheetLine{}, Liabilities: []SheetLine{}}
	sums := map[string]int64{}
	for _, r := range d.rows {
		switch kindOf(r.account) {
		case KindAsset:
			sums[TopOf(r.account)] += r.debit - r.credit
		case KindLiability:
			sums[TopOf(r.account)] += r.credit - r.debit
		}
	}
	for _, c := range CodesOf(KindAsset) {
		b.Assets = append(b.Assets, SheetLine{c, sums[c]})
		b.TotalAssets += sums[c]
	}
	for _, c := range CodesOf(KindLiability) {
		b.Liabilities = append(b.Liabilities, SheetLine{c, sums[c]})
		b.TotalLiabilities += sums[c]
	}
	b.NetAssets = d.netAssets()
	b.TotalNetAssets = b.NetAssets.Unrestricted + b.NetAssets.Restricted
	b.Balanced = b.TotalAssets == b.TotalLiabilities+b.TotalNetAssets
	return b
}

// TrialLine is one account of the trial balance: its balance before the
// period (debit positive), the period's debits and credits, and its
// balance at the end.
type TrialLine struct {
	Account string `json:"account"`
	Opening int64  `json:"opening"`
	Debit   int64  `json:"debit"`
	Credit  int64  `json:"credit"`
	Closing int64  `json:"closing"`
}

// TrialBalance is the trial balance of a period: every account with a
// balance or a movement.
type TrialBalance struct {
	From     string      `json:"from"`
	To       string      `json:"to"`
	Lines    []TrialLine `json:"lines"`
	Debit    int64       `json:"debit"`
	Credit   int64       `json:"credit"`
	Balanced bool        `json:"balanced"`
}

// TrialBalance is the trial balance of the months from to to.
func (svc *Service) TrialBalance(ctx context.Context, orgID int64, from, to string) (TrialBalance, error) {
	if err := checkPeriod(from, to); err != nil {
		return TrialBalance{}, err
	}
	d, err := svc.data(ctx, orgID, to)
	if err != nil {
		return TrialBalance{}, err
	}
	by := map[string]*TrialLine{}
	for _, r := range d.rows {
		l := by[r.account]
		if l == nil {
			l = &TrialLine{Account: r.account}
			by[r.account] = l
		}
		if r.month < from {
			l.Opening += r.debit - r.credit
		} else {
			l.Debit += r.debit
			l.Credit += r.credit
		}
	}
	tb := TrialBalance{From: from, To: to, Lines: []TrialLine{}}
	var opening int64
	for _, l := range by {
		l.Closing = l.Opening + l.Debit - l.Credit
		tb.Lines = append(tb.Lines, *l)
		tb.Debit += l.Debit
		tb.Credit += l.Credit
		opening += l.Opening
	}
	slices.SortFunc(tb.Lines, func(a, b TrialLine) int { return compareStrings(a.Account, b.Account) })
	tb.Balanced = tb.Debit == tb.Credit && opening == 0
	return tb, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FundLine is one fund in the fund statement: its balance at the start,
// what it received, what was spent from it and released, its balance at
// the end.
type FundLine struct {
	Fund        string `json:"fund"`
	Restriction string `json:"restriction"`
	Provider    string `json:"provider"`
	Purpose     string `json:"purpose"`
	Opening     int64  `json:"opening"`
	Received    int64  `json:"received"`
	Spent       int64  `json:"spent"`
	Released    int64  `json:"released"`
	Closing     int64  `json:"closing"`
}

// FundStatement is every fund's movement over a period of months.
func (svc *Service) FundStatement(ctx context.Context, orgID int64, from, to string) ([]FundLine, error) {
	if err := checkPeriod(from, to); err != nil {
		return nil, err
	}
	d, err := svc.data(ctx, orgID, to)
	if err != nil {
		return nil, err
	}
	by := map[int64]*FundLine{}
	for id, f := range d.funds {
		by[id] = &FundLine{Fund: f.Code, Restriction: f.Restriction, Provider: f.Provider, Purpose: f.Purpose}
	}
	for _, r := range d.rows {
		l := by[r.fund]
		if l == nil {
			continue
		}
		var in, out int64 // what adds to the fund, what takes from it
		switch {
		case kindOf(r.account) == KindIncome:
			in = r.credit - r.debit
		case kindOf(r.account) == KindExpense && !r.closing:
			if r.month >= from {
				l.Spent += r.debit - r.credit
			}
			if !d.restricted(r.fund) {
				out = r.debit - r.credit
			}
		case TopOf(r.account) == AccountRestricted:
			if !r.closing {
				out = r.debit - r.credit
				if r.month >= from {
					l.Released += out
				}
			} else {
				in = r.credit - r.debit
			}
		}
		if r.closing {
			// A closing entry moves income to net assets: the fund keeps it.
			if kindOf(r.account) == KindIncome || TopOf(r.account) == AccountRestricted {
				if r.month < from {
					l.Opening += in
				} else {
					l.Closing += in
				}
			}
			continue
		}
		if r.month < from {
			l.Opening += in - out
		} else {
			l.Received += in
			l.Closing += in - out
		}
	}
	out := make([]FundLine, 0, len(by))
	for _, l := range by {
		l.Closing += l.Opening
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b FundLine) int { return compareStrings(a.Fund, b.Fund) })
	return out, nil
}

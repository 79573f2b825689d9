package finance_test

import (
	"context"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestPeriodStatements: a ledger with entries in January to May; the
// statements for February to April equal the sums computed from the
// posted lines dated in those months (the system's releases included),
// the balance sheet at April's end balances and holds each account's
// lines through April, the fund statement and income by source follow
// the period, and a period that is not whole months, ends after this
// month or ends before it begins is refused with its reason.
func TestPeriodStatements(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		fin := db.Finance
		bk := setup(t, db)
		_, err := fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "490101", NameZH: "单位资助", Source: finance.SourceFunding})
		dbtest.Must(t, err)
		_, err = fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "490102", NameZH: "杂项收入"})
		dbtest.Must(t, err)
		_, err = fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "YSTA", Provider: "某基金会", Purpose: "青年科技奖", Accounts: []string{"5101"}})
		dbtest.Must(t, err)

		bk.post(t, "2025-01-10", line("1002", "", 3_000_000, 0), line("4401", "", 0, 3_000_000))
		bk.post(t, "2025-01-31", line("5201", "", 10_000, 0), line("1001", "", 0, 10_000))
		bk.post(t, "2025-02-01", line("1002", "", 800_000, 0), line("4101", "YSTA", 0, 800_000))
		bk.post(t, "2025-02-20", line("1002", "", 30_000, 0), line("4201", "", 0, 30_000))
		bk.post(t, "2025-03-03", line("5101", "YSTA", 200_000, 0), line("1002", "", 0, 200_000))
		bk.post(t, "2025-03-15", line("5201", "", 50_000, 0), line("1002", "", 0, 50_000))
		bk.post(t, "2025-03-20", line("1002", "", 70_000, 0), line("490101", "", 0, 70_000))
		bk.post(t, "2025-04-02", line("1002", "", 100_000, 0), line("2101", "", 0, 100_000))
		bk.post(t, "2025-04-10", line("4301", "", 4_000, 0), line("1002", "", 0, 4_000)) // a refund before the income
		bk.post(t, "2025-04-30", line("1122", "", 20_000, 0), line("4301", "", 0, 20_000))
		bk.post(t, "2025-04-30", line("1002", "", 900, 0), line("490102", "", 0, 900))
		bk.post(t, "2025-05-01", line("1002", "", 1_000, 0), line("4601", "", 0, 1_000))
		bk.post(t, "2025-05-02", line("5101", "YSTA", 100_000, 0), line("1002", "", 0, 100_000))

		// The oracle: every posted line, read back from the journal.
		entries, _, err := fin.Entries(ctx, bk.a.ID, finance.EntryFilter{Status: finance.StatusPosted, Limit: 1000})
		dbtest.Must(t, err)
		chart, err := fin.Chart(ctx, bk.a.ID)
		dbtest.Must(t, err)
		inc := map[string]finance.Split{}
		exp := map[string]int64{}
		src := map[string]int64{}
		var released int64
		through := map[string]int64{} // debit-positive balance of each top account through April
		for _, e := range entries {
			full, err := fin.EntryByID(ctx, e.ID)
			dbtest.Must(t, err)
			d := full.Date.String()
			if d > "2025-04-30" {
				continue
			}
			for _, l := range full.Lines {
				net := int64(l.Debit - l.Credit)
				top := finance.TopOf(l.Account)
				through[top] += net
				if d < "2025-02-01" {
					continue
				}
				switch top[0] {
				case '4':
					s := inc[top]
					if l.Fund != "" {
						s.Restricted -= net
					} else {
						s.Unrestricted -= net
					}
					inc[top] = s
					src[chart.SourceOf(l.Account)] -= net
				case '5':
					exp[top] += net
				}
				if top == finance.AccountRestricted {
					released += net
				}
			}
		}
		if released != 200_000 {
			t.Fatalf("the oracle sees %d released", released)
		}

		a, err := fin.Activities(ctx, bk.a.ID, "2025-02", "2025-04")
		dbtest.Must(t, err)
		for _, c := range finance.CodesOf(finance.KindIncome) {
			if a.Income[c] != inc[c] {
				t.Errorf("income %s: %+v, the lines say %+v", c, a.Income[c], inc[c])
			}
		}
		for _, c := range finance.CodesOf(finance.KindExpense) {
			if a.Expenses[c] != exp[c] {
				t.Errorf("expense %s: %d, the lines say %d", c, a.Expenses[c], exp[c])
			}
		}
		if a.Released != released || a.From != "2025-02" || a.To != "2025-04" {
			t.Errorf("activities: %+v", a)
		}

		bs, err := fin.BalanceSheet(ctx, bk.a.ID, "2025-04")
		dbtest.Must(t, err)
		if !bs.Balanced || bs.TotalAssets != bs.TotalLiabilities+bs.TotalNetAssets {
			t.Fatalf("balance sheet at April's end does not balance: %+v", bs)
		}
		for _, l := range bs.Assets {
			if l.Amount != through[l.Account] {
				t.Errorf("asset %s: %d, the lines say %d", l.Account, l.Amount, through[l.Account])
			}
		}
		for _, l := range bs.Liabilities {
			if l.Amount != -through[l.Account] {
				t.Errorf("liability %s: %d, the lines say %d", l.Account, l.Amount, -through[l.Account])
			}
		}

		by, err := fin.IncomeBySourceIn(ctx, bk.a, "2025-02", "2025-04")
		dbtest.Must(t, err)
		var total int64
		for _, s := range finance.SourceNames {
			if by.Sources[s] != src[s] {
				t.Errorf("source %s: %d, the lines say %d", s, by.Sources[s], src[s])
			}
			total += src[s]
		}
		if by.Total != total || by.From != "2025-02" || by.To != "2025-04" || by.Year != 0 || by.Sources[finance.SourceFunding] != 70_000 {
			t.Errorf("income by source: %+v", by)
		}

		funds, err := fin.FundStatement(ctx, bk.a.ID, "2025-03", "2025-04")
		dbtest.Must(t, err)
		if len(funds) != 1 || funds[0].Opening != 800_000 || funds[0].Received != 0 || funds[0].Spent != 200_000 || funds[0].Released != 200_000 || funds[0].Closing != 600_000 {
			t.Errorf("fund statement March to April: %+v", funds)
		}
		tb, err := fin.TrialBalance(ctx, bk.a.ID, "2025-02", "2025-04")
		dbtest.Must(t, err)
		if !tb.Balanced {
			t.Errorf("trial balance: %+v", tb)
		}

		// Periods: months, or days on a month's boundaries; nothing else.
		today := kexie.Today(fixedNow())
		for _, c := range []struct{ from, to, wantFrom, wantTo, key string }{
			{"2025-02", "2025-04", "2025-02", "2025-04", ""},
			{"2025-02-01", "2025-04-30", "2025-02", "2025-04", ""},
			{" 2024-02-01 ", "2024-02-29", "2024-02", "2024-02", ""},
			{"2025-06-01", "2025-06-30", "2025-06", "2025-06", ""}, // this month, to date
			{"2025-02-15", "2025-04-30", "", "", "err.ledger_period_months"},
			{"2025-02-01", "2025-04-29", "", "", "err.ledger_period_months"},
			{"2025-02-01", "2025-04-01", "", "", "err.ledger_period_months"},
			{"2025-02", "2025-07", "", "", "err.ledger_period_future"},
			{"2025-04", "2025-02", "", "", "err.ledger_period"},
			{"2025-13", "2025-04", "", "", "err.ledger_month"},
			{"", "2025-04", "", "", "err.ledger_month"},
			{"2025/02", "2025-04", "", "", "err.ledger_month"},
		} {
			from, to, err := finance.ParsePeriod(c.from, c.to, today)
			if c.key == "" {
				if err != nil || from != c.wantFrom || to != c.wantTo {
					t.Errorf("ParsePeriod(%q, %q) = %q, %q, %v", c.from, c.to, from, to, err)
				}
				continue
			}
			if e := kexie.AsError(err); e == nil || e.Code != kexie.CodeInvalid || e.Key != c.key {
				t.Errorf("ParsePeriod(%q, %q): %v, want %s", c.from, c.to, err, c.key)
			}
		}
		refused(t, db, kexie.CodeInvalid, func() error {
			_, err := fin.IncomeBySourceIn(ctx, bk.a, "2025-04", "2025-02")
			return err
		})
	})
}

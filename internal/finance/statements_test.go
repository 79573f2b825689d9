package finance_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestStatementsBalanceOnRandomLedgers posts random entries (income with
// and without funds, spending, transfers) and checks after each close that
// assets = liabilities + net assets, the trial balance balances, the
// report's identities hold, and the journal verifies.
func TestStatementsBalanceOnRandomLedgers(t *testing.T) {
	// Two fixed ledgers and one new each run (its seed in the subtest's
	// name, to replay a failure).
	for _, seed := range []uint64{15, 7, uint64(time.Now().UnixNano())} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { randomLedger(t, seed) })
	}
}

func randomLedger(t *testing.T, seed uint64) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		rng := rand.New(rand.NewPCG(seed, 2024))
		for _, f := range []string{"F1", "F2"} {
			_, err := fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: f, Provider: "p", Accounts: []string{"5101", "5301"}})
			dbtest.Must(t, err)
		}
		income := finance.CodesOf(finance.KindIncome)
		expense := finance.CodesOf(finance.KindExpense)
		assets := []string{"1001", "1002", "1122"}
		var posted []int64
		for i := 0; i < 80; i++ {
			date := fmt.Sprintf("2024-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
			amt := int64(1 + rng.IntN(100000))
			var lines []finance.Line
			switch rng.IntN(7) {
			case 4: // a reversal of an entry posted before
				if len(posted) == 0 {
					continue
				}
				rev, err := fin.Reverse(ctx, bk.rec, posted[rng.IntN(len(posted))], "2024-12-31", "")
				switch kexie.ErrorCode(err) {
				case kexie.CodeInvalid, kexie.CodeConflict:
					continue // reversed already, or its fund spent since: refused
				}
				dbtest.Must(t, err)
				_, err = fin.Approve(ctx, bk.appr, rev.ID)
				dbtest.Must(t, err)
				continue
			case 5: // income given back, perhaps a fund's
				fund := ""
				if rng.IntN(2) == 0 {
					fund = []string{"F1", "F2"}[rng.IntN(2)]
				}
				lines = []finance.Line{line(income[rng.IntN(len(income))], fund, amt, 0), line("1002", "", 0, amt)}
			case 6: // a loan repaid
				lines = []finance.Line{line("2101", "", amt, 0), line("1001", "", 0, amt)}
			case 0: // restricted income
				lines = []finance.Line{line(assets[rng.IntN(3)], "", amt, 0), line(income[rng.IntN(len(income))], []string{"F1", "F2"}[rng.IntN(2)], 0, amt)}
			case 1:
				lines = []finance.Line{line(assets[rng.IntN(3)], "", amt, 0), line(income[rng.IntN(len(income))], "", 0, amt)}
			case 2: // spending, perhaps from a fund
				fund := ""
				acc := expense[rng.IntN(len(expense))]
				if rng.IntN(2) == 0 {
					fund, acc = []string{"F1", "F2"}[rng.IntN(2)], "5101"
				}
				lines = []finance.Line{line(acc, fund, amt, 0), line("1002", "", 0, amt)}
			default:
				lines = []finance.Line{line("1002", "", amt, 0), line("2101", "", 0, amt)}
			}
			e, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: date, Lines: lines})
			if kexie.ErrorCode(err) == kexie.CodeInvalid {
				continue // a fund overdrawn: refused, as it should be
			}
			dbtest.Must(t, err)
			_, err = fin.Approve(ctx, bk.appr, e.ID)
			dbtest.Must(t, err)
			posted = append(posted, e.ID)
		}
		check := func(stage string) finance.Report {
			r, err := fin.YearReport(ctx, bk.a, 2024)
			dbtest.Must(t, err)
			var inU, inR, exp int64
			for _, s := range r.Income {
				inU += s.Unrestricted
				inR += s.Restricted
			}
			for _, v := range r.Expenses {
				exp += v
			}
			if r.Change.Unrestricted != inU-exp+r.Released || r.Change.Restricted != inR-r.Released {
				t.Fatalf("%s: change %+v, income %d/%d, expenses %d, released %d", stage, r.Change, inU, inR, exp, r.Released)
			}
			if r.NetAssets != r.Change { // the ledger began in 2024
				t.Fatalf("%s: net assets %+v, change %+v", stage, r.NetAssets, r.Change)
			}
			var funds int64
			for code, b := range r.Funds {
				if b < 0 {
					t.Fatalf("%s: fund %s below zero: %d", stage, code, b)
				}
				funds += b
			}
			if funds != r.NetAssets.Restricted {
				t.Fatalf("%s: funds %d, restricted net assets %d", stage, funds, r.NetAssets.Restricted)
			}
			bs, err := fin.BalanceSheet(ctx, bk.a.ID, "2024-12")
			dbtest.Must(t, err)
			if !bs.Balanced || bs.NetAssets != r.NetAssets {
				t.Fatalf("%s: balance sheet %+v", stage, bs)
			}
			// Assets = liabilities + net assets at every month's end, each
			// total summed again from its lines.
			for m := 1; m <= 12; m++ {
				bs, err := fin.BalanceSheet(ctx, bk.a.ID, fmt.Sprintf("2024-%02d", m))
				dbtest.Must(t, err)
				var assets, liabilities int64
				for _, l := range bs.Assets {
					assets += l.Amount
				}
				for _, l := range bs.Liabilities {
					liabilities += l.Amount
				}
				if !bs.Balanced || assets != bs.TotalAssets || liabilities != bs.TotalLiabilities ||
					assets != liabilities+bs.NetAssets.Unrestricted+bs.NetAssets.Restricted {
					t.Fatalf("%s: balance sheet at 2024-%02d: %+v", stage, m, bs)
				}
			}
			tb, err := fin.TrialBalance(ctx, bk.a.ID, "2024-01", "2024-12")
			dbtest.Must(t, err)
			if !tb.Balanced {
				t.Fatalf("%s: trial balance %+v", stage, tb)
			}
			fs, err := fin.FundStatement(ctx, bk.a.ID, "2024-01", "2024-12")
			dbtest.Must(t, err)
			for _, f := range fs {
				if f.Closing != r.Funds[f.Fund] || f.Closing != f.Opening+f.Received-f.Released {
					t.Fatalf("%s: fund statement %+v, report %d", stage, f, r.Funds[f.Fund])
				}
			}
			problems, err := fin.Verify(ctx, bk.a.ID)
			dbtest.Must(t, err)
			if len(problems) > 0 {
				t.Fatalf("%s: verify: %v", stage, problems)
			}
			return r
		}
		before := check("open")
		_, err := fin.CloseYear(ctx, bk.appr, bk.a.ID, 2024)
		dbtest.Must(t, err)
		after := check("closed")
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Fatalf("closing changed the report:\n%+v\n%+v", before, after)
		}
		// After the close income and expense accounts are empty, and the
		// year is locked: nothing more is posted in it.
		tb, err := fin.TrialBalance(ctx, bk.a.ID, "2024-01", "2024-12")
		dbtest.Must(t, err)
		for _, l := range tb.Lines {
			if l.Account[0] == '4' || l.Account[0] == '5' {
				if l.Closing != 0 {
					t.Fatalf("after the close %s holds %d", l.Account, l.Closing)
				}
			}
		}
		refused(t, db, kexie.CodeConflict, func() error {
			_, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2024-12-30", Lines: []finance.Line{line("1002", "", 1, 0), line("4901", "", 0, 1)}})
			return err
		})
		refused(t, db, kexie.CodeNotFound, func() error { _, err := fin.Reopen(ctx, bk.rec, bk.a.ID, "2024-12"); return err })
		_, err = fin.Reopen(ctx, bk.appr, bk.a.ID, "2024-12")
		dbtest.Must(t, err)
		bk.post(t, "2024-12-30", line("1002", "", 100, 0), line("4901", "", 0, 100))
		_, err = fin.CloseYear(ctx, bk.appr, bk.a.ID, 2024)
		dbtest.Must(t, err)
		r := check("closed again")
		if r.Income["4901"].Unrestricted != before.Income["4901"].Unrestricted+100 {
			t.Fatalf("reopened posting not in the report: %+v", r.Income["4901"])
		}
	})
}

func TestMonthClosing(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		bk.post(t, "2025-02-10", line("1002", "", 100, 0), line("4901", "", 0, 100))
		pending, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-03-10", Lines: []finance.Line{line("1002", "", 1, 0), line("4901", "", 0, 1)}})
		dbtest.Must(t, err)
		refused(t, db, kexie.CodeConflict, func() error { _, err := fin.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-03"); return err })
		refused(t, db, kexie.CodeNotFound, func() error { _, err := fin.CloseMonth(ctx, bk.rec, bk.a.ID, "2025-02"); return err })
		_, err = fin.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-02")
		dbtest.Must(t, err)
		refused(t, db, kexie.CodeConflict, func() error {
			_, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-02-28", Lines: []finance.Line{line("1002", "", 1, 0), line("4901", "", 0, 1)}})
			return err
		})
		_, err = fin.Approve(ctx, bk.appr, pending.ID)
		dbtest.Must(t, err)
	})
}

package finance_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// benchJournal is n entries of four lines dated through 2024, the shape of
// the import benchmark: dues and donations received (one donation in eight
// restricted to YSTA), expenses from the bank and cash (one in eight
// charged to YSTA, its release posted by the system).
func benchJournal(n int) []finance.ImportEntry {
	out := make([]finance.ImportEntry, 0, n)
	for i := 1; i <= n; i++ {
		date := fmt.Sprintf("2024-%02d-%02d", 1+(i*12/(n+1)), 1+i%28)
		a, b := 100+i%997, 50+i%313
		l := func(acc, fund, dr, cr, memo string) finance.ImportLine {
			return finance.ImportLine{Date: date, Account: acc, Fund: fund, Debit: dr, Credit: cr, Memo: memo}
		}
		e := finance.ImportEntry{Ref: fmt.Sprintf("E-%d", i)}
		if i%2 == 1 {
			fund := ""
			if i%8 == 1 {
				fund = "YSTA"
			}
			e.Lines = []finance.ImportLine{l("1002", "", fmt.Sprintf("%d.%02d", a, i%100), "", "会费与捐赠"), l("1001", "", fmt.Sprint(b), "", "会费与捐赠"),
				l("4201", "", "", fmt.Sprintf("%d.%02d", a, i%100), "会费"), l("4101", fund, "", fmt.Sprint(b), "青年科技奖")}
		} else {
			fund := ""
			if i%8 == 2 && i > 8 {
				fund = "YSTA"
			}
			e.Lines = []finance.ImportLine{l("5101", fund, fmt.Sprint(b/2), "", "活动"), l("5201", "", fmt.Sprint(b-b/2), "", "办公"),
				l("1002", "", "", fmt.Sprint(b/2), "活动"), l("1001", "", "", fmt.Sprint(b-b/2), "办公")}
		}
		out = append(out, e)
	}
	return out
}

// BenchmarkActivitiesYear is the statement of activities for 2024 over a
// ledger of KEXIE_BENCH_ENTRIES entries (250,000 by default: 1,000,000
// lines, imported first), on SQLite and (with KEXIE_TEST_PG_DSN)
// PostgreSQL. The target: under 100 ms on both. Run:
//
//	go test ./internal/finance/ -run '^$' -bench ActivitiesYear -benchtime 20x -timeout 30m
func BenchmarkActivitiesYear(b *testing.B) {
	n := 250_000
	if s := os.Getenv("KEXIE_BENCH_ENTRIES"); s != "" {
		fmt.Sscan(s, &n)
	}
	dbs := []struct {
		name string
		open func(testing.TB) *dbtest.DB
	}{{"sqlite", func(t testing.TB) *dbtest.DB { return dbtest.OpenSQLite(t, dbtest.Options{Now: fixedNow}) }}}
	if os.Getenv("KEXIE_TEST_PG_DSN") != "" {
		dbs = append(dbs, struct {
			name string
			open func(testing.TB) *dbtest.DB
		}{"postgres", func(t testing.TB) *dbtest.DB { return dbtest.OpenPostgres(t, dbtest.Options{Now: fixedNow}) }})
	}
	entries := benchJournal(n)
	for _, d := range dbs {
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			db := d.open(b)
			_, a, _, _ := dbtest.Tree(b, db)
			start := time.Now()
			res, err := db.Finance.Import(ctx, dbtest.Admin, a.ID, entries, false)
			if err != nil || res.Posted != n {
				b.Fatalf("import: %+v %v", res, err)
			}
			b.Logf("%s: %d entries imported in %.1f s", d.name, n, time.Since(start).Seconds())
			b.ResetTimer()
			var act finance.Activities
			for range b.N {
				if act, err = db.Finance.Activities(ctx, a.ID, "2024-01", "2024-12"); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if in := act.TotalIncome(); in.Unrestricted <= 0 || in.Restricted <= 0 || act.Released <= 0 {
				b.Fatalf("statement %+v", act)
			}
		})
	}
}

package finance_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestIncomeBySource: every source of funds the forms list, from posted
// entries dated in the year — funding told apart by a sub-account added
// with its source, restricted income counted with the rest, a debit on an
// income account netted, other years, pending entries and the year's
// closing entry left out — summing to the statement of activities' total
// income. A sub-account with a source that is none, or a source on an
// account that is not income, is refused and writes nothing.
func TestIncomeBySource(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		fin := db.Finance
		bk := setup(t, db)
		_, err := fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "410101", NameZH: "企业资助", Source: finance.SourceFunding})
		dbtest.Must(t, err)
		_, err = fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "410102", NameZH: "个人捐赠"})
		dbtest.Must(t, err)
		refused(t, db, kexie.CodeInvalid, func() error {
			_, err := fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "440101", NameZH: "x", Source: "lottery"})
			return err
		})
		refused(t, db, kexie.CodeInvalid, func() error {
			_, err := fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "510101", NameZH: "x", Source: finance.SourceFunding})
			return err
		})
		_, err = fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "YSTA", Provider: "某基金会", Purpose: "青年科技奖"})
		dbtest.Must(t, err)

		bk.post(t, "2024-12-20", line("1002", "", 999, 0), line("4401", "", 0, 999)) // another year
		bk.post(t, "2025-01-10", line("1002", "", 3_000_000, 0), line("4401", "", 0, 3_000_000))
		bk.post(t, "2025-02-10", line("1002", "", 500_000, 0), line("410101", "", 0, 500_000))
		bk.post(t, "2025-02-11", line("1002", "", 200_000, 0), line("410102", "", 0, 200_000))
		bk.post(t, "2025-02-12", line("1002", "", 1_000_000, 0), line("410102", "YSTA", 0, 1_000_000))
		bk.post(t, "2025-03-01", line("1002", "", 80_000, 0), line("4201", "", 0, 80_000))
		bk.post(t, "2025-03-02", line("1002", "", 40_000, 0), line("4301", "", 0, 40_000))
		bk.post(t, "2025-03-03", line("1001", "", 10_000, 0), line("4501", "", 0, 10_000))
		bk.post(t, "2025-03-04", line("1002", "", 1_234, 0), line("4601", "", 0, 1_234))
		bk.post(t, "2025-03-05", line("1002", "", 700, 0), line("4901", "", 0, 700))
		bk.post(t, "2025-03-06", line("4301", "", 5_000, 0), line("1002", "", 0, 5_000)) // a refund nets
		bk.post(t, "2025-04-01", line("5101", "YSTA", 300_000, 0), line("1002", "", 0, 300_000))
		_, _, err = fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-04-02", Memo: "pending", Lines: []finance.Line{line("1002", "", 9, 0), line("4901", "", 0, 9)}})
		dbtest.Must(t, err)

		got, err := fin.IncomeBySource(ctx, bk.a, 2025)
		dbtest.Must(t, err)
		b, _ := json.Marshal(got)
		want := `{"org":"A","year":2025,"sources":{"allocation":3000000,"donations":1200000,"dues":80000,"funding":500000,"interest":1234,"other":700,"services":45000},"total":4826934}`
		if string(b) != want {
			t.Fatalf("income by source:\n%s\nwant\n%s", b, want)
		}
		a, err := fin.Activities(ctx, bk.a.ID, "2025-01", "2025-12")
		dbtest.Must(t, err)
		if in := a.TotalIncome(); in.Unrestricted+in.Restricted != got.Total {
			t.Fatalf("total %d, the statement of activities says %+v", got.Total, in)
		}
		// The year's closing entry moves income to net assets: the sources
		// stay as they were.
		_, err = fin.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-03")
		dbtest.Must(t, err)
		if _, err := fin.CloseYear(ctx, bk.appr, bk.a.ID, 2024); err != nil {
			t.Fatal(err)
		}
		again, err := fin.IncomeBySource(ctx, bk.a, 2024)
		dbtest.Must(t, err)
		if again.Sources[finance.SourceAllocation] != 999 || again.Total != 999 {
			t.Fatalf("2024 after its close: %+v", again)
		}
		if _, err := fin.IncomeBySource(ctx, bk.a, 12); kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Fatalf("year 12: %v", err)
		}
	})
}

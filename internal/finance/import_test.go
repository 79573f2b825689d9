package finance_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

const journal = `entry,date,account,fund,debit,credit,memo
J1,2024-01-05,1002,,1000.00,,会费
J1,2024-01-05,4201,,,1000.00,会费
J2,2024-02-01,1002,,5000,,青年科技奖捐赠
J2,2024-02-01,4101,YSTA,,5000,青年科技奖
J3,2024-03-01,5101,YSTA,1200.50,,奖金
J3,2024-03-01,1002,,,1200.50,奖金
BAD1,2024-03-02,1002,,10,,
BAD1,2024-03-02,4901,,,9.99,
BAD2,2024-03-03,5101,YSTA,9999,,overdraw
BAD2,2024-03-03,1002,,,9999,
BAD3,2024-03-04,5101,NEWF,1,,
BAD3,2024-03-04,1002,,,1,
J4,2024-04-01,5201,,300,,
J4,2024-04-01,1001,,,300,
`

func TestImportJournalAndReport(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		entries, err := finance.ReadJournal("j.csv", strings.NewReader(journal))
		dbtest.Must(t, err)
		before := db.Snapshot(t, ledgerTables...)
		dry, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, true)
		dbtest.Must(t, err)
		if dry.Posted != 4 || len(dry.Rejected) != 3 {
			t.Fatalf("dry run: %+v", dry)
		}
		if d := dbtest.Diff(before, db.Snapshot(t, ledgerTables...)); d != "" {
			t.Fatalf("a dry run wrote:\n%s", d)
		}
		res, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if res.Read != 7 || res.Posted != 4 || len(res.Rejected) != 3 {
			t.Fatalf("import: %+v", res)
		}
		for i, ref := range []string{"BAD1", "BAD2", "BAD3"} {
			if res.Rejected[i].Ref != ref {
				t.Fatalf("rejected: %+v", res.Rejected)
			}
		}
		again, err := db.Finance.Import(ctx, dbtest.Admin, bk.a.ID, entries, false)
		dbtest.Must(t, err)
		if again.Posted != 0 || again.Known != 4 {
			t.Fatalf("second import: %+v", again)
		}
		r, err := db.Finance.YearReport(ctx, bk.a, 2024)
		dbtest.Must(t, err)
		got, _ := json.Marshal(r)
		want := `{"org":"A","year":2024,"income":{"4101":{"unrestricted":0,"restricted":500000},"4201":{"unrestricted":100000,"restricted":0},` +
			`"4301":{"unrestricted":0,"restricted":0},"4401":{"unrestricted":0,"restricted":0},"4501":{"unrestricted":0,"restricted":0},` +
			`"4601":{"unrestricted":0,"restricted":0},"4901":{"unrestricted":0,"restricted":0}},"expenses":{"5101":120050,"5201":30000,"5301":0,"5401":0},` +
			`"released":120050,"change":{"unrestricted":70000,"restricted":379950},"net_assets":{"unrestricted":70000,"restricted":379950},"funds":{"YSTA":379950}}`
		if string(got) != want {
			t.Fatalf("report:\n%s\nwant\n%s", got, want)
		}
		fs, err := db.Finance.Funds(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if len(fs) != 1 || fs[0].Purpose != "青年科技奖" || fs[0].Restriction != "provider" {
			t.Fatalf("funds: %+v", fs)
		}
		problems, err := db.Finance.Verify(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if len(problems) > 0 {
			t.Fatal(problems)
		}
	})
}

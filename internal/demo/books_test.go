package demo

import (
	"context"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestDemoBooks: Heilongjiang's and CHIA's books for the demo year have
// every source of funds (each with a figure in income by source), dues from the member register with their
// receipts, Heilongjiang's Youth S&T Award fund spent in part, the year
// closed, the chain intact; loading again changes nothing.
func TestDemoBooks(t *testing.T) {
	db := dbtest.OpenSQLite(t, dbtest.Options{})
	ctx := context.Background()
	actor := kexie.SystemActor("test")
	if _, err := db.Registry.EnsureRoot(ctx, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, db.DB, actor); err != nil {
		t.Fatal(err)
	}
	heads := map[string]finance.Head{}
	for _, g := range govOrgs() {
		o, err := db.Registry.OrgByCode(ctx, g.code)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := db.Finance.YearReport(ctx, o, BooksYear)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range finance.CodesOf(finance.KindIncome) {
			if s := rep.Income[c]; s.Unrestricted+s.Restricted <= 0 {
				t.Errorf("%s: no income on %s: %+v", g.code, c, rep.Income)
			}
		}
		// Every source of funds the seeds list has a figure: funding on
		// its own sub-account (410102 企业资助), donations on 410101.
		by, err := db.Finance.IncomeBySource(ctx, o, BooksYear)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range finance.SourceNames {
			if by.Sources[s] <= 0 {
				t.Errorf("%s: no income from source %s: %+v", g.code, s, by.Sources)
			}
		}
		scale := map[string]int64{"HLJ": 10, "CHIA": 3}[g.code]
		if by.Sources[finance.SourceFunding] != 5000*100*scale || rep.Income["4101"].Unrestricted != 6000*100*scale {
			t.Errorf("%s: funding %d, 4101 %+v", g.code, by.Sources[finance.SourceFunding], rep.Income["4101"])
		}
		dues, total, err := db.Finance.Receipts(ctx, o.ID, finance.ReceiptFilter{Series: finance.SeriesDues, Year: BooksYear, Limit: 500})
		if err != nil || total != len(g.people) || len(dues) != total {
			t.Fatalf("%s: %d dues receipts, want one per member (%d): %v", g.code, total, len(g.people), err)
		}
		h, err := db.Finance.HeadOf(ctx, o.ID)
		if err != nil || h.ClosedYear != BooksYear {
			t.Fatalf("%s: year not closed: %+v %v", g.code, h, err)
		}
		heads[g.code] = h
		if problems, err := db.Finance.Verify(ctx, o.ID); err != nil || len(problems) > 0 {
			t.Fatalf("%s: verify %v %v", g.code, problems, err)
		}
		bs, err := db.Finance.BalanceSheet(ctx, o.ID, "2025-12")
		if err != nil || !bs.Balanced {
			t.Fatalf("%s: balance sheet %+v %v", g.code, bs, err)
		}
		if g.code == "HLJ" {
			if rep.Funds["YSTA"] != 2_000_000 || rep.Released != 3_000_000 || rep.Income["4101"].Restricted != 5_000_000 {
				t.Fatalf("HLJ award fund: funds %v released %d income %+v", rep.Funds, rep.Released, rep.Income["4101"])
			}
		}
	}
	if _, err := Load(ctx, db.DB, actor); err != nil {
		t.Fatal(err)
	}
	for code, h := range heads {
		o, _ := db.Registry.OrgByCode(ctx, code)
		if again, _ := db.Finance.HeadOf(ctx, o.ID); again != h {
			t.Fatalf("%s: a second load changed the books: %+v → %+v", code, h, again)
		}
	}
}

package finance_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// ticking is a clock at fixedNow that moves a microsecond at each reading:
// each transaction has a time of its own, so postings written in one group
// (one transaction) are those that share it.
func ticking() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return fixedNow().Add(time.Duration(n.Add(1)) * time.Microsecond) }
}

// inOneGroup makes calls, each a posting to the ledger of orgID, wait in
// the queue of that ledger's group writer in the order given, then lets
// the writer write them — one group — and returns their errors.
func inOneGroup(t *testing.T, db *dbtest.DB, orgID int64, calls ...func() error) []error {
	t.Helper()
	queued, release := db.Finance.HoldWriter(context.Background(), orgID)
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		finished := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(finished)
			errs[i] = call()
		}()
		for queued() < i+1 {
			select {
			case <-finished:
				release()
				wg.Wait()
				t.Fatalf("posting %d was answered before it was queued: %v", i+1, errs[i])
			default:
				runtime.Gosched()
			}
		}
	}
	release()
	wg.Wait()
	return errs
}

// wantErrs checks each posting's outcome: "" for none, else the message
// key of its error.
func wantErrs(t *testing.T, errs []error, keys ...string) {
	t.Helper()
	for i, err := range errs {
		var ke *kexie.Error
		switch {
		case keys[i] == "" && err != nil:
			t.Errorf("posting %d: %v", i+1, err)
		case keys[i] != "" && (!errors.As(err, &ke) || ke.Key != keys[i]):
			t.Errorf("posting %d: got %v, want %s", i+1, err, keys[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// sameInstant checks that times are one, the time of one transaction.
func sameInstant(t *testing.T, times ...time.Time) {
	t.Helper()
	for _, at := range times[1:] {
		if !at.Equal(times[0]) {
			t.Fatalf("not written in one transaction: %v", times)
		}
	}
}

func verified(t *testing.T, db *dbtest.DB, orgID int64) {
	t.Helper()
	ctx := context.Background()
	if problems, err := db.Finance.Verify(ctx, orgID); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
	if _, err := db.VerifyAudit(ctx, nil); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
}

// TestGroupRefusesOnePostingAlone: in one group, postings that break a
// rule — a restricted fund overdrawn by what an earlier posting of the
// same group spent, a closed period, an unknown fund, an entry approved
// twice — are refused each with its own error and leave nothing; the
// others post, their receipts numbered on without a gap, the chain and
// the balances exact.
func TestGroupRefusesOnePostingAlone(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: ticking()}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		_, err := fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "AWARD", Provider: "某基金会", Accounts: []string{"5101"}})
		dbtest.Must(t, err)
		bk.post(t, "2025-03-01", line("1002", "", 100000, 0), line("4101", "AWARD", 0, 100000))
		_, _, err = fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-03-02", Donor: "甲", Amount: 500})
		dbtest.Must(t, err)
		_, err = fin.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-03")
		dbtest.Must(t, err)
		spend := func(fen int64) finance.Entry {
			e, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-04-01", Memo: "奖金",
				Lines: []finance.Line{line("5101", "AWARD", fen, 0), line("1002", "", 0, fen)}})
			dbtest.Must(t, err)
			return e
		}
		e1, e2, e3 := spend(60000), spend(60000), spend(40000)
		// A system administrator holds both permissions: still not the
		// approver of an entry of their own.
		root, err := db.Registry.OrgByCode(ctx, registry.RootCode)
		dbtest.Must(t, err)
		su := dbtest.User(t, db, "superuser", kexie.RoleSysAdmin, root.ID)
		admin := kexie.Actor{UserID: su.ID, Username: su.Username}
		own, _, err := fin.Record(ctx, admin, bk.a.ID, finance.NewEntry{Date: "2025-04-01", Lines: []finance.Line{line("1002", "", 5, 0), line("4901", "", 0, 5)}})
		dbtest.Must(t, err)
		before, err := fin.HeadOf(ctx, bk.a.ID)
		dbtest.Must(t, err)

		var a1, a3 finance.Entry
		var r2, r3 finance.Receipt
		donate := func(r *finance.Receipt, n finance.NewDonation) func() error {
			return func() error {
				got, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, n)
				if r != nil {
					*r = got
				}
				return err
			}
		}
		errs := inOneGroup(t, db, bk.a.ID,
			func() error { var err error; a1, err = fin.Approve(ctx, bk.appr, e1.ID); return err },
			// 60,000 more than the 40,000 the first left in the fund.
			func() error { _, err := fin.Approve(ctx, bk.appr, e2.ID); return err },
			donate(nil, finance.NewDonation{Date: "2025-03-20", Donor: "乙", Amount: 700, Key: "late"}),
			donate(&r2, finance.NewDonation{Date: "2025-04-02", Donor: "丙", Amount: 800, Key: "d1"}),
			func() error { var err error; a3, err = fin.Approve(ctx, bk.appr, e3.ID); return err },
			func() error { _, err := fin.Approve(ctx, bk.appr, e1.ID); return err },
			donate(nil, finance.NewDonation{Date: "2025-04-03", Donor: "丁", Amount: 900, Fund: "NOPE"}),
			donate(&r3, finance.NewDonation{Date: "2025-04-03", Donor: "戊", Amount: 1000}),
			// The permission another actor showed in the group is not the
			// recorder's (a treasurer does not approve), and the second
			// person rule holds.
			func() error { _, err := fin.Approve(ctx, bk.rec, own.ID); return err },
			func() error { _, err := fin.Approve(ctx, admin, own.ID); return err },
		)
		wantErrs(t, errs, "", "err.ledger_fund_overdrawn", "err.ledger_period_closed", "", "", "err.ledger_not_pending", "err.ledger_fund_unknown", "",
			"err.ledger_entry_not_found", "err.ledger_self_approve")
		sameInstant(t, *a1.DecidedAt, *a3.DecidedAt, r2.IssuedAt, r3.IssuedAt)

		if r2.Number != "A-JZ-2025-000002" || r3.Number != "A-JZ-2025-000003" {
			t.Fatalf("numbers %s %s: the refused receipts' numbers were not given back", r2.Number, r3.Number)
		}
		if e, _ := fin.EntryByID(ctx, e2.ID); e.Status != finance.StatusPending {
			t.Fatalf("the refused approval left the entry %s", e.Status)
		}
		// Two spendings, each with its release, and two receipts posted.
		head, err := fin.HeadOf(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if head.Seq != before.Seq+6 || a3.Seq <= a1.Seq {
			t.Fatalf("head %d after %d; approved at %d and %d", head.Seq, before.Seq, a1.Seq, a3.Seq)
		}
		rep, err := fin.YearReport(ctx, bk.a, 2025)
		dbtest.Must(t, err)
		if rep.Funds["AWARD"] != 0 || rep.Released != 100000 {
			t.Fatalf("fund AWARD %d, released %d", rep.Funds["AWARD"], rep.Released)
		}
		sheet, err := fin.BalanceSheet(ctx, bk.a.ID, "2025-12")
		dbtest.Must(t, err)
		for _, l := range sheet.Assets {
			if l.Account == "1002" && l.Amount != 100000+500-100000+800+1000 {
				t.Fatalf("bank %d", l.Amount)
			}
		}
		// Audited: the postings made, not the refused ones.
		for action, want := range map[string]int{"ledger.approve": 3, "ledger.receipt": 3} {
			es, err := db.Audit(ctx, dbtest.Admin, sqldbFilter(action))
			dbtest.Must(t, err)
			if len(es) != want {
				t.Fatalf("%d audit entries %s, want %d", len(es), action, want)
			}
		}
		verified(t, db, bk.a.ID)
	})
}

// TestSameKeyTwiceInOneGroupPostsOnce: the same idempotency key twice in
// one group posts once and answers both with the same receipt or entry; a
// key whose posting was refused is free for the next.
func TestSameKeyTwiceInOneGroupPostsOnce(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: ticking()}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		type answer struct {
			r       finance.Receipt
			e       finance.Entry
			created bool
		}
		got := make([]answer, 6)
		donate := func(i int, n finance.NewDonation) func() error {
			return func() error {
				var err error
				got[i].r, got[i].created, err = fin.IssueDonation(ctx, bk.rec, bk.a.ID, n)
				return err
			}
		}
		record := func(i int, key string) func() error {
			return func() error {
				var err error
				got[i].e, got[i].created, err = fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-04-01", Key: key,
					Lines: []finance.Line{line("1002", "", 300, 0), line("4901", "", 0, 300)}})
				return err
			}
		}
		errs := inOneGroup(t, db, bk.a.ID,
			donate(0, finance.NewDonation{Date: "2025-04-01", Donor: "甲", Amount: 100, Key: "k"}),
			donate(1, finance.NewDonation{Date: "2025-04-01", Donor: "甲", Amount: 100, Key: "k"}),
			record(2, "e"),
			record(3, "e"),
			donate(4, finance.NewDonation{Date: "2025-04-01", Donor: "乙", Amount: 200, Key: "x", Fund: "NOPE"}),
			donate(5, finance.NewDonation{Date: "2025-04-01", Donor: "乙", Amount: 200, Key: "x"}),
		)
		wantErrs(t, errs, "", "", "", "", "err.ledger_fund_unknown", "")
		if !got[0].created || got[1].created || got[1].r.ID != got[0].r.ID {
			t.Fatalf("donation key twice: %+v", got[:2])
		}
		if !got[2].created || got[3].created || got[3].e.ID != got[2].e.ID {
			t.Fatalf("entry key twice: %+v", got[2:4])
		}
		if !got[5].created || got[5].r.Number != "A-JZ-2025-000002" {
			t.Fatalf("the key of a refused posting: %+v", got[5])
		}
		sameInstant(t, got[0].r.IssuedAt, got[2].e.RecordedAt, got[5].r.IssuedAt)
		list, total, err := fin.Receipts(ctx, bk.a.ID, finance.ReceiptFilter{})
		dbtest.Must(t, err)
		if total != 2 || list[0].Amount+list[1].Amount != 300 {
			t.Fatalf("receipts %+v", list)
		}
		entries, total, err := fin.Entries(ctx, bk.a.ID, finance.EntryFilter{Status: finance.StatusPending})
		dbtest.Must(t, err)
		if total != 1 || entries[0].ID != got[2].e.ID {
			t.Fatalf("pending entries %+v", entries)
		}
		verified(t, db, bk.a.ID)
	})
}

// TestDuesAndDonationsInOneGroupKeepBothSeries: dues and donation receipts
// written in one group, some of each refused (a closed period, a payment
// dated after today, an unknown fund), are numbered each in its own series
// without a gap; membership keeps only the payments whose receipts were
// issued (and the zero payment, which has none).
func TestDuesAndDonationsInOneGroupKeepBothSeries(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: ticking()}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		m1, m2 := member(t, db, bk.a, "M001", "王芳"), member(t, db, bk.a, "M002", "李雷")
		clerk := dbtest.User(t, db, "clerk", kexie.RoleStaff, bk.a.ID)
		staff := kexie.Actor{UserID: clerk.ID, Username: clerk.Username}
		_, err := fin.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-03")
		dbtest.Must(t, err)
		got := make([]finance.Receipt, 9)
		dues := func(i int, m int64, date string, fen int64) func() error {
			return func() error {
				var err error
				got[i], err = fin.ReceiveDues(ctx, staff, m, finance.DuesPayment{Date: date, Amount: kexie.Money(fen), Period: "2025"})
				return err
			}
		}
		donate := func(i int, fund string) func() error {
			return func() error {
				var err error
				got[i], _, err = fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-04-01", Donor: "甲", Amount: 1000, Fund: fund})
				return err
			}
		}
		errs := inOneGroup(t, db, bk.a.ID,
			dues(0, m2, "2025-03-15", 5000),
			donate(1, ""),
			dues(2, m1, "2025-04-01", 5000),
			donate(3, "NOPE"),
			dues(4, m2, "2025-04-02", 3000),
			donate(5, ""),
			dues(6, m1, "2025-04-03", 0),
			dues(7, m1, "2025-06-16", 5000),
			dues(8, m2, "2025-04-04", 2000),
		)
		wantErrs(t, errs, "err.ledger_period_closed", "", "", "err.ledger_fund_unknown", "", "", "", "err.date_future", "")
		numbers := map[int]string{2: "A-HF-2025-000001", 1: "A-JZ-2025-000001", 4: "A-HF-2025-000002", 5: "A-JZ-2025-000002", 8: "A-HF-2025-000003"}
		for i, want := range numbers {
			if got[i].Number != want {
				t.Fatalf("posting %d numbered %q, want %s", i+1, got[i].Number, want)
			}
		}
		if got[6].ID != 0 {
			t.Fatalf("a zero payment got a receipt: %+v", got[6])
		}
		sameInstant(t, got[1].IssuedAt, got[2].IssuedAt, got[5].IssuedAt, got[8].IssuedAt)
		var n1, n2 int
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM dues_payments WHERE membership_id = $1`, m1).Scan(&n1))
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM dues_payments WHERE membership_id = $1`, m2).Scan(&n2))
		if n1 != 2 || n2 != 2 {
			t.Fatalf("membership payments: %d and %d, want 2 and 2", n1, n2)
		}
		// Audited: the payments recorded, not the refused one membership
		// had recorded before the books refused it.
		for action, want := range map[string]int{"member.dues": 4, "ledger.receipt": 5} {
			es, err := db.Audit(ctx, dbtest.Admin, sqldbFilter(action))
			dbtest.Must(t, err)
			if len(es) != want {
				t.Fatalf("%d audit entries %s, want %d", len(es), action, want)
			}
		}
		verified(t, db, bk.a.ID)
	})
}

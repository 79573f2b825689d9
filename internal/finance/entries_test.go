package finance_test

import (
	"context"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// fixedNow is the clock of these tests: 2025-06-15 in Beijing.
func fixedNow() time.Time { return time.Date(2025, 6, 15, 4, 0, 0, 0, time.UTC) }

// books is a ledger with a treasurer and an accountant on A, and a
// treasurer on B (another subtree).
type books struct {
	db                 *dbtest.DB
	a, b               kexie.Organisation
	rec, appr, outside kexie.Actor
}

func setup(t *testing.T, db *dbtest.DB) books {
	t.Helper()
	_, a, _, b := dbtest.Tree(t, db)
	rec := dbtest.User(t, db, "cashier", kexie.RoleTreasurer, a.ID)
	appr := dbtest.User(t, db, "accountant", kexie.RoleAccountant, a.ID)
	out := dbtest.User(t, db, "othercashier", kexie.RoleTreasurer, b.ID)
	return books{db: db, a: a, b: b,
		rec:     kexie.Actor{UserID: rec.ID, Username: rec.Username},
		appr:    kexie.Actor{UserID: appr.ID, Username: appr.Username},
		outside: kexie.Actor{UserID: out.ID, Username: out.Username}}
}

func line(acc, fund string, dr, cr int64) finance.Line {
	return finance.Line{Account: acc, Fund: fund, Debit: kexie.Money(dr), Credit: kexie.Money(cr)}
}

// post records and approves an entry, failing the test on any error.
func (bk books) post(t *testing.T, date string, lines ...finance.Line) finance.Entry {
	t.Helper()
	ctx := context.Background()
	e, _, err := bk.db.Finance.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: date, Memo: "m", Lines: lines})
	dbtest.Must(t, err)
	e, err = bk.db.Finance.Approve(ctx, bk.appr, e.ID)
	dbtest.Must(t, err)
	return e
}

var ledgerTables = []string{"ledgers", "ledger_accounts", "ledger_funds", "ledger_entries", "ledger_lines", "ledger_balances", "audit_log"}

// refused checks that a call fails with code and leaves every ledger table
// (and the audit log) as it was.
func refused(t *testing.T, db *dbtest.DB, code kexie.Code, call func() error) {
	t.Helper()
	before := db.Snapshot(t, ledgerTables...)
	err := call()
	if kexie.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if d := dbtest.Diff(before, db.Snapshot(t, ledgerTables...)); d != "" {
		t.Fatalf("a refused call wrote:\n%s", d)
	}
}

func TestEntryRulesRefuseAndWriteNothing(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		_, err := fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "AWARD", Provider: "某基金会", Purpose: "青年科技奖",
			Accounts: []string{"5101"}, NotBefore: "2025-01-01", NotAfter: "2025-12-31"})
		dbtest.Must(t, err)
		bk.post(t, "2025-03-01", line("1002", "", 100000, 0), line("4101", "AWARD", 0, 100000))
		_, err = fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "PAST", Provider: "某企业", NotAfter: "2025-02-28"})
		dbtest.Must(t, err)
		bk.post(t, "2025-02-01", line("1002", "", 5000, 0), line("4101", "PAST", 0, 5000))
		_, err = fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "112201", NameZH: "会员单位欠款"})
		dbtest.Must(t, err)
		many := make([]finance.Line, 0, finance.MaxLines+1)
		for range finance.MaxLines {
			many = append(many, line("1002", "", 1, 0))
		}
		many = append(many, line("4901", "", 0, finance.MaxLines))
		rec := func(date string, lines ...finance.Line) func() error {
			return func() error {
				_, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: date, Lines: lines})
				return err
			}
		}
		cases := map[string]struct {
			code kexie.Code
			call func() error
		}{
			"unbalanced":         {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", 100, 0), line("4901", "", 0, 99))},
			"both sides":         {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", 100, 100), line("4901", "", 0, 0))},
			"zero":               {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", 0, 0), line("4901", "", 0, 0))},
			"negative":           {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", -5, 0), line("4901", "", 0, -5))},
			"one line":           {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", 0, 0))},
			"unknown account":    {kexie.CodeInvalid, rec("2025-03-02", line("1003", "", 100, 0), line("4901", "", 0, 100))},
			"net assets by hand": {kexie.CodeInvalid, rec("2025-03-02", line("1002", "", 100, 0), line("3101", "", 0, 100))},
			"restricted by hand": {kexie.CodeInvalid, rec("2025-03-02", line("3102", "AWARD", 100, 0), line("3101", "", 0, 100))},
			"future":             {kexie.CodeInvalid, rec("2025-06-16", line("1002", "", 100, 0), line("4901", "", 0, 100))},
			"bad date":           {kexie.CodeInvalid, rec("2025-02-30", line("1002", "", 100, 0), line("4901", "", 0, 100))},
			"unknown fund":       {kexie.CodeInvalid, rec("2025-03-02", line("5101", "NOPE", 100, 0), line("1002", "", 0, 100))},
			"fund wrong account": {kexie.CodeInvalid, rec("2025-03-02", line("5201", "AWARD", 100, 0), line("1002", "", 0, 100))},
			"fund overdrawn":     {kexie.CodeInvalid, rec("2025-03-02", line("5101", "AWARD", 100001, 0), line("1002", "", 0, 100001))},
			"fund after its end": {kexie.CodeInvalid, rec("2025-03-02", line("5101", "PAST", 100, 0), line("1002", "", 0, 100))},
			"parent account":     {kexie.CodeInvalid, rec("2025-03-02", line("1122", "", 100, 0), line("4901", "", 0, 100))},
			"too many lines":     {kexie.CodeInvalid, rec("2025-03-02", many...)},
			"outside subtree": {kexie.CodeNotFound, func() error {
				_, _, err := fin.Record(ctx, bk.outside, bk.a.ID, finance.NewEntry{Date: "2025-03-02", Lines: []finance.Line{line("1002", "", 1, 0), line("4901", "", 0, 1)}})
				return err
			}},
			"approver not recorder": {kexie.CodeNotFound, func() error {
				_, _, err := fin.Record(ctx, bk.appr, bk.a.ID, finance.NewEntry{Date: "2025-03-02", Lines: []finance.Line{line("1002", "", 1, 0), line("4901", "", 0, 1)}})
				return err
			}},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) { refused(t, db, c.code, c.call) })
		}
		// The rules are checked again when an entry posts: two spends each
		// within the fund, together beyond it — the second approval is
		// refused and writes nothing.
		s1, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-03-03", Lines: []finance.Line{line("5101", "AWARD", 60000, 0), line("1002", "", 0, 60000)}})
		dbtest.Must(t, err)
		s2, _, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-03-03", Lines: []finance.Line{line("5101", "AWARD", 60000, 0), line("1002", "", 0, 60000)}})
		dbtest.Must(t, err)
		_, err = fin.Approve(ctx, bk.appr, s1.ID)
		dbtest.Must(t, err)
		refused(t, db, kexie.CodeInvalid, func() error { _, err := fin.Approve(ctx, bk.appr, s2.ID); return err })
	})
}

func TestFundTimeWindow(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		_, err := db.Finance.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "LATE", Provider: "p", NotBefore: "2025-05-01"})
		dbtest.Must(t, err)
		bk.post(t, "2025-03-01", line("1002", "", 5000, 0), line("4101", "LATE", 0, 5000))
		refused(t, db, kexie.CodeInvalid, func() error {
			_, _, err := db.Finance.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-04-30", Lines: []finance.Line{line("5101", "LATE", 10, 0), line("1002", "", 0, 10)}})
			return err
		})
		bk.post(t, "2025-05-01", line("5101", "LATE", 10, 0), line("1002", "", 0, 10))
	})
}

func TestApprovalBySecondPersonAndRelease(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		_, err := fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "AWARD", Provider: "p", Accounts: []string{"5101"}})
		dbtest.Must(t, err)
		e, created, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-03-01", Key: "k1",
			Lines: []finance.Line{line("1002", "", 100000, 0), line("4101", "AWARD", 0, 100000)}})
		dbtest.Must(t, err)
		if !created || e.Status != finance.StatusPending || e.Seq != 0 {
			t.Fatalf("recorded: %+v created %v", e, created)
		}
		again, created, err := fin.Record(ctx, bk.rec, bk.a.ID, finance.NewEntry{Date: "2025-03-01", Key: "k1",
			Lines: []finance.Line{line("1002", "", 100000, 0), line("4101", "AWARD", 0, 100000)}})
		dbtest.Must(t, err)
		if created || again.ID != e.ID {
			t.Fatalf("same key recorded twice: %d vs %d", again.ID, e.ID)
		}
		// The recorder cannot approve (a treasurer holds no approve
		// permission: not found), nor can a user outside the subtree; a
		// system administrator, who holds both, cannot approve their own.
		refused(t, db, kexie.CodeNotFound, func() error { _, err := fin.Approve(ctx, bk.rec, e.ID); return err })
		root, err := db.Registry.OrgByCode(ctx, registry.RootCode)
		dbtest.Must(t, err)
		su := dbtest.User(t, db, "superuser", kexie.RoleSysAdmin, root.ID)
		admin := kexie.Actor{UserID: su.ID, Username: su.Username}
		own, _, err := fin.Record(ctx, admin, bk.a.ID, finance.NewEntry{Date: "2025-03-01", Lines: []finance.Line{line("1002", "", 5, 0), line("4901", "", 0, 5)}})
		dbtest.Must(t, err)
		refused(t, db, kexie.CodeForbidden, func() error { _, err := fin.Approve(ctx, admin, own.ID); return err })
		refused(t, db, kexie.CodeNotFound, func() error { _, err := fin.Approve(ctx, bk.outside, e.ID); return err })
		if _, err := fin.Entry(ctx, bk.outside, kexie.PermFinanceRead, e.ID); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Fatalf("outside read: %v", err)
		}
		posted, err := fin.Approve(ctx, bk.appr, e.ID)
		dbtest.Must(t, err)
		if posted.Status != finance.StatusPosted || posted.Seq != 1 || posted.DecidedBy != "accountant" {
			t.Fatalf("approved: %+v", posted)
		}
		refused(t, db, kexie.CodeConflict, func() error { _, err := fin.Approve(ctx, bk.appr, e.ID); return err })

		// Spending from the fund releases the same amount 3102 → 3101.
		spend := bk.post(t, "2025-04-01", line("5101", "AWARD", 30000, 0), line("1002", "", 0, 30000))
		list, _, err := fin.Entries(ctx, bk.a.ID, finance.EntryFilter{})
		dbtest.Must(t, err)
		var rel *finance.Entry
		for i := range list {
			if list[i].Kind == finance.KindRelease {
				rel = &list[i]
			}
		}
		if rel == nil || rel.CauseID != spend.ID || rel.Total != 30000 {
			t.Fatalf("no release linked to the spending: %+v", list)
		}
		full, err := fin.EntryByID(ctx, rel.ID)
		dbtest.Must(t, err)
		if full.Lines[0].Account != "3102" || full.Lines[0].Debit != 30000 || full.Lines[1].Account != "3101" || full.Lines[1].Credit != 30000 {
			t.Fatalf("release lines: %+v", full.Lines)
		}

		// A reversal points at the original, once.
		rev, err := fin.Reverse(ctx, bk.rec, spend.ID, "2025-04-02", "")
		dbtest.Must(t, err)
		if rev.ReversesID != spend.ID || rev.Lines[0].Credit != 30000 {
			t.Fatalf("reversal: %+v", rev)
		}
		refused(t, db, kexie.CodeConflict, func() error { _, err := fin.Reverse(ctx, bk.rec, spend.ID, "2025-04-02", ""); return err })
		_, err = fin.Approve(ctx, bk.appr, rev.ID)
		dbtest.Must(t, err)
		// Posted rows cannot be changed, even by SQL.
		if err := db.RawExec(ctx, `UPDATE ledger_lines SET debit = 1`); kexie.ErrorCode(err) != kexie.CodeImmutable {
			t.Fatalf("update of a posted line: %v", err)
		}
		if err := db.RawExec(ctx, `UPDATE ledger_entries SET memo = 'x' WHERE id = $1`, spend.ID); kexie.ErrorCode(err) != kexie.CodeImmutable {
			t.Fatalf("update of a posted entry: %v", err)
		}
		problems, err := fin.Verify(ctx, bk.a.ID)
		dbtest.Must(t, err)
		if len(problems) != 0 {
			t.Fatalf("verify: %v", problems)
		}
		// Every change is audited.
		for _, action := range []string{"ledger.fund", "ledger.record", "ledger.approve", "ledger.reverse"} {
			entries, err := db.Audit(ctx, dbtest.Admin, sqldbFilter(action))
			dbtest.Must(t, err)
			if len(entries) == 0 {
				t.Errorf("no audit entry %s", action)
			}
		}
	})
}

func sqldbFilter(action string) sqldb.AuditFilter {
	return sqldb.AuditFilter{Action: action, Limit: 100}
}

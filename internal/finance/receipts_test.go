package finance_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var receiptTables = append([]string{"ledger_receipts", "ledger_receipt_series", "dues_payments", "memberships"}, ledgerTables...)

// refusedReceipt is refused, over the receipt tables and membership's too.
func refusedReceipt(t *testing.T, db *dbtest.DB, code kexie.Code, call func() error) {
	t.Helper()
	before := db.Snapshot(t, receiptTables...)
	err := call()
	if kexie.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if d := dbtest.Diff(before, db.Snapshot(t, receiptTables...)); d != "" {
		t.Fatalf("a refused call wrote:\n%s", d)
	}
}

// member imports one active member of org and returns its membership id.
func member(t *testing.T, db *dbtest.DB, org kexie.Organisation, no, name string) int64 {
	t.Helper()
	ctx := context.Background()
	out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{{Line: 2, MemberNo: no, OrgCode: org.Code,
		Type: "individual", Name: name, Status: "active", Joined: "2020-01-01"}}, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	if out.Created != 1 {
		t.Fatalf("set-up import: %+v", out)
	}
	m, err := db.Membership.MemberByOrgNo(ctx, org.Code, no)
	dbtest.Must(t, err)
	return m.ID
}

func TestDuesBecomeReceiptEntries(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		clerk := dbtest.User(t, db, "clerk", kexie.RoleStaff, bk.a.ID)
		staff := kexie.Actor{UserID: clerk.ID, Username: clerk.Username}
		id := member(t, db, bk.a, "M001", "王芳")

		r, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-03-02", Amount: 5000, Period: "2025"})
		dbtest.Must(t, err)
		if r.Number != "A-HF-2025-000001" || r.Series != finance.SeriesDues || r.Payer != "王芳" || r.Status != finance.ReceiptIssued {
			t.Fatalf("receipt %+v", r)
		}
		e, err := db.Finance.EntryByID(ctx, r.EntryID)
		dbtest.Must(t, err)
		if e.Status != finance.StatusPosted || e.Kind != finance.KindReceipt || e.Reference != r.Number || len(e.Lines) != 2 ||
			e.Lines[0].Account != "1002" || e.Lines[0].Debit != 5000 || e.Lines[1].Account != "4201" || e.Lines[1].Credit != 5000 {
			t.Fatalf("entry %+v", e)
		}
		// Cash goes to 1001; the series goes on without a gap.
		r2, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-04-02", Amount: 3000, Method: "cash"})
		dbtest.Must(t, err)
		e2, _ := db.Finance.EntryByID(ctx, r2.EntryID)
		if r2.Number != "A-HF-2025-000002" || e2.Lines[0].Account != "1001" {
			t.Fatalf("cash receipt %+v %+v", r2, e2)
		}
		// The membership side is recorded in the same transaction.
		m, err := db.Membership.Member(ctx, dbtest.Admin, kexie.PermMembershipRead, id)
		dbtest.Must(t, err)
		if m.Record.LastDuesPaid != "2025-04-02" {
			t.Fatalf("last dues paid %q", m.Record.LastDuesPaid)
		}
		if problems, err := db.Finance.Verify(ctx, bk.a.ID); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}

		// Refused, with nothing written in membership or the books: outside
		// the clerk's subtree (not found), a closed month, a bad method.
		other := member(t, db, bk.b, "M002", "李雷")
		refusedReceipt(t, db, kexie.CodeNotFound, func() error {
			_, err := db.Finance.ReceiveDues(ctx, staff, other, finance.DuesPayment{Date: "2025-03-02", Amount: 5000})
			return err
		})
		_, err = db.Finance.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-04")
		dbtest.Must(t, err)
		refusedReceipt(t, db, kexie.CodeConflict, func() error {
			_, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-04-30", Amount: 5000})
			return err
		})
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-05-03", Amount: 5000, Method: "cheque"})
			return err
		})
		// A payment dated after today is refused, by membership, before
		// anything is written.
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-07-01", Amount: 5000})
			return err
		})
	})
}

func TestDonationReceiptsAndVoiding(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		fin := db.Finance
		_, err := fin.DeclareFund(ctx, bk.rec, bk.a.ID, finance.NewFund{Code: "YSTA", Provider: "某基金会", Purpose: "青年科技奖", Accounts: []string{"5101"}})
		dbtest.Must(t, err)
		r1, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-01", Donor: "某基金会", Amount: 500000, Fund: "YSTA", Purpose: "青年科技奖", Key: "k1"})
		dbtest.Must(t, err)
		if r1.Number != "A-JZ-2025-000001" || r1.Fund != "YSTA" || r1.Amount != 500000 {
			t.Fatalf("receipt %+v", r1)
		}
		e, _ := fin.EntryByID(ctx, r1.EntryID)
		if e.Status != finance.StatusPosted || e.Lines[1].Account != "4101" || e.Lines[1].Fund != "YSTA" {
			t.Fatalf("entry %+v", e)
		}
		// The same key twice issues once.
		again, created, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-01", Donor: "某基金会", Amount: 500000, Fund: "YSTA", Key: "k1"})
		dbtest.Must(t, err)
		if again.ID != r1.ID || created {
			t.Fatalf("a repeated key issued %v, want %v", again.Number, r1.Number)
		}
		r2, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-03", Donor: "张三", Amount: 10000})
		dbtest.Must(t, err)
		// A new year starts its series at 1: numbers are per year.
		// (2024 is open: nothing closed.)
		r0, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2024-12-30", Donor: "李四", Amount: 100})
		dbtest.Must(t, err)
		if r2.Number != "A-JZ-2025-000002" || r0.Number != "A-JZ-2024-000001" {
			t.Fatalf("numbers %v %v", r2.Number, r0.Number)
		}

		// Refusals write nothing and take no number.
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-03", Donor: "张三", Amount: 100, Fund: "NOPE"})
			return err
		})
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-03", Donor: "", Amount: 100})
			return err
		})
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-02-03", Donor: "张三", Amount: 0})
			return err
		})
		refusedReceipt(t, db, kexie.CodeNotFound, func() error {
			_, _, err := fin.IssueDonation(ctx, bk.outside, bk.a.ID, finance.NewDonation{Date: "2025-02-03", Donor: "张三", Amount: 100})
			return err
		})
		// Voiding needs the approve permission and a reason.
		refusedReceipt(t, db, kexie.CodeNotFound, func() error {
			_, err := fin.VoidReceipt(ctx, bk.rec, r2.ID, "", "写错了")
			return err
		})
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, err := fin.VoidReceipt(ctx, bk.appr, r2.ID, "", " ")
			return err
		})
		// Spend part of the fund: voiding its donation would take the fund
		// below zero, and is refused.
		bk.post(t, "2025-03-01", line("5101", "YSTA", 200000, 0), line("1002", "", 0, 200000))
		refusedReceipt(t, db, kexie.CodeInvalid, func() error {
			_, err := fin.VoidReceipt(ctx, bk.appr, r1.ID, "", "退款")
			return err
		})

		v, err := fin.VoidReceipt(ctx, bk.appr, r2.ID, "2025-03-05", "写错了金额")
		dbtest.Must(t, err)
		if v.Status != finance.ReceiptVoided || v.Number != r2.Number || v.VoidReason != "写错了金额" || v.VoidEntryID == 0 {
			t.Fatalf("voided %+v", v)
		}
		ve, _ := fin.EntryByID(ctx, v.VoidEntryID)
		if ve.Status != finance.StatusPosted || ve.ReversesID != r2.EntryID || ve.Lines[0].Credit != 10000 {
			t.Fatalf("void entry %+v", ve)
		}
		refusedReceipt(t, db, kexie.CodeConflict, func() error {
			_, err := fin.VoidReceipt(ctx, bk.appr, r2.ID, "", "again")
			return err
		})
		// The next donation takes the next number: the void one keeps its own.
		r3, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, finance.NewDonation{Date: "2025-03-06", Donor: "王五", Amount: 100})
		dbtest.Must(t, err)
		if r3.Number != "A-JZ-2025-000003" {
			t.Fatalf("after a void: %v", r3.Number)
		}
		list, total, err := fin.Receipts(ctx, bk.a.ID, finance.ReceiptFilter{Series: finance.SeriesDonation, Year: 2025})
		dbtest.Must(t, err)
		if total != 3 || len(list) != 3 || list[1].Status != finance.ReceiptVoided {
			t.Fatalf("list %d %+v", total, list)
		}
		// The database itself refuses to delete a receipt or un-void one.
		if err := db.RawExec(ctx, `DELETE FROM ledger_receipts WHERE id = $1`, r3.ID); err == nil {
			t.Fatal("a receipt was deleted")
		}
		if err := db.RawExec(ctx, `UPDATE ledger_receipts SET status = 'issued' WHERE id = $1`, r2.ID); err == nil {
			t.Fatal("a void receipt was changed")
		}
		if problems, err := fin.Verify(ctx, bk.a.ID); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
	})
}

// TestReceiptNumbersHaveNoGapsUnderConcurrency: many goroutines issue
// donation receipts at once, some of them refused (an unknown fund, after
// the number would have been taken); the numbers issued are exactly 1..n.
func TestReceiptNumbersHaveNoGapsUnderConcurrency(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		const workers, each = 16, 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		var numbers []string
		errs := make(chan error, workers*each)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					n := finance.NewDonation{Date: "2025-05-01", Donor: fmt.Sprintf("捐赠人%d-%d", w, i), Amount: kexie.Money(100 + i)}
					if (w+i)%3 == 0 {
						n.Fund = "NOPE" // refused after the number is taken: it must come back
					}
					r, _, err := db.Finance.IssueDonation(ctx, bk.rec, bk.a.ID, n)
					if n.Fund != "" {
						if kexie.ErrorCode(err) != kexie.CodeInvalid {
							errs <- fmt.Errorf("unknown fund: %v", err)
						}
						continue
					}
					if err != nil {
						errs <- err
						continue
					}
					mu.Lock()
					numbers = append(numbers, r.Number)
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		sort.Strings(numbers)
		for i, n := range numbers {
			if want := finance.ReceiptNumber("A", finance.SeriesDonation, 2025, int64(i+1)); n != want {
				t.Fatalf("number %d is %s, want %s (all: %v)", i+1, n, want, numbers)
			}
		}
		if len(numbers) == 0 {
			t.Fatal("nothing issued")
		}
		if problems, err := db.Finance.Verify(ctx, bk.a.ID); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
	})
}

// TestDuesReceiptsAreVoided: a dues receipt is voided as a donation
// receipt is — a reason, a reversing system entry pointing at its entry,
// the number kept, audited — and membership's payment is marked void with
// it, so the member's last payment is the one that stands.
func TestDuesReceiptsAreVoided(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		bk := setup(t, db)
		clerk := dbtest.User(t, db, "clerk", kexie.RoleStaff, bk.a.ID)
		staff := kexie.Actor{UserID: clerk.ID, Username: clerk.Username}
		id := member(t, db, bk.a, "M001", "王芳")
		r1, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-03-02", Amount: 5000, Period: "2025"})
		dbtest.Must(t, err)
		r2, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-04-02", Amount: 5000, Period: "2025"})
		dbtest.Must(t, err)

		// Refused, nothing written: the clerk and the treasurer lack the
		// approve permission (not found), no reason.
		refusedReceipt(t, db, kexie.CodeNotFound, func() error { _, err := db.Finance.VoidReceipt(ctx, staff, r2.ID, "", "重复"); return err })
		refusedReceipt(t, db, kexie.CodeNotFound, func() error { _, err := db.Finance.VoidReceipt(ctx, bk.rec, r2.ID, "", "重复"); return err })
		refusedReceipt(t, db, kexie.CodeInvalid, func() error { _, err := db.Finance.VoidReceipt(ctx, bk.appr, r2.ID, "", " "); return err })

		v, err := db.Finance.VoidReceipt(ctx, bk.appr, r2.ID, "2025-04-03", "重复登记")
		dbtest.Must(t, err)
		if v.Status != finance.ReceiptVoided || v.Number != "A-HF-2025-000002" || v.VoidReason != "重复登记" || v.VoidEntryID == 0 || v.VoidedBy != "accountant" {
			t.Fatalf("voided %+v", v)
		}
		ve, err := db.Finance.EntryByID(ctx, v.VoidEntryID)
		dbtest.Must(t, err)
		if ve.Kind != finance.KindReversal || ve.ReversesID != r2.EntryID || ve.Status != finance.StatusPosted || len(ve.Lines) != 2 ||
			ve.Lines[0].Account != "1002" || ve.Lines[0].Credit != 5000 || ve.Lines[1].Account != "4201" || ve.Lines[1].Debit != 5000 {
			t.Fatalf("void entry %+v", ve)
		}
		var audited int
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.receipt_void' AND object_id = $1`, fmt.Sprint(r2.ID)).Scan(&audited))
		if audited != 1 {
			t.Fatalf("void audited %d times", audited)
		}
		// Membership no longer counts the voided payment: the last one paid
		// is the March one again.
		m, err := db.Membership.Member(ctx, dbtest.Admin, kexie.PermMembershipRead, id)
		dbtest.Must(t, err)
		if m.Record.LastDuesPaid != "2025-03-02" {
			t.Fatalf("last dues paid after the void: %q", m.Record.LastDuesPaid)
		}
		// Void again: a conflict, nothing written. The series goes on.
		refusedReceipt(t, db, kexie.CodeConflict, func() error { _, err := db.Finance.VoidReceipt(ctx, bk.appr, r2.ID, "", "again"); return err })
		r3, err := db.Finance.ReceiveDues(ctx, staff, id, finance.DuesPayment{Date: "2025-05-02", Amount: 5000})
		dbtest.Must(t, err)
		if r3.Number != "A-HF-2025-000003" {
			t.Fatalf("after a void: %v", r3.Number)
		}
		// A dues receipt in a closed month is refused whole.
		_, err = db.Finance.CloseMonth(ctx, bk.appr, bk.a.ID, "2025-05")
		dbtest.Must(t, err)
		refusedReceipt(t, db, kexie.CodeConflict, func() error { _, err := db.Finance.VoidReceipt(ctx, bk.appr, r1.ID, "2025-05-31", "x"); return err })
		if problems, err := db.Finance.Verify(ctx, bk.a.ID); err != nil || len(problems) != 0 {
			t.Fatalf("verify: %v %v", problems, err)
		}
	})
}

// TestDonationReceiptToSubAccount: an organisation that splits 4101 捐赠收入
// into sub-accounts (donations, and funding counted as its own source)
// receipts a donation to the sub-account it names, and income by source
// follows; 4101 itself, now a parent, an account outside 4101 and an
// unknown one are refused and write nothing.
func TestDonationReceiptToSubAccount(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: fixedNow}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		fin := db.Finance
		bk := setup(t, db)
		_, err := fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "410101", NameZH: "社会捐赠"})
		dbtest.Must(t, err)
		_, err = fin.AddAccount(ctx, bk.rec, bk.a.ID, finance.NewAccount{Code: "410102", NameZH: "企业资助", Source: finance.SourceFunding})
		dbtest.Must(t, err)
		gift := func(account string) finance.NewDonation {
			return finance.NewDonation{Date: "2025-03-01", Donor: "某企业", Amount: 100_000, Account: account}
		}
		rc, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, gift("410102"))
		dbtest.Must(t, err)
		e, err := fin.EntryByID(ctx, rc.EntryID)
		dbtest.Must(t, err)
		if e.Lines[1].Account != "410102" {
			t.Fatalf("receipt entry lines %+v", e.Lines)
		}
		_, _, err = fin.IssueDonation(ctx, bk.rec, bk.a.ID, gift(" 410101 "))
		dbtest.Must(t, err)
		by, err := fin.IncomeBySource(ctx, bk.a, 2025)
		dbtest.Must(t, err)
		if by.Sources[finance.SourceFunding] != 100_000 || by.Sources[finance.SourceDonations] != 100_000 {
			t.Fatalf("income by source %+v", by)
		}
		for _, acc := range []string{"", "4101", "4201", "410199"} {
			refusedReceipt(t, db, kexie.CodeInvalid, func() error {
				_, _, err := fin.IssueDonation(ctx, bk.rec, bk.a.ID, gift(acc))
				return err
			})
		}
	})
}

package demo

import (
	"context"
	"fmt"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
)

// BooksYear is the year of the demo's books: a whole year, closed.
const BooksYear = 2025

// demoBooks are Heilongjiang's and CHIA's books for BooksYear: every
// source of funds the seeds list — financial allocation (4401 政府补助收入),
// funding (410102 企业资助, a sub-account of 4101 counted as the source
// "funding") and donations (410101 社会捐赠, with a donation receipt),
// membership dues (4201, from the member register, each with its dues
// receipt), enterprise and service income (4301 提供服务收入, 4501 商品销售收入),
// interest (4601 投资收益) and other income (4901) —, expenses, and for
// Heilongjiang a restricted donation fund for the Youth S&T Award, spent in
// part (its release posted by the system); then the year is closed.
//
// Loading again changes nothing: the journal is imported with entry
// references as idempotency keys, the donation receipt has a key, dues
// are received once (when the year has no dues receipt yet), and a closed
// year is left alone.
func demoBooks(ctx context.Context, db *domains, actor kexie.Actor) error {
	for _, b := range []demoLedger{{"HLJ", 10, true}, {"CHIA", 3, false}} {
		if err := b.load(ctx, db, actor); err != nil {
			return fmt.Errorf("demo books of %s: %w", b.code, err)
		}
	}
	return nil
}

// demoLedger is one organisation's demo books.
type demoLedger struct {
	code  string
	scale int64 // amounts ×scale: HLJ is a provincial association, CHIA a national society
	award bool  // the Youth S&T Award's restricted fund
}

func (b demoLedger) load(ctx context.Context, db *domains, actor kexie.Actor) error {
	org, err := db.reg.OrgByCode(ctx, b.code)
	if err != nil {
		return err
	}
	head, err := db.fin.HeadOf(ctx, org.ID)
	if err != nil || head.ClosedYear >= BooksYear {
		return err
	}
	y := func(md string) string { return fmt.Sprintf("%d-%s", BooksYear, md) }
	yuan := func(n int64) string { return fmt.Sprint(n * b.scale) }
	entry := func(ref, date, memo string, lines ...[4]string) finance.ImportEntry {
		e := finance.ImportEntry{Ref: ref}
		for i, l := range lines { // account, fund, debit, credit
			e.Lines = append(e.Lines, finance.ImportLine{Line: i + 1, Date: date, Account: l[0], Fund: l[1], Debit: l[2], Credit: l[3], Memo: memo})
		}
		return e
	}
	// The chart has one account (4101) for donations and funding: the
	// statistics forms count them apart, so 4101 is split in two, the
	// funding half marked with its source.
	for _, a := range []finance.NewAccount{
		{Code: "410101", NameZH: "社会捐赠", NameEN: "Donations from the public"},
		{Code: "410102", NameZH: "企业资助", NameEN: "Enterprise funding", Source: finance.SourceFunding},
	} {
		if _, err := db.fin.AddAccount(ctx, actor, org.ID, a); err != nil && kexie.ErrorCode(err) != kexie.CodeConflict {
			return err
		}
	}
	var journal []finance.ImportEntry
	if b.award {
		if _, err := db.fin.DeclareFund(ctx, actor, org.ID, finance.NewFund{Code: "YSTA", Provider: "黑龙江省青年科技奖励基金",
			Purpose: "黑龙江青年科技奖奖金及评审", Accounts: []string{"5101"}, NotBefore: y("01-01"), NotAfter: y("12-31")}); err != nil &&
			kexie.ErrorCode(err) != kexie.CodeConflict {
			return err
		}
	}
	journal = append(journal,
		entry("DEMO-01", y("01-15"), "财政拨款（年度经费）", [4]string{"1002", "", yuan(30000), ""}, [4]string{"4401", "", "", yuan(30000)}),
		entry("DEMO-02", y("03-10"), "企业资助学术年会", [4]string{"1002", "", yuan(5000), ""}, [4]string{"410102", "", "", yuan(5000)}),
		entry("DEMO-03", y("04-20"), "科技咨询服务收入", [4]string{"1002", "", yuan(8000), ""}, [4]string{"4301", "", "", yuan(8000)}),
		entry("DEMO-04", y("05-18"), "科普图书销售", [4]string{"1001", "", yuan(600), ""}, [4]string{"4501", "", "", yuan(600)}),
		entry("DEMO-05", y("06-21"), "银行存款利息", [4]string{"1002", "", yuan(120), ""}, [4]string{"4601", "", "", yuan(120)}),
		entry("DEMO-06", y("07-08"), "其他收入", [4]string{"1002", "", yuan(200), ""}, [4]string{"4901", "", "", yuan(200)}),
		entry("DEMO-07", y("09-12"), "学术年会会务费用", [4]string{"5101", "", yuan(16000), ""}, [4]string{"1002", "", "", yuan(16000)}),
		entry("DEMO-08", y("10-30"), "办公及人员费用", [4]string{"5201", "", yuan(12000), ""}, [4]string{"1002", "", "", yuan(12000)}),
		entry("DEMO-09", y("11-05"), "募捐活动费用", [4]string{"5301", "", yuan(400), ""}, [4]string{"1002", "", "", yuan(400)}),
		entry("DEMO-10", y("11-20"), "其他费用", [4]string{"5401", "", yuan(100), ""}, [4]string{"1001", "", "", yuan(100)}),
	)
	if b.award {
		// The award's prizes: part of the restricted fund (given below as
		// a donation receipt), released from restriction as it is spent.
		journal = append(journal, entry("DEMO-11", y("12-10"), "黑龙江青年科技奖奖金", [4]string{"5101", "YSTA", yuan(3000), ""}, [4]string{"1002", "", "", yuan(3000)}))
	}
	if b.award {
		if _, _, err := db.fin.IssueDonation(ctx, actor, org.ID, finance.NewDonation{Date: y("02-26"), Donor: "黑龙江省青年科技奖励基金",
			Amount: kexie.Money(5000 * b.scale * 100), Fund: "YSTA", Purpose: "黑龙江青年科技奖", Key: "demo-ysta", Account: "410101"}); err != nil {
			return err
		}
	}
	// An unrestricted gift from a member of the public, with its receipt.
	if _, _, err := db.fin.IssueDonation(ctx, actor, org.ID, finance.NewDonation{Date: y("08-18"), Donor: "王建国",
		Amount: kexie.Money(1000 * b.scale * 100), Purpose: "支持科普活动", Key: "demo-gift", Account: "410101"}); err != nil {
		return err
	}
	res, err := db.fin.Import(ctx, actor, org.ID, journal, false)
	if err != nil {
		return err
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("demo entry %s rejected: %s", res.Rejected[0].Ref, res.Rejected[0].Reason.Message)
	}
	if err := demoDues(ctx, db, actor, org); err != nil {
		return err
	}
	_, err = db.fin.CloseYear(ctx, actor, org.ID, BooksYear)
	return err
}

// demoDues receives a year's dues from each member in the register of the
// organisation (the demo's seat holders), at the standard the organisation
// set (50 yuan a year where it set none), each posted with its dues
// receipt — once: a year with dues receipts is left alone.
func demoDues(ctx context.Context, db *domains, actor kexie.Actor, org kexie.Organisation) error {
	have, _, err := db.fin.Receipts(ctx, org.ID, finance.ReceiptFilter{Series: finance.SeriesDues, Year: BooksYear, Limit: 1})
	if err != nil || len(have) > 0 {
		return err
	}
	var amount kexie.Money = 5000
	if std, err := db.mem.DuesStandards(ctx, org.ID); err == nil {
		for _, s := range std {
			if s.Type == "individual" {
				amount = kexie.Money(s.AmountFen)
			}
		}
	} else {
		return err
	}
	for _, g := range govOrgs() {
		if g.code != org.Code {
			continue
		}
		for i := range g.people {
			m, err := db.mem.MemberByNo(ctx, org.ID, memberNo(g.code, i))
			if err != nil {
				return err
			}
			method := finance.MethodBank
			if i%4 == 3 {
				method = finance.MethodCash
			}
			day := fmt.Sprintf("%d-%02d-%02d", BooksYear, 3+i%6, 1+i%27)
			if _, err := db.fin.ReceiveDues(ctx, actor, m.ID, finance.DuesPayment{Date: day, Amount: amount, Period: fmt.Sprint(BooksYear), Method: method}); err != nil {
				return err
			}
		}
	}
	return nil
}

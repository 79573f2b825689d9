package finance

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
)

// Receipt series: a dues receipt for each dues payment, a donation receipt
// (捐赠票据) for each donation. Each series is numbered per organisation and
// year from 1, without gaps.
const (
	SeriesDues     = "dues"
	SeriesDonation = "donation"
)

// Receipt statuses: a voided receipt keeps its number and says so.
const (
	ReceiptIssued = "issued"
	ReceiptVoided = "voided"
)

// Payment methods: the money came to the bank account (1002) or as cash
// (1001).
const (
	MethodBank = "bank"
	MethodCash = "cash"
)

// Receipt is a receipt of the books with the entry it posted.
type Receipt struct {
	ID           int64       `json:"id"`
	OrgID        int64       `json:"-"`
	OrgCode      string      `json:"org"`
	Series       string      `json:"series"`
	Year         int         `json:"year"`
	Seq          int64       `json:"seq"`
	Number       string      `json:"number"`
	Date         kexie.Date  `json:"date"`
	Payer        string      `json:"payer"`
	Amount       kexie.Money `json:"amount"`
	Method       string      `json:"method"`
	Fund         string      `json:"fund,omitempty"`
	Purpose      string      `json:"purpose,omitempty"`
	MembershipID int64       `json:"membership_id,omitempty"`
	EntryID      int64       `json:"entry"`
	Status       string      `json:"status"`
	VoidReason   string      `json:"void_reason,omitempty"`
	VoidEntryID  int64       `json:"void_entry,omitempty"`
	VoidedBy     string      `json:"voided_by,omitempty"`
	VoidedAt     *time.Time  `json:"voided_at,omitempty"`
	IssuedBy     string      `json:"issued_by"`
	IssuedAt     time.Time   `json:"issued_at"`
}

// ReceiptNumber writes a receipt's number: the organisation's code, the
// series (JZ 捐赠 for donations, HF 会费 for dues), the year and the
// number in the series, six digits at least — "CAST-JZ-2025-000007".
func ReceiptNumber(orgCode, series string, year int, seq int64) string {
	tag := "HF"
	if series == SeriesDonation {
		tag = "JZ"
	}
	return fmt.Sprintf("%s-%s-%04d-%06d", orgCode, tag, year, seq)
}

// cashAccount is the asset account a method debits.
func cashAccount(method string) (string, error) {
	switch method {
	case "", MethodBank:
		return "1002", nil
	case MethodCash:
		return "1001", nil
	}
	return "", kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_method", "the money comes to the bank (bank) or as cash (cash)")
}

// issue takes the next number of a series for the ledger in st (whose row
// the transaction has locked, so numbers are taken one at a time), posts
// the receipt's entry as a system entry, and writes the receipt. Nothing
// is kept when any step fails: the number goes back with the transaction,
// so the series has no gaps.
func (svc *Service) issue(ctx context.Context, tx *sqldb.Tx, st *state, r *Receipt, lines []Line, memo, key string) error {
	r.Year = r.Date.Year()
	var err error
	if r.Seq, err = st.nextNumber(ctx, tx, r.Series, r.Year); err != nil {
		return err
	}
	r.Number = ReceiptNumber(st.orgCode, r.Series, r.Year, r.Seq)
	total, spent, err := st.check(ctx, tx, KindReceipt, r.Date, lines)
	if err != nil {
		return err
	}
	if r.EntryID, err = st.post(ctx, tx, posting{Date: r.Date, Reference: r.Number, Memo: memo, Kind: KindReceipt, Key: key, Lines: lines}, total, spent); err != nil {
		return err
	}
	var fundID any
	if r.Fund != "" {
		fundID = st.funds[r.Fund].ID
	}
	r.OrgID, r.OrgCode, r.Status = st.orgID, st.orgCode, ReceiptIssued
	r.IssuedBy, r.IssuedAt = tx.Actor().Username, tx.Now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_receipts (org_id, series, year, seq, number, date, payer, amount, method, fund_id, purpose,
		membership_id, entry_id, status, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'issued', $14, $15) RETURNING id`,
		r.OrgID, r.Series, r.Year, r.Seq, r.Number, r.Date, r.Payer, r.Amount, r.Method, fundID, r.Purpose, nullID(r.MembershipID), r.EntryID,
		r.IssuedBy, r.IssuedAt).Scan(&r.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, sqldb.Change{Action: "ledger.receipt", ObjectType: "ledger_receipt", ObjectID: strconv.FormatInt(r.ID, 10), OrgID: r.OrgID,
		After: map[string]any{"org": r.OrgCode, "number": r.Number, "series": r.Series, "date": r.Date.String(), "payer": r.Payer,
			"amount": int64(r.Amount), "method": r.Method, "fund": r.Fund, "entry": r.EntryID}})
}

// NewDonation is a donation to receipt.
type NewDonation struct {
	Date    string // YYYY-MM-DD, the day the money came
	Donor   string
	Amount  kexie.Money
	Method  string // bank (default) or cash
	Fund    string // a declared fund: restricted income; "" unrestricted
	Purpose string
	// Account is the income account credited: 4101 捐赠收入, or one of the
	// sub-accounts an organisation added under it (a donation account, a
	// funding account counted as its own source); "" 4101.
	Account string
	// Key makes the call idempotent: a receipt issued with the same key in
	// the same ledger is returned, and nothing is written.
	Key string
}

// IssueDonation records a donation received by an organisation and issues
// its donation receipt (捐赠票据), numbered in the organisation's donation
// series for the date's year without gaps. The entry 借 1002 银行存款 (or
// 1001 现金) / 贷 4101 捐赠收入 (or the sub-account of it named) — with the fund on the income line when the
// donor restricted it — posts at once, as a system entry. With a key
// already used, the receipt issued with it is returned (created false).
// Errors:
// CodeInvalid for a bad donation or one the ledger's rules refuse (closed
// period, unknown fund…; nothing is written); CodeNotFound outside the
// subtrees where actor holds finance.record.
func (svc *Service) IssueDonation(ctx context.Context, actor kexie.Actor, orgID int64, n NewDonation) (_ Receipt, created bool, err error) {
	r := Receipt{Series: SeriesDonation, Amount: n.Amount, Method: strings.TrimSpace(n.Method), Fund: strings.TrimSpace(n.Fund)}
	if r.Date, err = kexie.ParseDay(n.Date); err == nil && r.Date.IsZero() {
		err = kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", "")
	}
	if err != nil {
		return r, false, err
	}
	if r.Payer, err = text("donor", n.Donor, 200); err == nil && r.Payer == "" {
		err = kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_payer", "a receipt names who paid")
	}
	if err != nil {
		return r, false, err
	}
	if r.Purpose, err = text("purpose", n.Purpose, 500); err != nil {
		return r, false, err
	}
	key, err := text("idempotency_key", n.Key, 200)
	if err != nil {
		return r, false, err
	}
	if n.Amount <= 0 || n.Amount > MaxLineFen {
		return r, false, kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_amount", "a receipt is for a positive amount")
	}
	cash, err := cashAccount(r.Method)
	if err != nil {
		return r, false, err
	}
	if r.Method == "" {
		r.Method = MethodBank
	}
	income := strings.TrimSpace(n.Account)
	if income == "" {
		income = AccountDonations
	}
	if TopOf(income) != AccountDonations {
		return r, false, kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_account", "a donation is credited to 4101 or one of its sub-accounts, not %v", kexie.Excerpt(income))
	}
	// The key is kept on the receipt's entry, the ledger's one place for
	// keys, apart from the keys of entries recorded by hand.
	if key != "" {
		key = "receipt:" + key
	}
	var known int64
	err = svc.groupedKeyed(ctx, actor, orgID, key, func(ctx context.Context, tx *sqldb.Tx, g *group) error {
		known, r.ID = 0, 0
		code, err := g.org(ctx, tx, orgID, kexie.PermFinanceRecord)
		if err != nil {
			return err
		}
		st, err := g.ledger(ctx, tx, orgID, code)
		if err != nil {
			return err
		}
		if key != "" && !g.keyUnused() {
			// Read in the group's transaction: the same key posted by an
			// earlier posting of the group is found too. The receipt is
			// found by its number, its entry's reference, through the
			// (org_id, number) index: receipts have no index by entry,
			// and joining on entry_id alone scanned them all.
			err := tx.QueryRowContext(ctx, `SELECT r.id FROM ledger_entries e
				JOIN ledger_receipts r ON r.org_id = e.org_id AND r.number = e.reference AND r.entry_id = e.id
				WHERE e.org_id = $1 AND e.idem_key = $2`, orgID, key).Scan(&known)
			if err != sql.ErrNoRows {
				return err
			}
		}
		memo := "捐赠 " + r.Payer
		if r.Purpose != "" {
			memo += " · " + r.Purpose
		}
		lines := []Line{{Account: cash, Debit: r.Amount, Counterparty: r.Payer}, {Account: income, Fund: r.Fund, Credit: r.Amount, Counterparty: r.Payer}}
		return svc.issue(ctx, tx, st, &r, lines, memo, key)
	})
	if err != nil {
		return Receipt{}, false, err
	}
	if known != 0 {
		r, err = svc.ReceiptByID(ctx, known)
		return r, false, err
	}
	r, err = svc.ReceiptByID(ctx, r.ID)
	return r, true, err
}

// DuesPayment is a dues payment to record.
type DuesPayment struct {
	Date    string // YYYY-MM-DD
	Amount  kexie.Money
	Period  string
	Method  string // bank (default) or cash
	Receipt string // a number the clerk wrote on paper, kept by membership; the books issue their own
}

// ReceiveDues records a member's dues payment in membership and, in the
// same transaction, posts it to the books of the member's organisation —
// 借 1002 银行存款 (or 1001 现金) / 贷 4201 会费收入, a system entry — with a
// dues receipt numbered in the organisation's dues series. Membership does
// not know the books (finance imports membership, never the reverse): the
// pages and API that record dues call this instead of
// membership.RecordDues. A payment of zero is recorded by membership
// without an entry or receipt (zero Receipt); one dated after today is
// refused by membership (err.date_future) before anything is written. Errors: membership's (CodeNotFound outside the
// subtrees where actor may write the member), and the ledger's rules
// (CodeConflict for a closed period); nothing is written then.
func (svc *Service) ReceiveDues(ctx context.Context, actor kexie.Actor, membershipID int64, p DuesPayment) (Receipt, error) {
	r := Receipt{Series: SeriesDues, Amount: p.Amount, Method: strings.TrimSpace(p.Method), MembershipID: membershipID}
	cash, err := cashAccount(r.Method)
	if err != nil {
		return r, err
	}
	if r.Method == "" {
		r.Method = MethodBank
	}
	if p.Amount > MaxLineFen {
		return r, kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_amount", "a receipt is for a positive amount")
	}
	// Pinned to the writer of the member's organisation (read apart: the
	// posting reads it again in its transaction).
	pin := func() int64 {
		var orgID int64
		_ = svc.db.Reader().QueryRowContext(ctx, `SELECT org_id FROM memberships WHERE id = $1`, membershipID).Scan(&orgID)
		return orgID
	}
	err = svc.grouped(ctx, actor, pin, func(ctx context.Context, tx *sqldb.Tx, g *group) error {
		r.ID = 0
		paid, err := membership.RecordDuesTx(ctx, tx, membershipID, strings.TrimSpace(p.Date), int64(p.Amount), p.Period, p.Receipt)
		if err != nil || p.Amount == 0 {
			return err
		}
		st, err := g.ledger(ctx, tx, paid.OrgID, "")
		if err != nil {
			return err
		}
		if r.Date, err = kexie.ParseDay(paid.PaidOn); err != nil {
			return err
		}
		r.Payer, r.Purpose = paid.Name, paid.Period
		memo := "会费 " + paid.MemberNo + " " + paid.Name
		if paid.Period != "" {
			memo += " · " + paid.Period
		}
		lines := []Line{{Account: cash, Debit: r.Amount, Counterparty: paid.MemberNo}, {Account: "4201", Credit: r.Amount, Counterparty: paid.MemberNo}}
		return svc.issue(ctx, tx, st, &r, lines, memo, "")
	})
	if err != nil || r.ID == 0 {
		return Receipt{}, err
	}
	return svc.ReceiptByID(ctx, r.ID)
}

// VoidReceipt voids a receipt — dues or donation — with the reason, as a
// person holding finance.approve on its organisation: the receipt keeps
// its number and says it is void, and its entry is reversed at once (a
// system entry pointing at it, dated d, today when empty). Voiding a dues
// receipt marks membership's payment void in the same transaction. Errors: CodeNotFound for no
// such receipt or one outside the actor's subtrees; CodeConflict when it
// is void already or its entry cannot be reversed (reversed already, a
// closed period); CodeInvalid without a reason or when the reversal
// breaks a rule (a restricted fund spent below what it gave).
func (svc *Service) VoidReceipt(ctx context.Context, actor kexie.Actor, id int64, date, reason string) (Receipt, error) {
	reason, err := text("reason", reason, 500)
	if err == nil && reason == "" {
		err = kexie.Errorf(kexie.CodeInvalid, "err.ledger_void_reason", "say why the receipt is void")
	}
	if err != nil {
		return Receipt{}, err
	}
	if strings.TrimSpace(date) == "" {
		date = svc.today().String()
	}
	d, err := kexie.ParseDay(date)
	if err == nil && d.IsZero() {
		err = kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", date)
	}
	if err != nil {
		return Receipt{}, err
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, err := receiptTx(ctx, tx, id)
		if err != nil {
			return receiptNotFound()
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermFinanceApprove, r.OrgID, receiptNotFound()); err != nil {
			return err
		}
		st, err := svc.loadState(ctx, tx, r.OrgID, r.OrgCode)
		if err != nil {
			return err
		}
		// Read again under the ledger's lock: two voids at once void once.
		if r, err = receiptTx(ctx, tx, id); err != nil {
			return err
		}
		if r.Status != ReceiptIssued {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_receipt_void", "receipt %v is void already", r.Number)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses_id = $1 AND status <> 'rejected')`, r.EntryID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_reversed", "entry %v is reversed already", r.EntryID)
		}
		lines, err := linesTx(ctx, tx, r.EntryID)
		if err != nil {
			return err
		}
		for i := range lines {
			lines[i].Debit, lines[i].Credit = lines[i].Credit, lines[i].Debit
		}
		total, spent, err := st.check(ctx, tx, KindReversal, d, lines)
		if err != nil {
			return err
		}
		voidID, err := st.post(ctx, tx, posting{Date: d, Reference: r.Number, Memo: "void " + r.Number + ": " + reason, Kind: KindReversal,
			ReversesID: r.EntryID, Lines: lines}, total, spent)
		if err != nil {
			return err
		}
		a := tx.Actor()
		if _, err := tx.ExecContext(ctx, `UPDATE ledger_receipts SET status = 'voided', void_reason = $1, void_entry_id = $2, voided_by = $3, voided_at = $4
			WHERE id = $5 AND status = 'issued'`, reason, voidID, a.Username, tx.Now(), id); err != nil {
			return err
		}
		// A dues receipt voids membership's payment with it: the member is
		// no longer counted as having paid.
		if r.Series == SeriesDues && r.MembershipID != 0 {
			if err := membership.VoidDuesTx(ctx, tx, r.MembershipID, r.Date.String(), int64(r.Amount)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.receipt_void", ObjectType: "ledger_receipt", ObjectID: strconv.FormatInt(id, 10), OrgID: r.OrgID,
			Before: map[string]any{"status": ReceiptIssued}, After: map[string]any{"status": ReceiptVoided, "number": r.Number, "series": r.Series, "reason": reason, "void_entry": voidID}})
	})
	if err != nil {
		return Receipt{}, err
	}
	return svc.ReceiptByID(ctx, id)
}

func receiptNotFound() error {
	return kexie.Errorf(kexie.CodeNotFound, "err.ledger_receipt_not_found", "no such receipt")
}

const receiptColumns = `r.id, r.org_id, o.code, r.series, r.year, r.seq, r.number, r.date, r.payer, r.amount, r.method, COALESCE(f.code, ''), r.purpose,
	COALESCE(r.membership_id, 0), r.entry_id, r.status, r.void_reason, COALESCE(r.void_entry_id, 0), r.voided_by, r.voided_at, r.issued_by, r.issued_at`

const receiptFrom = ` FROM ledger_receipts r JOIN orgs o ON o.id = r.org_id LEFT JOIN ledger_funds f ON f.id = r.fund_id`

func scanReceipt(sc scanner) (Receipt, error) {
	var r Receipt
	var voided sql.NullTime
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgCode, &r.Series, &r.Year, &r.Seq, &r.Number, &r.Date, &r.Payer, &r.Amount, &r.Method, &r.Fund, &r.Purpose,
		&r.MembershipID, &r.EntryID, &r.Status, &r.VoidReason, &r.VoidEntryID, &r.VoidedBy, &voided, &r.IssuedBy, &r.IssuedAt)
	if voided.Valid {
		r.VoidedAt = timePtr(voided.Time.UTC())
	}
	r.IssuedAt = r.IssuedAt.UTC()
	return r, err
}

func receiptTx(ctx context.Context, tx *sqldb.Tx, id int64) (Receipt, error) {
	r, err := scanReceipt(tx.QueryRowContext(ctx, `SELECT `+receiptColumns+receiptFrom+` WHERE r.id = $1`, id))
	return r, sqldb.MapErr(err)
}

// ReceiptByID is a receipt, for a caller that has checked the actor
// (Receipt does).
func (svc *Service) ReceiptByID(ctx context.Context, id int64) (Receipt, error) {
	// One query: through the readers' kept statements, not a transaction
	// (a receipt is read back after each posting of a rush).
	r, err := scanReceipt(svc.db.Reader().QueryRowContext(ctx, `SELECT `+receiptColumns+receiptFrom+` WHERE r.id = $1`, id))
	return r, sqldb.MapErr(err)
}

// Receipt is receipt id if actor holds p on its organisation; any other is
// not found, exactly as one that does not exist.
func (svc *Service) Receipt(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Receipt, error) {
	r, err := svc.ReceiptByID(ctx, id)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return r, receiptNotFound()
	}
	if err != nil {
		return r, err
	}
	return r, svc.db.Check(ctx, actor, p, r.OrgID, receiptNotFound())
}

// ReceiptFilter narrows a list of receipts.
type ReceiptFilter struct {
	Series string // "" both
	Year   int    // 0 every year
	Offset int
	Limit  int
}

// Receipts lists an organisation's receipts by series, year and number,
// and how many match. The caller has loaded the ledger with Ledger.
func (svc *Service) Receipts(ctx context.Context, orgID int64, f ReceiptFilter) ([]Receipt, int, error) {
	args := []any{orgID}
	arg := sqldb.Args(&args)
	where := ` WHERE r.org_id = $1`
	if f.Series != "" {
		where += ` AND r.series = ` + arg(f.Series)
	}
	if f.Year != 0 {
		where += ` AND r.year = ` + arg(f.Year)
	}
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_receipts r`+where, args...).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+receiptColumns+receiptFrom+where+
		` ORDER BY r.series, r.year DESC, r.seq DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Receipt{}
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, 0, sqldb.MapErr(err)
		}
		out = append(out, r)
	}
	return out, total, sqldb.MapErr(rows.Err())
}

package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// MemberFilter narrows a member search. Zero fields do not filter.
type MemberFilter struct {
	Q          string // name (two characters are enough), pinyin or initials, member number, employer
	OrgID      int64  // the subtree below (and including) this organisation
	Type       string
	Status     string
	Discipline string // a GB/T 13745 code prefix
}

// Member is a membership with its holder, for lists and record pages.
type Member struct {
	ID           int64
	PersonID     int64 // the holder
	Record       kexie.MemberRecord
	OrgID        int64
	OrgName      string // the organisation's Chinese name
	OrgNameEN    string // its English name, "" if none
	Exempt       string // exemption end date, "" if none
	ExemptReason string
	Stage        string // the application's stage; "" for a membership recorded without one
	HasCard      bool   // a membership card was issued (on approval)
}

// Rejected reports whether the membership is an application that was
// rejected: no applicant any more, and never a member.
func (m Member) Rejected() bool { return m.Record.Status == "applicant" && m.Stage == StageRejected }

const memberListColumns = memberColumns + `, m.org_id, o.name_zh, m.exempt_until, m.exempt_reason, m.app_stage, m.card_token <> '', o.name_en`

// OrgLabel is the organisation's name in lang, the Chinese one where it
// has no English name.
func (m Member) OrgLabel(lang string) string {
	if lang == "en" && m.OrgNameEN != "" {
		return m.OrgNameEN
	}
	return m.OrgName
}

func scanMemberRow(s sqldb.Scanner) (Member, error) {
	var mm Member
	var personID int64
	var hash string
	r := &mm.Record
	err := s.Scan(&mm.ID, &personID, &r.MemberNo, &r.OrgCode, &r.Type, &r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate,
		&r.IDType, &hash, &r.IDMasked, &r.Nationality, &r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone,
		&r.Joined, &r.Status, &r.LastDuesPaid, &r.LastActivity, &r.CreditCode, &r.ContactPerson, &mm.OrgID, &mm.OrgName, &mm.Exempt, &mm.ExemptReason, &mm.Stage, &mm.HasCard, &mm.OrgNameEN)
	r.IDNumber = r.IDMasked
	mm.PersonID = personID
	return mm, sqldb.MapErr(err)
}

func scanMemberRows(rows *sql.Rows, err error) ([]Member, error) {
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMemberRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, sqldb.MapErr(rows.Err())
}

// SearchMembers lists memberships visible to actor (membership.read on their
// organisation) matching f. The text is matched as a prefix, each match a
// range of an index: Chinese text against names (two characters are a
// whole given name) and employers; other text against the pinyin (spaces
// ignored), its initials, member numbers and employers. Results come by
// name; without text, by organisation and member number.
func (svc *Service) SearchMembers(ctx context.Context, actor kexie.Actor, f MemberFilter, offset, limit int) ([]Member, error) {
	cond, order, args, err := svc.memberSearch(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	// Page through narrow rows first (the sort of a broad match is then a
	// sort of ids and names), then read the page's members in full.
	page := `SELECT m.id AS mid, p.name AS pname, m.org_id AS porg, m.member_no AS pno FROM memberships m JOIN people p ON p.id = m.person_id` +
		cond + ` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(min(max(limit, 1), 1000)) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	outer := strings.NewReplacer("p.name", "pg.pname", "m.id", "pg.mid", "m.org_id", "pg.porg", "m.member_no", "pg.pno").Replace(order)
	return scanMemberRows(svc.db.Reader().QueryContext(ctx, `SELECT `+memberListColumns+` FROM (`+page+`) pg
		JOIN memberships m ON m.id = pg.mid JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id ORDER BY `+outer, args...))
}

// CountMembers counts what SearchMembers finds with f, for a list's total.
func (svc *Service) CountMembers(ctx context.Context, actor kexie.Actor, f MemberFilter) (int, error) {
	cond, _, args, err := svc.memberSearch(ctx, actor, f)
	if err != nil {
		return 0, err
	}
	var n int
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN people p ON p.id = m.person_id`+cond, args...).Scan(&n)
	return n, sqldb.MapErr(err)
}

// memberSearch is the condition (on memberships m joined with people p),
// the order and the arguments of a member search.
func (svc *Service) memberSearch(ctx context.Context, actor kexie.Actor, f MemberFilter) (cond, order string, args []any, err error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return "", "", nil, err
	}
	// A rejected application is nobody's member nor an applicant: the
	// applications list (stage rejected) is where it is found.
	where := []string{`m.app_stage <> 'rejected'`}
	arg := sqldb.Args(&args)
	if !sc.All() {
		where = append(where, sc.SQL("m.org_id", arg))
	}
	order = `m.org_id, m.member_no`
	if q := strings.TrimSpace(f.Q); q != "" {
		// Each branch one table and one index range, so that both engines
		// read only the matching entries: people by name, employer, pinyin
		// or initials; memberships by number.
		prefix := func(col, v string) string {
			return `(` + col + ` >= ` + arg(v) + ` AND ` + col + ` < ` + arg(v+string(rune(unicode.MaxRune))) + `)`
		}
		var people, numbers []string
		if strings.ContainsFunc(q, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			people = append(people, prefix("name", q), prefix("employer", q))
		} else {
			py := strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(q))
			people = append(people, prefix("search_key", py), prefix("initials", py), prefix("employer", q))
			numbers = append(numbers, prefix("member_no", q))
			if up := strings.ToUpper(q); up != q {
				numbers = append(numbers, prefix("member_no", up))
			}
		}
		hit := `m.person_id IN (SELECT id FROM people WHERE ` + strings.Join(people, " OR ") + `)`
		if len(numbers) > 0 {
			hit = `(` + hit + ` OR m.id IN (SELECT id FROM memberships WHERE ` + strings.Join(numbers, " OR ") + `))`
		}
		where = append(where, hit)
		order = `p.name, m.id`
	}
	if f.OrgID != 0 {
		where = append(where, `m.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = `+arg(f.OrgID)+`)`)
	}
	if f.Type != "" {
		where = append(where, `m.type = `+arg(f.Type))
	}
	if f.Status != "" {
		where = append(where, `m.status = `+arg(f.Status))
	}
	if f.Discipline != "" {
		where = append(where, `p.discipline LIKE `+arg(sqldb.LikeEscape(f.Discipline)+"%")+` ESCAPE '\'`)
	}
	return ` WHERE ` + strings.Join(where, " AND "), order, args, nil
}

// MemberByNo reads the membership with a member number in an organisation.
func (svc *Service) MemberByNo(ctx context.Context, orgID int64, no string) (Member, error) {
	m, err := scanMemberRow(svc.db.Reader().QueryRowContext(ctx, `SELECT `+memberListColumns+memberFrom+` WHERE m.org_id = $1 AND m.member_no = $2`, orgID, no))
	if errors.Is(err, kexie.ErrNotFound) {
		return m, kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
	}
	return m, err
}

// MemberByID reads one membership.
func (svc *Service) MemberByID(ctx context.Context, id int64) (Member, error) {
	m, err := scanMemberRow(svc.db.Reader().QueryRowContext(ctx, `SELECT `+memberListColumns+memberFrom+` WHERE m.id = $1`, id))
	if errors.Is(err, kexie.ErrNotFound) {
		return m, kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
	}
	return m, err
}

// MemberEvent is one entry of a membership's history.
type MemberEvent struct {
	Status, Happened, Reason, Actor string
}

// MemberHistory lists a membership's status changes, oldest first.
func (svc *Service) MemberHistory(ctx context.Context, id int64) ([]MemberEvent, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT status, happened, reason, actor FROM membership_events WHERE membership_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []MemberEvent
	for rows.Next() {
		var e MemberEvent
		if err := rows.Scan(&e.Status, &e.Happened, &e.Reason, &e.Actor); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, e)
	}
	return out, sqldb.MapErr(rows.Err())
}

// MemberChange is a dated, reasoned change of a membership's status.
type MemberChange struct {
	Status       kexie.MemberStatus // withdrawn, expelled, deceased, active (reinstated)
	Happened     string             // YYYY-MM-DD
	Reason       string
	CardReturned bool   // withdrawal: the card came back
	Resolution   string // expulsion: the council or standing council resolution
}

// ChangeMemberStatus applies a status change with its event and audit
// entry. Withdrawal needs a written notice (the reason); expulsion only
// rests on a resolution of the council or standing council, which the
// record cites. A withdrawn, expelled or deceased membership does not
// change again.
func (svc *Service) ChangeMemberStatus(ctx context.Context, actor kexie.Actor, id int64, c MemberChange) error {
	day, err := happenedOn(c.Happened)
	if err != nil {
		return err
	}
	c.Happened = day.String()
	c.Reason, c.Resolution = strings.TrimSpace(kexie.CleanText(c.Reason)), strings.TrimSpace(kexie.CleanText(c.Resolution))
	switch c.Status {
	case "withdrawn", "deceased":
		if c.Reason == "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.member_reason", "a reason is required")
		}
	case "expelled":
		if c.Resolution == "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.expel_resolution", "expulsion needs the resolution of the council or standing council")
		}
	case "active":
	default:
		return kexie.Errorf(kexie.CodeInvalid, "err.member_status", "unknown membership status %q", string(c.Status))
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var was string
		var orgID int64
		var joined kexie.Date
		if err := tx.QueryRowContext(ctx, `SELECT status, org_id, joined FROM memberships WHERE id = $1`, id).Scan(&was, &orgID, &joined); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return memberNotFound()
			}
			return err
		}
		// Before the rules below, whose conflicts would tell an outsider
		// the membership's status.
		if err := checkMemberWrite(ctx, tx, orgID); err != nil {
			return err
		}
		switch {
		case was == string(c.Status):
			return kexie.Errorf(kexie.CodeConflict, "err.member_same", "the membership is already %s", was)
		case was == "withdrawn" || was == "expelled" || was == "deceased":
			return kexie.Errorf(kexie.CodeConflict, "err.member_final", "a %s membership does not change", was)
		case c.Status == "active" && was == "applicant":
			// An application becomes a membership only by approval (number, card, approving body).
			return kexie.Errorf(kexie.CodeConflict, "err.member_approve_first", "an application becomes a membership only by approval of the council or standing council")
		case c.Status == "active" && was != "lapsed":
			return kexie.Errorf(kexie.CodeConflict, "err.member_final", "a %s membership does not change", was)
		}
		// A change has happened (not tomorrow) and comes after joining.
		if err := day.NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		if err := day.NotBefore(joined); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET status = $1, updated_at = $2 WHERE id = $3`, string(c.Status), tx.Now(), id); err != nil {
			return err
		}
		reason := c.Reason
		switch {
		case c.Status == "expelled":
			reason = kexie.EventReason("event.expelled", c.Resolution, c.Reason)
		case c.Status == "withdrawn" && c.CardReturned:
			reason = kexie.EventReason("event.withdrawn_card", c.Reason)
		case c.Status == "withdrawn":
			reason = kexie.EventReason("event.withdrawn_nocard", c.Reason)
		}
		if err := memberEvent(ctx, tx, id, string(c.Status), c.Happened, reason); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "member." + string(c.Status), ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			Before: map[string]any{"status": was}, After: map[string]any{"status": string(c.Status), "happened": c.Happened, "reason": c.Reason,
				"resolution": c.Resolution, "card_returned": c.CardReturned}})
	})
}

// SetExemption records (or, with an empty until, ends) an exemption from
// the lapse rule, with its reason.
func (svc *Service) SetExemption(ctx context.Context, actor kexie.Actor, id int64, until, reason string) error {
	if until != "" {
		if d, err := kexie.ParseDate(until); err != nil || d.IsZero() {
			return kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", until)
		}
		if strings.TrimSpace(reason) == "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.member_reason", "a reason is required")
		}
	}
	return svc.memberUpdate(ctx, actor, id, "member.exemption", `UPDATE memberships SET exempt_until = $1, exempt_reason = $2, updated_at = $3 WHERE id = $4`,
		map[string]any{"exempt_until": until, "reason": reason}, until, strings.TrimSpace(reason))
}

// RecordDues records a dues payment and keeps last_dues_paid at the latest.
func (svc *Service) RecordDues(ctx context.Context, actor kexie.Actor, id int64, paidOn string, amountFen int64, period, receipt string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		_, err := RecordDuesTx(ctx, tx, id, paidOn, amountFen, period, receipt)
		return err
	})
}

// DuesPaid is a dues payment as RecordDuesTx wrote it: what the books need
// to post it and print its receipt.
type DuesPaid struct {
	MembershipID int64
	OrgID        int64
	MemberNo     string
	Name         string
	PaidOn       string
	AmountFen    int64
	Period       string
}

// MaxPaymentFen bounds one dues payment: 100,000,000 yuan, far above any
// (several periods paid at once included), and far below what a sum of
// payments could overflow.
const MaxPaymentFen = 10_000_000_000

// RecordDuesTx is RecordDues inside a transaction the caller holds, with
// the same checks (the transaction's actor may write the membership; not
// a rejected application; a payment that has happened, dated no later
// than today's Beijing day) and its audit entry. The books (finance, which
// imports membership, never the reverse) call it to post the payment and
// issue its receipt in the same transaction, so that a payment is never
// recorded without its entry.
func RecordDuesTx(ctx context.Context, tx *sqldb.Tx, id int64, paidOn string, amountFen int64, period, receipt string) (DuesPaid, error) {
	p := DuesPaid{MembershipID: id, AmountFen: amountFen, Period: strings.TrimSpace(period)}
	day, err := happenedOn(paidOn)
	if err != nil {
		return p, err
	}
	paidOn = day.String()
	p.PaidOn = paidOn
	if amountFen < 0 || amountFen > MaxPaymentFen {
		return p, kexie.Errorf(kexie.CodeInvalid, "err.payment_amount", "a payment is between 0 and %d yuan", MaxPaymentFen/100)
	}
	orgID, err := writableMember(ctx, tx, id)
	if err != nil {
		return p, err
	}
	p.OrgID = orgID
	if err := notRejected(ctx, tx, id); err != nil {
		return p, err
	}
	if err := day.NotAfter(kexie.Today(tx.Now())); err != nil {
		return p, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT m.member_no, p.name FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.id = $1`, id).Scan(&p.MemberNo, &p.Name); err != nil {
		return p, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dues_payments (membership_id, paid_on, amount_fen, period, receipt_no, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, paidOn, amountFen, p.Period, strings.TrimSpace(receipt), tx.Now()); err != nil {
		return p, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE memberships SET last_dues_paid = $1, updated_at = $2 WHERE id = $3 AND last_dues_paid < $1`, paidOn, tx.Now(), id); err != nil {
		return p, err
	}
	return p, tx.Audit(ctx, sqldb.Change{Action: "member.dues", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
		After: map[string]any{"paid_on": paidOn, "amount_fen": amountFen, "period": period, "receipt_no": receipt}})
}

// RecordParticipation records taking part in an activity or meeting and
// keeps last_activity at the latest.
func (svc *Service) RecordParticipation(ctx context.Context, actor kexie.Actor, id int64, happened, what string) error {
	day, err := happenedOn(happened)
	if err != nil {
		return err
	}
	happened = day.String()
	if strings.TrimSpace(what) == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.member_reason", "a reason is required")
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := writableMember(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := notRejected(ctx, tx, id); err != nil {
			return err
		}
		if err := day.NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO participations (membership_id, happened, what, created_at) VALUES ($1, $2, $3, $4)`,
			id, happened, strings.TrimSpace(what), tx.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET last_activity = $1, updated_at = $2 WHERE id = $3 AND last_activity < $1`, happened, tx.Now(), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "member.participation", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"happened": happened, "what": what}})
	})
}

// notRejected refuses a record (dues, participation) for a membership
// that is a rejected application: it never became a membership.
func notRejected(ctx context.Context, tx *sqldb.Tx, id int64) error {
	var status, stage string
	if err := tx.QueryRowContext(ctx, `SELECT status, app_stage FROM memberships WHERE id = $1`, id).Scan(&status, &stage); err != nil {
		return err
	}
	if (Member{Record: kexie.MemberRecord{Status: kexie.MemberStatus(status)}, Stage: stage}).Rejected() {
		return kexie.Errorf(kexie.CodeConflict, "err.application_rejected", "the application was rejected: it takes no dues or participation")
	}
	return nil
}

// happenedOn reads the date of something that has happened, written
// YYYY-MM-DD and required. Whether it is still to come is checked in the
// write's transaction, against the database's clock (kexie.Today).
func happenedOn(s string) (kexie.Date, error) {
	d, err := kexie.ParseDay(s)
	if err != nil || d.IsZero() {
		return d, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", s)
	}
	return d, nil
}

// membershipOrg is the organisation membership id belongs to, read in the
// transaction: where its audit entries go and what checkMemberWrite asks
// about.
func membershipOrg(ctx context.Context, tx *sqldb.Tx, id int64) (int64, error) {
	var orgID int64
	err := tx.QueryRowContext(ctx, `SELECT org_id FROM memberships WHERE id = $1`, id).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, memberNotFound()
	}
	return orgID, err
}

func (svc *Service) memberUpdate(ctx context.Context, actor kexie.Actor, id int64, action, q string, after map[string]any, args ...any) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := writableMember(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, q, append(args, tx.Now(), id)...); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: action, ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID, After: after})
	})
}

// RevealID decrypts a member's identity number for a user who states why;
// the reason is written to the audit log before the number is returned.
// It needs membership.write on the membership's organisation (as its
// route: reading the full number is more than membership.read gives);
// outside the actor's subtrees the member is not found and nothing is
// logged or returned.
func (svc *Service) RevealID(ctx context.Context, actor kexie.Actor, id int64, reason string, sl *seal.Sealer) (string, error) {
	if strings.TrimSpace(reason) == "" {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.reveal_reason", "--reveal-ids needs --reason: revealing ID numbers is audited with its reason")
	}
	if sl == nil {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
	}
	var sealed string
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := writableMember(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT p.id_sealed FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.id = $1`, id).Scan(&sealed); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "member.reveal_id", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"reason": strings.TrimSpace(reason)}})
	})
	if err != nil || sealed == "" {
		return "", err
	}
	return sl.Open(sealed)
}

// Dues lists a membership's payments, newest first: the day, the amount
// in yuan ("50.50"), the period and the receipt number.
func (svc *Service) Dues(ctx context.Context, id int64) ([][4]string, error) {
	rows, err := svc.strings4(ctx, `SELECT paid_on, CAST(amount_fen AS TEXT), period, receipt_no FROM dues_payments WHERE membership_id = $1 AND voided_at IS NULL ORDER BY paid_on DESC, id DESC LIMIT 100`, id)
	for i := range rows {
		fen, perr := strconv.ParseInt(rows[i][1], 10, 64)
		if perr != nil {
			return nil, fmt.Errorf("dues amount %q: %w", rows[i][1], perr)
		}
		rows[i][1] = kexie.Money(fen).String()
	}
	return rows, err
}

// VoidDuesTx marks void, in tx, the payment of amountFen paid on paidOn
// by membership id whose receipt the books void (finance calls it in the
// transaction that voids the receipt; the receipt names the membership,
// day and amount, and two payments alike are alike to void). The payment
// stays on record, marked; last_dues_paid becomes the latest payment that
// stands, left as it was when it is later than the voided one (an
// imported date). No payment standing on those terms is no change.
func VoidDuesTx(ctx context.Context, tx *sqldb.Tx, id int64, paidOn string, amountFen int64) error {
	var pid int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM dues_payments WHERE membership_id = $1 AND paid_on = $2 AND amount_fen = $3 AND voided_at IS NULL
		ORDER BY id LIMIT 1`, id, paidOn, amountFen).Scan(&pid)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dues_payments SET voided_at = $1 WHERE id = $2`, tx.Now(), pid); err != nil {
		return err
	}
	var last string
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(paid_on), '') FROM dues_payments WHERE membership_id = $1 AND voided_at IS NULL`, id).Scan(&last); err != nil {
		return err
	}
	var orgID int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id FROM memberships WHERE id = $1`, id).Scan(&orgID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE memberships SET last_dues_paid = $1, updated_at = $2 WHERE id = $3 AND last_dues_paid = $4`,
		last, tx.Now(), id, paidOn); err != nil {
		return err
	}
	return tx.Audit(ctx, sqldb.Change{Action: "member.dues_void", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
		Before: map[string]any{"paid_on": paidOn, "amount_fen": amountFen}, After: map[string]any{"voided": true, "last_dues_paid": last}})
}

// Participations lists a membership's participation, newest first.
func (svc *Service) Participations(ctx context.Context, id int64) ([][4]string, error) {
	return svc.strings4(ctx, `SELECT happened, what, '', '' FROM participations WHERE membership_id = $1 ORDER BY happened DESC, id DESC LIMIT 100`, id)
}

func (svc *Service) strings4(ctx context.Context, q string, args ...any) ([][4]string, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out [][4]string
	for rows.Next() {
		var r [4]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, r)
	}
	return out, sqldb.MapErr(rows.Err())
}

// LinkMemberAccount links a user account to the holder of a membership, so
// that the user sees their own memberships (and nothing else unless they
// also hold roles).
func (svc *Service) LinkMemberAccount(ctx context.Context, actor kexie.Actor, userID, membershipID int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var personID, orgID int64
		err := tx.QueryRowContext(ctx, `SELECT person_id, org_id FROM memberships WHERE id = $1`, membershipID).Scan(&personID, &orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return memberNotFound()
		}
		if err != nil {
			return err
		}
		// Linking shows the account the holder's memberships: a change to
		// the membership's people, so membership.write where it is held.
		if err := checkMemberWrite(ctx, tx, orgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET person_id = $1, updated_at = $2 WHERE id = $3`, personID, tx.Now(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		return tx.Audit(ctx, sqldb.Change{Action: "user.link_member", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: orgID,
			After: map[string]any{"membership": membershipID, "person": personID}})
	})
}

// OwnMemberships lists the memberships of the holder linked to userID —
// the whole of what a member sees of the register.
func (svc *Service) OwnMemberships(ctx context.Context, userID int64) ([]Member, error) {
	return scanMemberRows(svc.db.Reader().QueryContext(ctx, `SELECT `+memberListColumns+memberFrom+` JOIN users u ON u.person_id = m.person_id
		WHERE u.id = $1 ORDER BY o.code, m.member_no`, userID))
}

// MemberByOrgNo finds a membership by organisation code and member number.
func (svc *Service) MemberByOrgNo(ctx context.Context, orgCode, memberNo string) (Member, error) {
	m, err := scanMemberRow(svc.db.Reader().QueryRowContext(ctx, `SELECT `+memberListColumns+memberFrom+` WHERE o.code = $1 AND m.member_no = $2`, orgCode, memberNo))
	if errors.Is(err, kexie.ErrNotFound) {
		return m, kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
	}
	return m, err
}

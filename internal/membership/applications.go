package membership

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// Application stages, in order; "rejected" ends one.
const (
	StageSubmitted   = "submitted"
	StageRecommended = "recommended"
	StageReviewed    = "reviewed"
	StageApproved    = "approved"
	StageRejected    = "rejected"
)

// Apply records an application for membership of orgID: a membership in
// status applicant at stage submitted, with a provisional number (the
// applicant's reference), returned with its id. actor is the applicant
// (anonymous, from a public form: UserID 0) or a staff member entering a
// paper application.
//
// An identity document that already has a membership or an open
// application here is refused to staff of the organisation (a conflict)
// but not to anyone else: telling them so would let anyone find out
// whether a given ID number belongs to a member. They get a reference like
// any other (id 0, nothing recorded under it) and the duplicate goes to
// the audit log (member.apply_duplicate, naming the member it duplicates)
// for staff.
func (svc *Service) Apply(ctx context.Context, actor kexie.Actor, orgID int64, m kexie.MemberRecord, sl *seal.Sealer, mask func(string, string) string) (id int64, ref string, err error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return 0, "", err
	}
	ref = "APP-" + strings.ToUpper(base64.RawURLEncoding.EncodeToString(b))
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var code string
		if err := tx.QueryRowContext(ctx, `SELECT code FROM orgs WHERE id = $1 AND status = 'active'`, orgID).Scan(&code); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", orgID)
			}
			return err
		}
		var idHash, sealed, masked string
		if m.IDNumber != "" {
			if sl == nil {
				return kexie.Errorf(kexie.CodeInvalid, "err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
			}
			idHash = sl.Hash(m.IDKey())
			var other string
			err := tx.QueryRowContext(ctx, `SELECT m.member_no`+memberFrom+` WHERE m.org_id = $1 AND p.id_hash = $2 AND m.status IN ('applicant', 'active', 'lapsed') AND m.app_stage <> 'rejected' LIMIT 1`,
				orgID, idHash).Scan(&other)
			staff := false
			if err == nil {
				if staff, err = tx.Allowed(ctx, actor, kexie.PermMembershipWrite, orgID); err != nil {
					return err
				}
			}
			if err == nil && !staff {
				return tx.Audit(ctx, sqldb.Change{Action: "member.apply_duplicate", ObjectType: "org", ObjectID: code, OrgID: orgID,
					After: map[string]any{"duplicates": other, "reference": ref, "name": m.Name}})
			}
			if err == nil {
				return kexie.Errorf(kexie.CodeConflict, "err.apply_duplicate", "this identity document already has a membership or application here")
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var err2 error
			if sealed, err2 = sl.Seal(m.IDNumber); err2 != nil {
				return err2
			}
			masked = mask(m.IDType, m.IDNumber)
		}
		m.MemberNo = ref
		m.OrgCode, m.Status, m.Joined = code, "applicant", ""
		// Stored as an import would store it (a caller need not have
		// checked the record as an import row, as the web form does).
		memberfile.FillPinyin(&m)
		if err := insertMember(ctx, tx, orgID, &m, idHash, sealed, masked); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM memberships WHERE org_id = $1 AND member_no = $2`, orgID, m.MemberNo).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE memberships SET app_stage = 'submitted', app_ref = $2 WHERE id = $1`, id, ref)
		return err
	})
	if err != nil {
		return 0, "", err
	}
	return id, ref, nil
}

// Application is an application in the review queue.
type Application struct {
	Member
	Stage string
	Note  string
}

// ApplicationFilter narrows the application list.
type ApplicationFilter struct {
	// Stage is one of the stages; "" means the open applications
	// (submitted, recommended or reviewed).
	Stage  string
	Offset int
	Limit  int
}

// Applications lists open applications (not approved or rejected) in the
// organisations actor may read, oldest first.
func (svc *Service) Applications(ctx context.Context, actor kexie.Actor, limit int) ([]Application, error) {
	return svc.ListApplications(ctx, actor, ApplicationFilter{Limit: limit})
}

// ListApplications lists the applications in the organisations actor may
// read that f selects, oldest first. An approved application is listed
// whatever the membership's status has become since.
func (svc *Service) ListApplications(ctx context.Context, actor kexie.Actor, f ApplicationFilter) ([]Application, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := sqldb.Args(&args)
	where, err := applicationsWhere(f, arg)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + memberListColumns + `, m.app_note` + memberFrom + `
		WHERE ` + where + ` AND ` + sc.SQL("m.org_id", arg) + `
		ORDER BY m.id LIMIT ` + strconv.Itoa(min(max(f.Limit, 1), 1000)) + ` OFFSET ` + strconv.Itoa(max(f.Offset, 0))
	rows, err := svc.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, sqldb.MapErr(rows.Err())
}

// CountApplications counts what ListApplications lists with f (Offset and
// Limit aside), for a list's total.
func (svc *Service) CountApplications(ctx context.Context, actor kexie.Actor, f ApplicationFilter) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return 0, err
	}
	var args []any
	arg := sqldb.Args(&args)
	where, err := applicationsWhere(f, arg)
	if err != nil {
		return 0, err
	}
	var n int
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m WHERE `+where+` AND `+sc.SQL("m.org_id", arg), args...).Scan(&n)
	return n, sqldb.MapErr(err)
}

// applicationsWhere is the condition on memberships m of the applications
// at f's stage.
func applicationsWhere(f ApplicationFilter, arg func(any) string) (string, error) {
	switch f.Stage {
	case "":
		return `m.status = 'applicant' AND m.app_stage <> '' AND m.app_stage IN ('submitted', 'recommended', 'reviewed')`, nil
	case StageSubmitted, StageRecommended, StageReviewed, StageRejected:
		return `m.status = 'applicant' AND m.app_stage <> '' AND m.app_stage = ` + arg(f.Stage), nil
	case StageApproved:
		return `m.app_stage <> '' AND m.app_stage = ` + arg(f.Stage), nil
	}
	return "", kexie.Errorf(kexie.CodeInvalid, "err.application_stage", "unknown application stage %q", f.Stage)
}

// ApplicationByID reads one application (any membership that went through
// one), whoever may see it: the caller checks the organisation.
func (svc *Service) ApplicationByID(ctx context.Context, id int64) (Application, error) {
	a, err := scanApplication(svc.db.Reader().QueryRowContext(ctx, `SELECT `+memberListColumns+`, m.app_note`+memberFrom+`
		WHERE m.id = $1 AND m.app_stage <> ''`, id))
	if errors.Is(err, kexie.ErrNotFound) {
		return a, kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
	}
	return a, err
}

func scanApplication(s sqldb.Scanner) (Application, error) {
	var a Application
	var personID int64
	var hash string
	r := &a.Record
	err := s.Scan(&a.ID, &personID, &r.MemberNo, &r.OrgCode, &r.Type, &r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate,
		&r.IDType, &hash, &r.IDMasked, &r.Nationality, &r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone,
		&r.Joined, &r.Status, &r.LastDuesPaid, &r.LastActivity, &r.CreditCode, &r.ContactPerson, &a.OrgID, &a.OrgName, &a.Exempt, &a.ExemptReason, &a.Member.Stage, &a.HasCard, &a.OrgNameEN, &a.Note)
	r.IDNumber = r.IDMasked
	a.Stage = a.Member.Stage
	return a, sqldb.MapErr(err)
}

// ApplicationState is what an applicant may learn of their application
// from its reference: where it was sent, when, and how far it has gone (a
// rejection with its reason). No personal details: a reference is all it
// takes.
type ApplicationState struct {
	Reference string
	OrgCode   string
	OrgNameZH string
	OrgNameEN string
	Stage     string
	Submitted string // YYYY-MM-DD, Beijing
	Decided   string // the day of the last step, when approved or rejected
	Note      string // the reason of a rejection
}

// ApplicationByRef finds an application by the reference its applicant
// was given (spaces around it and letter case do not matter), for anyone:
// the reference is the applicant's key. Anything else is not found.
func (svc *Service) ApplicationByRef(ctx context.Context, ref string) (ApplicationState, error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	notFound := kexie.Errorf(kexie.CodeNotFound, "err.application_ref", "no application with reference %q", kexie.Excerpt(ref))
	if !strings.HasPrefix(ref, "APP-") {
		return ApplicationState{}, notFound
	}
	var s ApplicationState
	var id int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT m.id, m.app_ref, o.code, o.name_zh, o.name_en, m.app_stage, m.app_note
		FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.app_ref <> '' AND m.app_ref = $1`, ref).Scan(&id, &s.Reference, &s.OrgCode, &s.OrgNameZH, &s.OrgNameEN, &s.Stage, &s.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound
	}
	if err != nil {
		return s, sqldb.MapErr(err)
	}
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(MIN(happened), ''), COALESCE(MAX(happened), '') FROM membership_events WHERE membership_id = $1`, id).Scan(&s.Submitted, &s.Decided); err != nil {
		return s, sqldb.MapErr(err)
	}
	if s.Stage != StageApproved && s.Stage != StageRejected {
		s.Decided = ""
	}
	if s.Stage != StageRejected {
		s.Note = "" // a review's note is the staff's
	}
	return s, nil
}

// Decision moves an application on: "recommend" (by a branch or office,
// optional), "review" (the liaison department), "approve" (by the council
// or standing council, citing the resolution), or "reject" (with a reason).
type Decision struct {
	Action     string
	Day        string // YYYY-MM-DD
	Note       string // who recommended, the review note, the rejection reason
	Body       string // approve: "council" or "standing_council"
	Resolution string // approve: the resolution reference
}

// Decide applies a decision. Approval assigns the member number and issues
// the card; an approved foreign member is reported to the national
// association (the root of the tree) for filing.
func (svc *Service) Decide(ctx context.Context, actor kexie.Actor, id int64, d Decision) (kexie.MemberRecord, error) {
	var out kexie.MemberRecord
	day, err := happenedOn(d.Day)
	if err != nil {
		return out, err
	}
	d.Day = day.String()
	d.Note, d.Resolution = strings.TrimSpace(d.Note), strings.TrimSpace(d.Resolution)
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var stage, status, typ string
		var orgID int64
		if err := tx.QueryRowContext(ctx, `SELECT app_stage, status, type, org_id FROM memberships WHERE id = $1`, id).Scan(&stage, &status, &typ, &orgID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return memberNotFound()
			}
			return err
		}
		// Before the rules below, whose conflicts would tell an outsider
		// how far the application has gone.
		if err := checkMemberWrite(ctx, tx, orgID); err != nil {
			return err
		}
		if status != "applicant" || stage == StageApproved || stage == StageRejected {
			return kexie.Errorf(kexie.CodeConflict, "err.application_closed", "the application is already decided")
		}
		next := ""
		switch d.Action {
		case "recommend":
			if stage != StageSubmitted {
				return kexie.Errorf(kexie.CodeConflict, "err.application_order", "recommendation comes before review")
			}
			next = StageRecommended
		case "review":
			if stage != StageSubmitted && stage != StageRecommended {
				return kexie.Errorf(kexie.CodeConflict, "err.application_order", "recommendation comes before review")
			}
			next = StageReviewed
		case "approve":
			if stage != StageReviewed {
				return kexie.Errorf(kexie.CodeConflict, "err.application_review_first", "the liaison department reviews an application before it is approved")
			}
			if d.Body != "council" && d.Body != "standing_council" {
				return kexie.Errorf(kexie.CodeInvalid, "err.approval_body", "approval is by the council or the standing council")
			}
			if d.Resolution == "" {
				return kexie.Errorf(kexie.CodeInvalid, "err.approval_resolution", "approval cites the resolution it rests on")
			}
			next = StageApproved
		case "reject":
			if d.Note == "" {
				return kexie.Errorf(kexie.CodeInvalid, "err.member_reason", "a reason is required")
			}
			next = StageRejected
		default:
			return kexie.Errorf(kexie.CodeInvalid, "err.application_action", "unknown decision %q", d.Action)
		}
		// A step is dated neither in the future nor before the step it
		// follows (the submission, a recommendation, the review).
		if err := day.NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		var last kexie.Date
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(happened), '') FROM membership_events WHERE membership_id = $1`, id).Scan(&last); err != nil {
			return err
		}
		if err := day.NotBefore(last); err != nil {
			return err
		}
		after := map[string]any{"stage": next, "day": d.Day, "note": d.Note}
		if next == StageApproved {
			no, err := nextMemberNo(ctx, tx, orgID)
			if err != nil {
				return err
			}
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			token := base64.RawURLEncoding.EncodeToString(b)
			if _, err := tx.ExecContext(ctx, `UPDATE memberships SET member_no = $1, status = 'active', joined = $2, app_stage = 'approved',
					approved_by = $3, approval_ref = $4, card_token = $5, card_issued = $2, updated_at = $6 WHERE id = $7`,
				no, d.Day, d.Body, d.Resolution, token, tx.Now(), id); err != nil {
				return err
			}
			if err := memberEvent(ctx, tx, id, "active", d.Day, kexie.EventReason("event.approved", d.Body, d.Resolution)); err != nil {
				return err
			}
			after["member_no"], after["body"], after["resolution"] = no, d.Body, d.Resolution
			if typ == "foreign" {
				var root int64
				if err := tx.QueryRowContext(ctx, `SELECT c.ancestor_id FROM org_closure c JOIN orgs o ON o.id = c.ancestor_id
					WHERE c.descendant_id = $1 AND o.parent_id IS NULL`, orgID).Scan(&root); err != nil {
					return fmt.Errorf("national association: %w", err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO member_filings (membership_id, to_org_id, created_at) VALUES ($1, $2, $3)`, id, root, tx.Now()); err != nil {
					return err
				}
				after["filed_with"] = root
			}
		} else {
			note := d.Note
			if _, err := tx.ExecContext(ctx, `UPDATE memberships SET app_stage = $1, app_note = $2, updated_at = $3 WHERE id = $4`, next, note, tx.Now(), id); err != nil {
				return err
			}
			if err := memberEvent(ctx, tx, id, "applicant", d.Day, kexie.EventReason("event.stage", next, note)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "member.application." + d.Action, ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			Before: map[string]any{"stage": stage}, After: after})
	})
	if err != nil {
		return out, err
	}
	m, err := svc.MemberByID(ctx, id)
	return m.Record, err
}

// Card is what a membership card and its verification page show.
type Card struct {
	MembershipID int64
	Token        string
	MemberNo     string
	Name         string
	NameEN       string
	OrgNameZH    string
	OrgNameEN    string
	Type         kexie.MemberType
	Status       kexie.MemberStatus
	Issued       string
	Nationality  string // ISO 3166 code, "" when not recorded
}

// Foreign reports whether the card is for a reader of another language:
// a foreign member, a member of another nationality, or a name with no
// Chinese character in it. Hong Kong, Macao and Taiwan read Chinese.
func (c Card) Foreign() bool {
	switch {
	case c.Type == "foreign":
		return true
	case c.Nationality != "" && !slices.Contains([]string{"CN", "HK", "MO", "TW"}, strings.ToUpper(c.Nationality)):
		return true
	}
	return c.Name != "" && !strings.ContainsFunc(c.Name, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// Valid reports whether the membership is valid (active) today.
func (c Card) Valid() bool { return c.Status == "active" }

const cardColumns = `m.id, m.card_token, m.member_no, p.name, p.name_en, o.name_zh, o.name_en, m.type, m.status, m.card_issued, p.nationality`

func scanCard(s sqldb.Scanner) (Card, error) {
	var c Card
	err := s.Scan(&c.MembershipID, &c.Token, &c.MemberNo, &c.Name, &c.NameEN, &c.OrgNameZH, &c.OrgNameEN, &c.Type, &c.Status, &c.Issued, &c.Nationality)
	if errors.Is(err, sql.ErrNoRows) {
		return c, kexie.Errorf(kexie.CodeNotFound, "err.card_not_found", "no such membership card")
	}
	return c, sqldb.MapErr(err)
}

// CardByToken finds the card a QR code points at (public verification).
func (svc *Service) CardByToken(ctx context.Context, token string) (Card, error) {
	if len(token) < 16 {
		return Card{}, kexie.Errorf(kexie.CodeNotFound, "err.card_not_found", "no such membership card")
	}
	return scanCard(svc.db.Reader().QueryRowContext(ctx, `SELECT `+cardColumns+memberFrom+` WHERE m.card_token <> '' AND m.card_token = $1`, token))
}

// CardByMembership reads a membership's card (empty token: none issued).
func (svc *Service) CardByMembership(ctx context.Context, id int64) (Card, error) {
	return scanCard(svc.db.Reader().QueryRowContext(ctx, `SELECT `+cardColumns+memberFrom+` WHERE m.id = $1`, id))
}

// MemberFiling is an approved foreign member reported to the national
// association.
type MemberFiling struct {
	ID             int64
	MembershipID   int64
	MemberNo, Name string
	Nationality    string
	OrgCode        string
	OrgName        string
	OrgNameEN      string // shown on English screens when there is one
	Acknowledged   bool
}

// MemberFilings lists the foreign-member filings addressed to
// organisations actor may read, pending first.
func (svc *Service) MemberFilings(ctx context.Context, actor kexie.Actor, limit int) ([]MemberFiling, error) {
	return svc.MemberFilingsPage(ctx, actor, 0, limit)
}

// CountMemberFilings counts what MemberFilings lists, for a list's total.
func (svc *Service) CountMemberFilings(ctx context.Context, actor kexie.Actor) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return 0, err
	}
	var args []any
	var n int
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM member_filings f WHERE `+sc.SQL("f.to_org_id", sqldb.Args(&args)), args...).Scan(&n)
	return n, sqldb.MapErr(err)
}

// MemberFilingsPage is MemberFilings from the offset-th on: one numbered
// page.
func (svc *Service) MemberFilingsPage(ctx context.Context, actor kexie.Actor, offset, limit int) ([]MemberFiling, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return nil, err
	}
	var args []any
	q := `SELECT f.id, m.id, m.member_no, p.name, p.nationality, o.code, o.name_zh, o.name_en, f.acknowledged_at IS NOT NULL
		FROM member_filings f JOIN memberships m ON m.id = f.membership_id JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id
		JOIN orgs t ON t.id = f.to_org_id
		WHERE ` + sc.SQL("t.id", sqldb.Args(&args)) + `
		ORDER BY CASE WHEN f.acknowledged_at IS NULL THEN 0 ELSE 1 END, f.id DESC LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	rows, err := svc.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []MemberFiling
	for rows.Next() {
		var f MemberFiling
		if err := rows.Scan(&f.ID, &f.MembershipID, &f.MemberNo, &f.Name, &f.Nationality, &f.OrgCode, &f.OrgName, &f.OrgNameEN, &f.Acknowledged); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, f)
	}
	return out, sqldb.MapErr(rows.Err())
}

// AcknowledgeMemberFiling marks a foreign-member filing received by a user
// who may write for the national association it is addressed to.
func (svc *Service) AcknowledgeMemberFiling(ctx context.Context, actor kexie.Actor, id int64) error {
	return svc.reg.Acknowledge(ctx, actor, kexie.PermMembershipWrite, "member_filings", "member_filing", id)
}

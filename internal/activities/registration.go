package activities

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Registration states.
const (
	RegPending    = "pending"
	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
	RegRejected   = "rejected"
)

// Registration is one person's registration for an activity (and
// optionally one of its sessions).
type Registration struct {
	ID           int64
	ActivityID   int64
	ActivityCode string
	SessionID    int64
	Reference    string // typed at the desk, quoted in letters
	Token        string // the QR code's content and the link to view or cancel
	Status       string
	MembershipID int64
	Name         string
	Employer     string
	Country      string
	Email        string
	Lang         string
	CreatedAt    time.Time
}

// RegisterInput is a registration as entered: a member of the register
// (OrgCode and MemberNo, staff only; or the caller's own membership) or an
// outside person (Name, Employer, Country).
type RegisterInput struct {
	Name      string `json:"name"`
	Employer  string `json:"employer"`
	Country   string `json:"country"`
	Email     string `json:"email"`
	Lang      string `json:"lang"`
	OrgCode   string `json:"org_code"`
	MemberNo  string `json:"member_no"`
	SessionID int64  `json:"session_id"`
}

// letters of references: no 0/O, 1/I/L.
const refAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// NormalReference is a typed reference as stored: upper case, without
// spaces or dashes.
func NormalReference(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer("-", "", " ", "").Replace(s)
}

// FormatReference writes a reference in two groups of four.
func FormatReference(ref string) string {
	if len(ref) == 8 {
		return ref[:4] + "-" + ref[4:]
	}
	return ref
}

func regNotOpen() error {
	return kexie.Errorf(kexie.CodeConflict, "err.registration_closed", "registration for this activity is not open")
}

// Register registers a person for activity code. Staff who manage the
// activity register anyone (a member of the register by organisation and
// member number, or an outside person) while it is published, open or
// closed; anyone else registers for a public activity while its
// registration is open and within its opening and closing times — with
// their own membership when their account is linked to a member. The
// status is pending when the activity asks for approval (not for staff),
// else confirmed while places remain, else waitlisted: the place is taken
// by one conditional update of the activity's row, so no concurrency
// overbooks it and other activities are not held up.
func (svc *Service) Register(ctx context.Context, actor kexie.Actor, code string, in RegisterInput) (Registration, error) {
	in, err := cleanRegistration(in)
	if err != nil {
		return Registration{}, err
	}
	var reg Registration
	var bulk *bulkReg
	if actor.UserID == 0 && !actor.IsSystem() && in.SessionID == 0 && in.OrgCode == "" && in.MemberNo == "" {
		// A visitor for the whole activity: written with the others of
		// the batch in a few statements (registerBulk).
		bulk = &bulkReg{code: code, in: in, out: &reg}
	}
	err = svc.desk.writeJob(ctx, svc.db, &deskJob{order: code, actor: actor, bulk: bulk}, true, func(ctx context.Context, tx *sqldb.Tx, audit func(sqldb.Change) error) error {
		a, err := rowOnce(ctx, tx, code)
		if err != nil {
			return err
		}
		staff, err := tx.Allowed(ctx, tx.Actor(), kexie.PermActivitiesManage, a.orgID)
		if err != nil {
			return err
		}
		publicNow := a.public && a.status != StatusDraft && a.status != StatusCancelled
		switch {
		case staff:
			if a.status != StatusPublished && a.status != StatusRegistrationOpen && a.status != StatusClosed {
				return regNotOpen()
			}
		case !publicNow:
			return activityNotFound()
		case a.status != StatusRegistrationOpen,
			a.opens.Valid && tx.Now().Before(a.opens.Time),
			a.closes.Valid && !tx.Now().Before(a.closes.Time):
			return regNotOpen()
		}
		reg, err = register(ctx, tx, actor, a, staff, code, in, audit)
		return err
	})
	if err != nil {
		return Registration{}, err
	}
	return reg, nil
}

// cleanRegistration checks and trims a registration's text.
func cleanRegistration(in RegisterInput) (RegisterInput, error) {
	var err error
	for _, f := range []*string{&in.Name, &in.Employer, &in.Country, &in.Email} {
		if *f, err = plain(*f, 200); err != nil {
			return in, err
		}
	}
	if in.Lang != "en" {
		in.Lang = "zh-Hans"
	}
	return in, nil
}

// register writes a registration for activity a, open to the caller (as
// staff when staff), in tx. Everything that refuses it is checked before
// anything is written.
func register(ctx context.Context, tx *sqldb.Tx, actor kexie.Actor, a activityRow, staff bool, code string, in RegisterInput,
	audit func(sqldb.Change) error) (Registration, error) {
	var reg Registration
	var membership int64
	switch {
	case staff && (in.OrgCode != "" || in.MemberNo != ""):
		err := tx.QueryRowContext(ctx, `SELECT m.id, p.name FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN people p ON p.id = m.person_id
			WHERE o.code = $1 AND m.member_no = $2`, strings.TrimSpace(in.OrgCode), strings.TrimSpace(in.MemberNo)).Scan(&membership, &in.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return reg, kexie.Errorf(kexie.CodeInvalid, "err.registration_member", "no member %v in organisation %v", kexie.Excerpt(in.MemberNo), kexie.Excerpt(in.OrgCode))
		}
		if err != nil {
			return reg, err
		}
	case !staff && actor.UserID != 0:
		// A member's account registers its holder's membership.
		err := tx.QueryRowContext(ctx, `SELECT m.id, p.name FROM users u JOIN people p ON p.id = u.person_id JOIN memberships m ON m.person_id = p.id
			WHERE u.id = $1 ORDER BY CASE WHEN m.status = 'active' THEN 0 ELSE 1 END, m.id LIMIT 1`, actor.UserID).Scan(&membership, &in.Name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return reg, err
		}
	}
	if in.Name == "" {
		return reg, kexie.Errorf(kexie.CodeInvalid, "err.registration_name", "a name is required")
	}
	if membership != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_registrations WHERE activity_id = $1 AND membership_id = $2
			AND status <> 'cancelled' AND status <> 'rejected'`, a.id, membership).Scan(&n); err != nil {
			return reg, err
		}
		if n > 0 {
			return reg, kexie.Errorf(kexie.CodeConflict, "err.registration_twice", "this member is registered for this activity already")
		}
	}
	if in.SessionID != 0 {
		if err := sessionOf(ctx, tx, a.id, in.SessionID); err != nil {
			return reg, err
		}
	}
	status := RegConfirmed
	if a.approval && !staff {
		status = RegPending
	} else if ok, err := takePlace(ctx, tx, a.id, in.SessionID); err != nil {
		return reg, err
	} else if !ok {
		status = RegWaitlisted
	}
	reg = Registration{ActivityID: a.id, ActivityCode: code, SessionID: in.SessionID, Reference: randomString(refAlphabet, 8),
		Token: randomString(refAlphabet, 26), Status: status, MembershipID: membership, Name: in.Name, Employer: in.Employer,
		Country: in.Country, Email: in.Email, Lang: in.Lang, CreatedAt: tx.Now()}
	err := tx.QueryRowContext(ctx, `INSERT INTO activity_registrations (activity_id, session_id, reference, token, status, membership_id, name, employer,
		country, email, lang, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		a.id, nullID(in.SessionID), reg.Reference, reg.Token, status, nullID(membership), in.Name, in.Employer, in.Country, in.Email, in.Lang,
		nullID(actor.UserID), tx.Now()).Scan(&reg.ID)
	if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict && membership != 0 {
		return reg, kexie.Errorf(kexie.CodeConflict, "err.registration_twice", "this member is registered for this activity already")
	}
	if err != nil {
		return reg, err
	}
	return reg, audit(sqldb.Change{Action: "activity.register", ObjectType: "activity_registration", ObjectID: reg.Reference, OrgID: a.orgID,
		After: map[string]any{"activity": code, "status": status, "name": in.Name, "membership_id": membership, "session_id": in.SessionID}})
}

// RegisterList registers people for activity code on their behalf, for
// staff who manage it, in one transaction and in the list's order (the
// list's first take the places first): as Register does for staff, one by
// one. A row refused (a member not in the register, registered already,
// no name, an unknown session) is rejected with its line — numbered from
// first, as a file's — and leaves nothing behind; the others are written.
func (svc *Service) RegisterList(ctx context.Context, actor kexie.Actor, code string, first int, ins []RegisterInput, dry bool) ([]Registration, []kexie.Rejection, error) {
	var regs []Registration
	var rejected []kexie.Rejection
	err := svc.db.WriteOrDry(ctx, actor, dry, func(tx *sqldb.Tx) error {
		regs, rejected = nil, nil
		a, err := managed(ctx, tx, code)
		if err != nil {
			return err
		}
		if a.status != StatusPublished && a.status != StatusRegistrationOpen && a.status != StatusClosed {
			return regNotOpen()
		}
		var changes []sqldb.Change
		collect := func(c sqldb.Change) error { changes = append(changes, c); return nil }
		for i, in := range ins {
			reject := func(err error) {
				rejected = append(rejected, kexie.Rejection{Line: first + i, Code: in.MemberNo + in.Name, Reason: kexie.AsError(err).Message})
			}
			in, err := cleanRegistration(in)
			if err != nil {
				reject(err)
				continue
			}
			r, err := register(ctx, tx, actor, a, true, code, in, collect)
			if err != nil {
				if c := kexie.ErrorCode(err); c != kexie.CodeInvalid && c != kexie.CodeConflict {
					return err
				}
				reject(err)
				continue
			}
			regs = append(regs, r)
		}
		return auditAll(ctx, tx, changes)
	})
	return regs, rejected, err
}

// CheckInList records scans for activity code in one transaction, in
// order, for staff who manage it: the desk's rules, scan by scan. A scan
// refused is rejected with its line (from first) and leaves nothing.
func (svc *Service) CheckInList(ctx context.Context, actor kexie.Actor, code string, first int, scans []Scan) ([]Checkin, []kexie.Rejection, error) {
	var out []Checkin
	var rejected []kexie.Rejection
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		out, rejected = nil, nil
		a, err := managed(ctx, tx, code)
		if err != nil {
			return err
		}
		var changes []sqldb.Change
		collect := func(c sqldb.Change) error { changes = append(changes, c); return nil }
		for i, s := range scans {
			var at *time.Time
			if strings.TrimSpace(s.At) != "" {
				t, err := ParseInstant(s.At)
				if err != nil {
					rejected = append(rejected, kexie.Rejection{Line: first + i, Code: s.Code, Reason: kexie.AsError(err).Message})
					continue
				}
				at = &t
			}
			list := strings.TrimSpace(s.List)
			if list == "" {
				list = "main"
			}
			var c Checkin
			if err := checkIn(ctx, tx, actor, a, code, list, strings.TrimSpace(s.Nonce), strings.TrimSpace(s.Code), at, s.Offline, &c, collect); err != nil {
				if k := kexie.ErrorCode(err); k != kexie.CodeInvalid && k != kexie.CodeConflict {
					return err
				}
				rejected = append(rejected, kexie.Rejection{Line: first + i, Code: s.Code, Reason: kexie.AsError(err).Message})
				continue
			}
			out = append(out, c)
		}
		return auditAll(ctx, tx, changes)
	})
	return out, rejected, err
}

// auditAll appends a list's changes to the audit log at once, each by the
// transaction's actor (a rejected row has none).
func auditAll(ctx context.Context, tx *sqldb.Tx, changes []sqldb.Change) error {
	actors := make([]kexie.Actor, len(changes))
	for i := range actors {
		actors[i] = tx.Actor()
	}
	return tx.AuditMany(ctx, changes, actors)
}

// takePlace takes a place of activity activityID (and of session, if not
// 0) if one remains: the activity's row first, then the session's, always
// in that order. A full session gives the activity's place back.
func takePlace(ctx context.Context, tx *sqldb.Tx, activityID, session int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed + 1 WHERE id = $1 AND (capacity = 0 OR confirmed < capacity)`, activityID)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if session == 0 {
		return true, nil
	}
	res, err = tx.ExecContext(ctx, `UPDATE activity_sessions SET confirmed = confirmed + 1 WHERE id = $1 AND (capacity = 0 OR confirmed < capacity)`, session)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err == nil, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed - 1 WHERE id = $1`, activityID)
	return false, err
}

// givePlace gives back a confirmed registration's place.
func givePlace(ctx context.Context, tx *sqldb.Tx, activityID, session int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed - 1 WHERE id = $1 AND confirmed > 0`, activityID); err != nil {
		return err
	}
	if session != 0 {
		_, err := tx.ExecContext(ctx, `UPDATE activity_sessions SET confirmed = confirmed - 1 WHERE id = $1 AND confirmed > 0`, session)
		return err
	}
	return nil
}

// promote confirms the first waitlisted registration of the activity that
// a place remains for, first come first served, and reports whether it
// confirmed one.
func promote(ctx context.Context, tx *sqldb.Tx, activityID int64, code string, orgID int64) (bool, error) {
	for tries := 0; tries < 50; tries++ {
		var id, session int64
		var ref string
		err := tx.QueryRowContext(ctx, `SELECT id, COALESCE(session_id, 0), reference FROM activity_registrations
			WHERE activity_id = $1 AND status = 'waitlisted' ORDER BY id LIMIT 1 OFFSET $2`, activityID, tries).Scan(&id, &session, &ref)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		ok, err := takePlace(ctx, tx, activityID, session)
		if err != nil || !ok {
			if err == nil && session == 0 {
				return false, nil // the activity is full
			}
			if err != nil {
				return false, err
			}
			continue // that session is full: the next in line
		}
		res, err := tx.ExecContext(ctx, `UPDATE activity_registrations SET status = 'confirmed', updated_at = $1 WHERE id = $2 AND status = 'waitlisted'`, tx.Now(), id)
		if err != nil {
			return false, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Cancelled meanwhile: give the place back, try the next.
			if err := givePlace(ctx, tx, activityID, session); err != nil {
				return false, err
			}
			continue
		}
		return true, tx.Audit(ctx, sqldb.Change{Action: "activity.promote", ObjectType: "activity_registration", ObjectID: ref, OrgID: orgID,
			Before: map[string]any{"status": RegWaitlisted}, After: map[string]any{"activity": code, "status": RegConfirmed}})
	}
	return false, nil
}

const regColumns = `r.id, r.activity_id, a.code, COALESCE(r.session_id, 0), r.reference, r.token, r.status, COALESCE(r.membership_id, 0), r.name,
	r.employer, r.country, r.email, r.lang, r.created_at`

func scanReg(s sqldb.Scanner) (Registration, error) {
	var r Registration
	err := s.Scan(&r.ID, &r.ActivityID, &r.ActivityCode, &r.SessionID, &r.Reference, &r.Token, &r.Status, &r.MembershipID, &r.Name,
		&r.Employer, &r.Country, &r.Email, &r.Lang, &r.CreatedAt)
	return r, err
}

func regNotFound() error {
	return kexie.Errorf(kexie.CodeNotFound, "err.registration_not_found", "no such registration")
}

// RegistrationByToken is the registration a link or QR code carries:
// possessing the token is the right to see and cancel it.
func (svc *Service) RegistrationByToken(ctx context.Context, token string) (Registration, error) {
	r, err := scanReg(svc.db.Reader().QueryRowContext(ctx, `SELECT `+regColumns+` FROM activity_registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.token = $1`, strings.TrimSpace(token)))
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return r, regNotFound()
	}
	return r, sqldb.MapErr(err)
}

// CancelByToken cancels the registration a token names (its holder's
// link); a confirmed place goes to the first waitlisted, in the same
// transaction.
func (svc *Service) CancelByToken(ctx context.Context, actor kexie.Actor, token string) (Registration, error) {
	return svc.cancel(ctx, actor, `r.token = $1`, strings.TrimSpace(token), "")
}

// CancelByReference cancels, for staff who manage activity code, one of
// its registrations by reference.
func (svc *Service) CancelByReference(ctx context.Context, actor kexie.Actor, code, ref string) (Registration, error) {
	return svc.cancel(ctx, actor, `r.reference = $1`, NormalReference(ref), code)
}

func (svc *Service) cancel(ctx context.Context, actor kexie.Actor, where, key, code string) (Registration, error) {
	var r Registration
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var orgID int64
		if code != "" {
			a, err := managed(ctx, tx, code)
			if err != nil {
				return err
			}
			orgID = a.id
			where += ` AND r.activity_id = $2`
		}
		args := []any{key}
		if code != "" {
			args = append(args, orgID)
		}
		var err error
		r, err = scanReg(tx.QueryRowContext(ctx, `SELECT `+regColumns+` FROM activity_registrations r JOIN activities a ON a.id = r.activity_id WHERE `+where, args...))
		if (errors.Is(err, sql.ErrNoRows) || key == "") && code != "" {
			// Staff typed a reference that is none of this activity's.
			return kexie.Errorf(kexie.CodeInvalid, "err.registration_unknown", "%q is no registration of this activity", kexie.Excerpt(key))
		}
		if errors.Is(err, sql.ErrNoRows) || key == "" {
			return regNotFound()
		}
		if err != nil {
			return err
		}
		a, err := rowOf(ctx, tx, r.ActivityCode)
		if err != nil {
			return err
		}
		if r.Status == RegCancelled || r.Status == RegRejected {
			return statusError("registration_ended", r.Status, "this registration is "+r.Status+" already")
		}
		res, err := tx.ExecContext(ctx, `UPDATE activity_registrations SET status = 'cancelled', updated_at = $1 WHERE id = $2 AND status = $3`, tx.Now(), r.ID, r.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.registration_changed", "the registration changed meanwhile: try again")
		}
		before := r.Status
		r.Status = RegCancelled
		if before == RegConfirmed {
			if err := givePlace(ctx, tx, a.id, r.SessionID); err != nil {
				return err
			}
			if _, err := promote(ctx, tx, a.id, r.ActivityCode, a.orgID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.cancel", ObjectType: "activity_registration", ObjectID: r.Reference, OrgID: a.orgID,
			Before: map[string]any{"status": before}, After: map[string]any{"activity": r.ActivityCode, "status": RegCancelled}})
	})
	return r, err
}

// Decide approves (confirmed while places remain, else waitlisted) or
// rejects a pending registration of activity code.
func (svc *Service) Decide(ctx context.Context, actor kexie.Actor, code, ref string, approve bool) (Registration, error) {
	var r Registration
	err := svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		var err error
		r, err = scanReg(tx.QueryRowContext(ctx, `SELECT `+regColumns+` FROM activity_registrations r JOIN activities a ON a.id = r.activity_id
			WHERE r.reference = $1 AND r.activity_id = $2`, NormalReference(ref), a.id))
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeInvalid, "err.registration_unknown", "%q is no registration of this activity", kexie.Excerpt(ref))
		}
		if err != nil {
			return err
		}
		if r.Status != RegPending {
			return statusError("registration_not_pending", r.Status, "this registration is "+r.Status+", not pending")
		}
		status := RegRejected
		if approve {
			status = RegWaitlisted
			if ok, err := takePlace(ctx, tx, a.id, r.SessionID); err != nil {
				return err
			} else if ok {
				status = RegConfirmed
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activity_registrations SET status = $1, updated_at = $2 WHERE id = $3`, status, tx.Now(), r.ID); err != nil {
			return err
		}
		r.Status = status
		return tx.Audit(ctx, sqldb.Change{Action: "activity.decide", ObjectType: "activity_registration", ObjectID: r.Reference, OrgID: a.orgID,
			Before: map[string]any{"status": RegPending}, After: map[string]any{"activity": code, "status": status}})
	})
	return r, err
}

// RegistrationCounts are an activity's registrations by status.
func (svc *Service) RegistrationCounts(ctx context.Context, activityID int64) (map[string]int, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT status, COUNT(*) FROM activity_registrations WHERE activity_id = $1 GROUP BY status`, activityID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out[s] = n
	}
	return out, sqldb.MapErr(rows.Err())
}

// Registrations lists an activity's registrations in order of arrival.
func (svc *Service) Registrations(ctx context.Context, activityID int64, offset, limit int) ([]Registration, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+regColumns+` FROM activity_registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.activity_id = $1 ORDER BY r.id LIMIT $2 OFFSET $3`, activityID, limit, max(offset, 0))
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Registration{}
	for rows.Next() {
		r, err := scanReg(rows)
		if err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, r)
	}
	return out, sqldb.MapErr(rows.Err())
}

// RegistrationsPage is a page of activity id's registrations in order of
// arrival, of one status ("" for all), with their number in all.
func (svc *Service) RegistrationsPage(ctx context.Context, activityID int64, status string, offset, limit int) ([]Registration, int, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	where := `r.activity_id = $1`
	args := []any{activityID}
	if status != "" {
		if err := oneOf(status, []string{RegPending, RegConfirmed, RegWaitlisted, RegCancelled, RegRejected}, "err.registration_status"); err != nil {
			return nil, 0, err
		}
		where += ` AND r.status = $2`
		args = append(args, status)
	}
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_registrations r WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+regColumns+` FROM activity_registrations r JOIN activities a ON a.id = r.activity_id
		WHERE `+where+` ORDER BY r.id LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(offset, 0)), args...)
	if err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Registration{}
	for rows.Next() {
		r, err := scanReg(rows)
		if err != nil {
			return nil, 0, sqldb.MapErr(err)
		}
		out = append(out, r)
	}
	return out, total, sqldb.MapErr(rows.Err())
}

// bulkReg is a visitor's registration for a whole activity, which a batch
// writes together with the others of the same activity.
type bulkReg struct {
	code string
	in   RegisterInput
	out  *Registration
}

// visitorMay checks that a visitor may register for activity a now.
func visitorMay(tx *sqldb.Tx, a activityRow) error {
	publicNow := a.public && a.status != StatusDraft && a.status != StatusCancelled
	switch {
	case !publicNow:
		return activityNotFound()
	case a.status != StatusRegistrationOpen,
		a.opens.Valid && tx.Now().Before(a.opens.Time),
		a.closes.Valid && !tx.Now().Before(a.closes.Time):
		return regNotOpen()
	}
	return nil
}

// registerBulk writes jobs, visitors' registrations for one activity, in
// a fixed number of statements whatever their number: the activity's row
// taken (locked) and read once, the places taken by one update — the
// first of the jobs, in their order, get the places that remain, the
// others wait — and the registrations inserted by one statement. Each
// job's refusal or registration is its own; nothing is written for a
// refused one.
func registerBulk(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, results []error, audit func(j *deskJob, c sqldb.Change)) error {
	code := jobs[0].bulk.code
	a, err := rowOnce(ctx, tx, code)
	if err == nil {
		err = visitorMay(tx, a)
	}
	if err != nil {
		if kexie.ErrorCode(err) == "" || kexie.ErrorCode(err) == kexie.CodeInternal {
			return err
		}
		for i := range jobs {
			results[i] = err
		}
		return nil
	}
	status := make([]string, len(jobs))
	if a.approval {
		for i := range status {
			status[i] = RegPending
		}
	} else {
		var confirmed, capacity int
		if err := tx.QueryRowContext(ctx, `UPDATE activities SET confirmed = confirmed WHERE id = $1 RETURNING confirmed, capacity`, a.id).
			Scan(&confirmed, &capacity); err != nil {
			return err
		}
		taken := len(jobs)
		if capacity != 0 {
			taken = max(0, min(taken, capacity-confirmed))
		}
		if taken > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed + $1 WHERE id = $2`, taken, a.id); err != nil {
				return err
			}
		}
		for i := range status {
			status[i] = RegWaitlisted
			if i < taken {
				status[i] = RegConfirmed
			}
		}
	}
	var args []any
	arg := sqldb.Args(&args)
	q := `INSERT INTO activity_registrations (activity_id, reference, token, status, name, employer, country, email, lang, created_at, updated_at) VALUES `
	now := arg(tx.Now())
	id := arg(a.id)
	byRef := map[string]*Registration{}
	for i, j := range jobs {
		in := j.bulk.in
		reg := Registration{ActivityID: a.id, ActivityCode: code, Reference: randomString(refAlphabet, 8), Token: randomString(refAlphabet, 26),
			Status: status[i], Name: in.Name, Employer: in.Employer, Country: in.Country, Email: in.Email, Lang: in.Lang, CreatedAt: tx.Now()}
		*j.bulk.out = reg
		byRef[reg.Reference] = j.bulk.out
		if i > 0 {
			q += ", "
		}
		q += "(" + id + ", " + arg(reg.Reference) + ", " + arg(reg.Token) + ", " + arg(reg.Status) + ", " + arg(in.Name) + ", " + arg(in.Employer) + ", " +
			arg(in.Country) + ", " + arg(in.Email) + ", " + arg(in.Lang) + ", " + now + ", " + now + ")"
	}
	if len(byRef) != len(jobs) {
		// Two random references alike in one batch: the database's
		// unique index would refuse the lot; the jobs go one by one.
		return errJobFailed
	}
	rows, err := tx.QueryContext(ctx, q+` RETURNING id, reference`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var rid int64
		var ref string
		if err := rows.Scan(&rid, &ref); err != nil {
			rows.Close()
			return err
		}
		if r := byRef[ref]; r != nil {
			r.ID = rid
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, j := range jobs {
		r := j.bulk.out
		audit(j, sqldb.Change{Action: "activity.register", ObjectType: "activity_registration", ObjectID: r.Reference, OrgID: a.orgID,
			After: map[string]any{"activity": code, "status": r.Status, "name": r.Name, "membership_id": int64(0), "session_id": int64(0)}})
	}
	return nil
}

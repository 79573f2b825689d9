package activities

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
)

// Check-in policies of a list.
var Policies = []string{"once", "once_daily", "multiple"}

// Scan is one scan at the desk: the QR code's text or a typed reference,
// the check-in list ("" is the activity's main list), the client's nonce
// (a scan sent twice counts once), and for a scan made offline and
// uploaded later, when it was made.
type Scan struct {
	Code    string `json:"code"`
	List    string `json:"list"`
	Nonce   string `json:"nonce"`
	At      string `json:"at"`
	Offline bool   `json:"offline"`
}

// Checkin is the answer to a scan.
type Checkin struct {
	Result    string    // checked_in or duplicate
	At        time.Time // when checked in (for a duplicate: the first time)
	Name      string
	Reference string
	Replayed  bool // the nonce was seen before: the first answer again
}

// AddList adds a check-in list to activity code (the whole event, a
// session, a day) with its policy.
func (svc *Service) AddList(ctx context.Context, actor kexie.Actor, code, name, policy string, session int64, day string) error {
	name = strings.TrimSpace(name)
	if err := ValidCode(name); err != nil {
		return err
	}
	if err := oneOf(policy, Policies, "err.checkin_policy"); err != nil {
		return err
	}
	if day != "" {
		if d, err := kexie.ParseDay(day); err != nil || d.IsZero() {
			return kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", kexie.Excerpt(day))
		}
	}
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if session != 0 {
			if err := sessionOf(ctx, tx, a.id, session); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO activity_checkin_lists (activity_id, name, policy, session_id, day) VALUES ($1, $2, $3, $4, $5)`,
			a.id, name, policy, nullID(session), day)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
			return kexie.Errorf(kexie.CodeConflict, "err.checkin_list_exists", "a check-in list %q exists already", name)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.checkin_list", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			After: map[string]any{"list": name, "policy": policy, "session_id": session, "day": day}})
	})
}

// CheckIn records a scan for activity code, for staff who manage it.
// Every scan is kept in the list's history with who made it and when. The
// list's policy decides what counts once (once: the registration; once
// daily: the registration on a Beijing day; multiple: every scan): a
// second scan of what counts once is a duplicate, answered with the time
// of the first, and recorded as such. A nonce already seen answers as the
// first time and records nothing (an offline upload sent twice). A
// member's first check-in at the activity is a participation record of
// their membership, in the same transaction.
func (svc *Service) CheckIn(ctx context.Context, actor kexie.Actor, code string, s Scan) (Checkin, error) {
	job, out, err := scanJob(actor, code, s)
	if err != nil {
		return Checkin{}, err
	}
	if err := svc.desk.writeJob(ctx, svc.db, job, true, job.run); err != nil {
		return Checkin{}, err
	}
	out.At = out.At.In(kexie.Beijing)
	return *out, nil
}

// scanJob checks scan s of activity code and makes the desk's job that
// writes it, alone (run) or with the batch's other scans (scan), and
// answers in out.
func scanJob(actor kexie.Actor, code string, s Scan) (*deskJob, *Checkin, error) {
	out := &Checkin{}
	scanned := strings.TrimSpace(s.Code)
	if scanned == "" || len(scanned) > 200 {
		return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.checkin_code", "scan a QR code or type a reference")
	}
	nonce := strings.TrimSpace(s.Nonce)
	if len(nonce) > 100 || kexie.CleanText(nonce) != nonce {
		return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.checkin_nonce", "a nonce is up to 100 printable characters")
	}
	list := strings.TrimSpace(s.List)
	if list == "" {
		list = "main"
	}
	var at *time.Time
	if strings.TrimSpace(s.At) != "" {
		t, err := ParseInstant(s.At)
		if err != nil {
			return nil, nil, err
		}
		at = &t
	}
	job := &deskJob{order: code + "\x00" + scanned, actor: actor,
		scan: &bulkScan{code: code, list: list, nonce: nonce, scanned: scanned, at: at, offline: s.Offline, out: out}}
	job.run = func(ctx context.Context, tx *sqldb.Tx, audit func(sqldb.Change) error) error {
		*out = Checkin{}
		a, err := managedOnce(ctx, tx, code)
		if err != nil {
			return err
		}
		return checkIn(ctx, tx, actor, a, code, list, nonce, scanned, at, s.Offline, out, audit)
	}
	return job, out, nil
}

// checkIn records a scan of activity a (read and checked in tx): see
// CheckIn.
func checkIn(ctx context.Context, tx *sqldb.Tx, actor kexie.Actor, a activityRow, code, list, nonce, scanned string, at *time.Time, offline bool, out *Checkin,
	audit func(sqldb.Change) error) error {
	if a.status == StatusDraft || a.status == StatusCancelled {
		return statusError("checkin_status", a.status, "check-in is closed for an activity that is "+a.status)
	}
	l, err := listOf(ctx, tx, a.id, list)
	if err != nil {
		return err
	}
	listID, policy := l.id, l.policy
	if nonce != "" {
		if done, err := replay(ctx, tx, listID, nonce, out); err != nil || done {
			return err
		}
	}
	// The QR code carries the token; a person at the desk types the
	// reference.
	var regID, membershipID int64
	var status string
	err = tx.QueryRowContext(ctx, `SELECT id, status, COALESCE(membership_id, 0), name, reference FROM activity_registrations
		WHERE activity_id = $1 AND (token = $2 OR reference = $3)`, a.id, scanned, NormalReference(scanned)).
		Scan(&regID, &status, &membershipID, &out.Name, &out.Reference)
	if errors.Is(err, sql.ErrNoRows) {
		return kexie.Errorf(kexie.CodeInvalid, "err.checkin_unknown", "this code is no registration of this activity")
	}
	if err != nil {
		return err
	}
	if status != RegConfirmed {
		return statusError("checkin_unconfirmed", status, "this registration is "+status+", not confirmed")
	}
	when := tx.Now()
	if at != nil && offline {
		// A scan made offline happened before its upload.
		if at.After(when) {
			return kexie.Errorf(kexie.CodeInvalid, "err.checkin_future", "a scan cannot have been made after it was uploaded")
		}
		when = *at
	}
	day := kexie.DateOf(when.In(kexie.Beijing)).String()
	slot := ""
	switch policy {
	case "once_daily":
		slot = day
	case "multiple":
		slot = "scan:" + randomString(refAlphabet, 16)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO activity_checkins (list_id, registration_id, result, slot, at, nonce, offline, scanned_by, scanned_by_name, created_at)
		VALUES ($1, $2, 'checked_in', $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
		listID, regID, slot, when, nonce, offline, nullID(actor.UserID), actor.Username, tx.Now()).Scan(&id)
	if err == nil {
		out.Result, out.At = "checked_in", when
		if err := audit(sqldb.Change{Action: "activity.checkin", ObjectType: "activity_registration", ObjectID: out.Reference, OrgID: a.orgID,
			After: map[string]any{"activity": code, "list": list, "at": when, "offline": offline}}); err != nil {
			return err
		}
		return participate(ctx, tx, regID, membershipID, code, day)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// Nothing inserted: the nonce came meanwhile, or this counts once
	// and was counted.
	if nonce != "" {
		if done, err := replay(ctx, tx, listID, nonce, out); err != nil || done {
			return err
		}
	}
	var first time.Time
	if err := tx.QueryRowContext(ctx, `SELECT at FROM activity_checkins WHERE list_id = $1 AND registration_id = $2 AND slot = $3 AND result = 'checked_in'`,
		listID, regID, slot).Scan(&first); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO activity_checkins (list_id, registration_id, result, slot, at, nonce, offline, scanned_by, scanned_by_name, created_at)
		VALUES ($1, $2, 'duplicate', $3, $4, $5, $6, $7, $8, $9)`,
		listID, regID, slot, when, nonce, offline, nullID(actor.UserID), actor.Username, tx.Now()); err != nil {
		return err
	}
	out.Result, out.At = "duplicate", first
	return nil
}

// listOf reads check-in list name of activity activityID (once per batch
// of the desk).
func listOf(ctx context.Context, tx *sqldb.Tx, activityID int64, name string) (checkinList, error) {
	m := memoOf(ctx)
	k := listKey{activityID, name}
	if m != nil {
		if l, ok := m.lists[k]; ok {
			return l, nil
		}
	}
	var l checkinList
	err := tx.QueryRowContext(ctx, `SELECT id, policy FROM activity_checkin_lists WHERE activity_id = $1 AND name = $2`, activityID, name).Scan(&l.id, &l.policy)
	if errors.Is(err, sql.ErrNoRows) {
		return l, kexie.Errorf(kexie.CodeInvalid, "err.checkin_list", "no check-in list %q", kexie.Excerpt(name))
	}
	if err != nil {
		return l, err
	}
	if m != nil {
		m.lists[k] = l
	}
	return l, nil
}

// replay answers a nonce seen before on the list as it was answered.
func replay(ctx context.Context, tx *sqldb.Tx, listID int64, nonce string, out *Checkin) (bool, error) {
	var regID int64
	var result, slot string
	var at time.Time
	// "nonce <> ''" lets both databases use the partial unique index on
	// (list_id, nonce): without it the lookup scans the list's every
	// check-in, which made a rush of scans quadratic.
	err := tx.QueryRowContext(ctx, `SELECT registration_id, result, slot, at FROM activity_checkins WHERE list_id = $1 AND nonce = $2 AND nonce <> ''`, listID, nonce).
		Scan(&regID, &result, &slot, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if result == "duplicate" {
		if err := tx.QueryRowContext(ctx, `SELECT at FROM activity_checkins WHERE list_id = $1 AND registration_id = $2 AND slot = $3 AND result = 'checked_in'`,
			listID, regID, slot).Scan(&at); err != nil {
			return false, err
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT name, reference FROM activity_registrations WHERE id = $1`, regID).Scan(&out.Name, &out.Reference); err != nil {
		return false, err
	}
	out.Result, out.At, out.Replayed = result, at, true
	return true, nil
}

// participate writes a member's participation record at their first
// check-in at the activity (whatever the list).
func participate(ctx context.Context, tx *sqldb.Tx, regID, membershipID int64, code, day string) error {
	if membershipID == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_checkins WHERE registration_id = $1 AND result = 'checked_in'`, regID).Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return nil
	}
	var zh, en string
	if err := tx.QueryRowContext(ctx, `SELECT title_zh, title_en FROM activities WHERE code = $1`, code).Scan(&zh, &en); err != nil {
		return err
	}
	title, _ := Text(zh, en, "zh-Hans")
	return membership.Participate(ctx, tx, membershipID, day, "活动 "+code+" "+title)
}

// CheckinEntry is one line of a check-in history.
type CheckinEntry struct {
	List      string
	Reference string
	Name      string
	Result    string
	At        time.Time
	Offline   bool
	ScannedBy string
	Recorded  time.Time // when the server took it (an offline scan: at upload)
}

// History lists activity id's scans, newest first.
func (svc *Service) History(ctx context.Context, activityID int64, limit int) ([]CheckinEntry, error) {
	out, _, err := svc.HistoryPage(ctx, activityID, 0, limit)
	return out, err
}

// HistoryPage is a page of activity id's scans, newest first, with the
// number of scans in all.
func (svc *Service) HistoryPage(ctx context.Context, activityID int64, offset, limit int) ([]CheckinEntry, int, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_checkins c JOIN activity_checkin_lists l ON l.id = c.list_id
		WHERE l.activity_id = $1`, activityID).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT l.name, r.reference, r.name, c.result, c.at, c.offline, c.scanned_by_name, c.created_at
		FROM activity_checkins c JOIN activity_checkin_lists l ON l.id = c.list_id JOIN activity_registrations r ON r.id = c.registration_id
		WHERE l.activity_id = $1 ORDER BY c.id DESC LIMIT $2 OFFSET $3`, activityID, limit, max(offset, 0))
	if err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []CheckinEntry{}
	for rows.Next() {
		var e CheckinEntry
		if err := rows.Scan(&e.List, &e.Reference, &e.Name, &e.Result, &e.At, &e.Offline, &e.ScannedBy, &e.Recorded); err != nil {
			return nil, 0, sqldb.MapErr(err)
		}
		e.At, e.Recorded = e.At.In(kexie.Beijing), e.Recorded.In(kexie.Beijing)
		out = append(out, e)
	}
	return out, total, sqldb.MapErr(rows.Err())
}

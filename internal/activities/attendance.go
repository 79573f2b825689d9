package activities

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// AttendanceRow is one line of a paper sign-in sheet: the activity, the
// person — a member of the register (OrgCode and MemberNo) or someone
// outside it (Name) — and when they signed in: RFC 3339, or YYYY-MM-DD
// HH:MM meaning Beijing time.
type AttendanceRow struct {
	Line         int
	ActivityCode string
	OrgCode      string
	MemberNo     string
	Name         string
	CheckedInAt  string
}

// AttendanceResult counts an attendance import's rows: recorded (a first
// check-in), duplicate (the person was checked in at the activity
// already) and rejected, each rejection with its line and reason.
type AttendanceResult struct {
	Recorded  int
	Duplicate int
	Rejected  []kexie.Rejection
}

// ImportAttendance records paper sign-in sheets as check-ins on each
// activity's main list, as scans made offline at the time written: the
// same rules as a scan (a member's first check-in is a participation
// record of their membership, in the same transaction; a second is a
// duplicate). A person without a registration gets a confirmed one — they
// came: the place is counted even beyond the capacity. A row is rejected
// for an activity that is not found, not managed by the actor, a draft or
// cancelled; for a member not in the register; without a member or a name;
// for a time that is not one or lies in the future. A dry run checks
// everything and keeps nothing.
func (svc *Service) ImportAttendance(ctx context.Context, actor kexie.Actor, rows []AttendanceRow, dry bool) (AttendanceResult, error) {
	var out AttendanceResult
	err := svc.db.WriteOrDry(ctx, actor, dry, func(tx *sqldb.Tx) error {
		out = AttendanceResult{}
		acts := map[string]activityRow{}
		actErr := map[string]error{}
		for _, row := range rows {
			reject := func(err error) {
				out.Rejected = append(out.Rejected, kexie.Rejection{Line: row.Line, Code: row.ActivityCode, Reason: kexie.AsError(err).Message})
			}
			code := strings.TrimSpace(row.ActivityCode)
			if code == "" {
				reject(kexie.Errorf(kexie.CodeInvalid, "err.attendance_activity", "activity_code is empty"))
				continue
			}
			a, seen := acts[code]
			if !seen && actErr[code] == nil {
				var err error
				if a, err = managed(ctx, tx, code); err != nil {
					if kexie.ErrorCode(err) != kexie.CodeNotFound {
						return err
					}
					actErr[code] = kexie.Errorf(kexie.CodeNotFound, "err.attendance_no_activity", "no activity %q", kexie.Excerpt(code))
				} else {
					acts[code] = a
				}
			}
			if actErr[code] != nil {
				reject(actErr[code])
				continue
			}
			at, err := ParseInstant(row.CheckedInAt)
			if err != nil {
				reject(err)
				continue
			}
			// What a scan would refuse is refused before anyone is
			// registered, so a rejected row leaves nothing behind.
			if a.status == StatusDraft || a.status == StatusCancelled {
				reject(statusError("checkin_status", a.status, "check-in is closed for an activity that is "+a.status))
				continue
			}
			if at.After(tx.Now()) {
				reject(kexie.Errorf(kexie.CodeInvalid, "err.checkin_future", "a scan cannot have been made after it was uploaded"))
				continue
			}
			ref, err := attendee(ctx, tx, actor, a, code, row)
			if err != nil {
				if kexie.ErrorCode(err) == kexie.CodeInternal {
					return err
				}
				reject(err)
				continue
			}
			var c Checkin
			if err := checkIn(ctx, tx, actor, a, code, "main", "", ref, &at, true, &c, func(ch sqldb.Change) error { return tx.Audit(ctx, ch) }); err != nil {
				if kexie.ErrorCode(err) == kexie.CodeInternal {
					return err
				}
				reject(err)
				continue
			}
			if c.Result == "duplicate" {
				out.Duplicate++
			} else {
				out.Recorded++
			}
		}
		return nil
	})
	return out, err
}

// attendee finds the registration of a sign-in row's person for activity a
// — a member's by membership, an outside person's by name — or registers
// them, confirmed; it returns its reference.
func attendee(ctx context.Context, tx *sqldb.Tx, actor kexie.Actor, a activityRow, code string, row AttendanceRow) (string, error) {
	orgCode, memberNo := strings.TrimSpace(row.OrgCode), strings.TrimSpace(row.MemberNo)
	name, err := plain(row.Name, 200)
	if err != nil {
		return "", err
	}
	var membership int64
	var ref string
	switch {
	case orgCode != "" || memberNo != "":
		if orgCode == "" || memberNo == "" {
			return "", kexie.Errorf(kexie.CodeInvalid, "err.attendance_member", "a member is named by org_code and member_no together")
		}
		err := tx.QueryRowContext(ctx, `SELECT m.id, p.name FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN people p ON p.id = m.person_id
			WHERE o.code = $1 AND m.member_no = $2`, orgCode, memberNo).Scan(&membership, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return "", kexie.Errorf(kexie.CodeInvalid, "err.registration_member", "no member %v in organisation %v", kexie.Excerpt(memberNo), kexie.Excerpt(orgCode))
		}
		if err != nil {
			return "", err
		}
		err = tx.QueryRowContext(ctx, `SELECT reference FROM activity_registrations WHERE activity_id = $1 AND membership_id = $2
			ORDER BY CASE WHEN status = 'confirmed' THEN 0 ELSE 1 END, id LIMIT 1`, a.id, membership).Scan(&ref)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	case name != "":
		err := tx.QueryRowContext(ctx, `SELECT reference FROM activity_registrations WHERE activity_id = $1 AND membership_id IS NULL AND name = $2
			ORDER BY CASE WHEN status = 'confirmed' THEN 0 ELSE 1 END, id LIMIT 1`, a.id, name).Scan(&ref)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	default:
		return "", kexie.Errorf(kexie.CodeInvalid, "err.attendance_person", "a row names a member (org_code, member_no) or a person (name)")
	}
	if ref != "" {
		// A registration that was not confirmed is confirmed: they came.
		res, err := tx.ExecContext(ctx, `UPDATE activity_registrations SET status = 'confirmed', updated_at = $1 WHERE activity_id = $2 AND reference = $3
			AND status <> 'confirmed'`, tx.Now(), a.id, ref)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if _, err := tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed + 1 WHERE id = $1`, a.id); err != nil {
				return "", err
			}
		}
		return ref, nil
	}
	ref = randomString(refAlphabet, 8)
	if _, err := tx.ExecContext(ctx, `INSERT INTO activity_registrations (activity_id, reference, token, status, membership_id, name, lang,
		created_by, created_at, updated_at) VALUES ($1, $2, $3, 'confirmed', $4, $5, 'zh-Hans', $6, $7, $7)`,
		a.id, ref, randomString(refAlphabet, 26), nullID(membership), name, nullID(actor.UserID), tx.Now()); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE activities SET confirmed = confirmed + 1 WHERE id = $1`, a.id); err != nil {
		return "", err
	}
	return ref, tx.Audit(ctx, sqldb.Change{Action: "activity.attendance_register", ObjectType: "activity_registration", ObjectID: ref, OrgID: a.orgID,
		After: map[string]any{"activity": code, "status": RegConfirmed, "name": name, "membership_id": membership, "line": row.Line}})
}

package activities

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Update changes an activity's record — everything but its code, its
// status and its organisations (SetStatus, SetRoles) — for those who
// manage it. A cancelled activity is final. The capacity never falls
// below the places confirmed; a larger one confirms the waiting list, first
// come first served, in the same transaction. The days never leave a
// session or break of the programme outside them.
func (svc *Service) Update(ctx context.Context, actor kexie.Actor, code string, in Input) (Activity, error) {
	in.Code, in.Roles = code, nil
	c, err := check(in)
	if err != nil {
		return Activity{}, err
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		id = a.id
		if a.status == StatusCancelled {
			return kexie.Errorf(kexie.CodeConflict, "err.activity_final", "a cancelled activity is not changed any more")
		}
		var confirmed int
		if err := tx.QueryRowContext(ctx, `SELECT confirmed FROM activities WHERE id = $1`, a.id).Scan(&confirmed); err != nil {
			return err
		}
		if c.in.Capacity != 0 && c.in.Capacity < confirmed {
			return kexie.Errorf(kexie.CodeConflict, "err.activity_capacity_below", "%v places are confirmed already: the capacity cannot be smaller", confirmed)
		}
		var outside int
		first, after := c.starts.Start(), c.ends.AddDays(1).Start()
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM activity_sessions WHERE activity_id = $1 AND (starts_at < $2 OR ends_at > $3))
			+ (SELECT COUNT(*) FROM activity_breaks WHERE activity_id = $1 AND (starts_at < $2 OR ends_at > $3))`, a.id, first, after).Scan(&outside); err != nil {
			return err
		}
		if outside > 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.activity_days_programme", "%v sessions or breaks of the programme would lie outside the new days", outside)
		}
		series, err := seriesOf(ctx, tx, c.in.Series)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE activities SET kind = $1, category = $2, title_zh = $3, title_en = $4, theme_zh = $5, theme_en = $6,
			starts = $7, ends = $8, venue = $9, city = $10, region_code = $11, mode = $12, public = $13, series_id = $14, edition = $15,
			capacity = $16, approval = $17, reg_opens = $18, reg_closes = $19, updated_at = $20 WHERE id = $21`,
			c.in.Kind, c.in.Category, c.in.TitleZH, c.in.TitleEN, c.in.ThemeZH, c.in.ThemeEN, c.starts.String(), c.ends.String(),
			c.in.Venue, c.in.City, c.in.RegionCode, c.in.Mode, c.in.Public, nullID(series), nullInt(c.in.Edition),
			c.in.Capacity, c.in.Approval, nullTime(c.opens), nullTime(c.closes), tx.Now(), a.id)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
			return kexie.Errorf(kexie.CodeConflict, "err.activity_exists", "an activity with code %q, or this edition of the series, exists already", code)
		}
		if err != nil {
			return err
		}
		// More places: the waiting list moves up.
		for {
			ok, err := promote(ctx, tx, a.id, code, a.orgID)
			if err != nil || !ok {
				if err != nil {
					return err
				}
				break
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.update", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			Before: map[string]any{"starts": a.starts, "ends": a.ends, "capacity": a.capacity, "public": a.public},
			After: map[string]any{"kind": c.in.Kind, "category": c.in.Category, "title_zh": c.in.TitleZH, "title_en": c.in.TitleEN,
				"starts": c.starts.String(), "ends": c.ends.String(), "capacity": c.in.Capacity, "public": c.in.Public,
				"series": c.in.Series, "edition": c.in.Edition}})
	})
	if err != nil {
		return Activity{}, err
	}
	return svc.byID(ctx, id)
}

// checkSession checks and cleans a session as entered and reads its times.
func checkSession(in *SessionInput) (time.Time, time.Time, error) {
	var err error
	if in.Kind == "" {
		in.Kind = "parallel"
	}
	if err = oneOf(in.Kind, SessionKinds, "err.session_kind"); err != nil {
		return time.Time{}, time.Time{}, err
	}
	for _, f := range []*string{&in.TitleZH, &in.TitleEN, &in.Room, &in.Track, &in.Chairs} {
		if *f, err = plain(*f, 300); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if in.TitleZH == "" && in.TitleEN == "" {
		return time.Time{}, time.Time{}, kexie.Errorf(kexie.CodeInvalid, "err.activity_title", "a title in Chinese or in English is required")
	}
	if in.Capacity < 0 {
		return time.Time{}, time.Time{}, kexie.Errorf(kexie.CodeInvalid, "err.activity_capacity", "the capacity is a number of places from 0 (no limit) up")
	}
	s, err := ParseInstant(in.Starts)
	if err != nil {
		return s, s, err
	}
	e, err := ParseInstant(in.Ends)
	return s, e, err
}

// sessionRow reads session id of activity activityID in tx: its
// confirmed places.
func sessionRow(ctx context.Context, tx *sqldb.Tx, activityID, id int64) (int, error) {
	var confirmed int
	err := tx.QueryRowContext(ctx, `SELECT confirmed FROM activity_sessions WHERE id = $1 AND activity_id = $2`, id, activityID).Scan(&confirmed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kexie.Errorf(kexie.CodeNotFound, "err.session_not_found", "no session %v in this activity", strconv.FormatInt(id, 10))
	}
	return confirmed, err
}

// UpdateSession changes session id of activity code: the same rules as
// adding one (within the days, no room taken, no break), and its
// capacity never below its places confirmed.
func (svc *Service) UpdateSession(ctx context.Context, actor kexie.Actor, code string, id int64, in SessionInput) error {
	s, e, err := checkSession(&in)
	if err != nil {
		return err
	}
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		confirmed, err := sessionRow(ctx, tx, a.id, id)
		if err != nil {
			return err
		}
		if in.Capacity != 0 && in.Capacity < confirmed {
			return kexie.Errorf(kexie.CodeConflict, "err.activity_capacity_below", "%v places are confirmed already: the capacity cannot be smaller", confirmed)
		}
		if err := within(a, s, e); err != nil {
			return err
		}
		if err := overlapsExcept(ctx, tx, a.id, in.Room, false, s, e, id); err != nil {
			return err
		}
		// The chairs' field is the list of chairs: changed, it replaces
		// the session's chairs.
		var chairs string
		if err := tx.QueryRowContext(ctx, `SELECT chairs FROM activity_sessions WHERE id = $1`, id).Scan(&chairs); err != nil {
			return err
		}
		if chairs != in.Chairs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM activity_people WHERE session_id = $1`, id); err != nil {
				return err
			}
			if err := addPeople(ctx, tx, a, code, "chair", id, 0, in.Chairs); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activity_sessions SET kind = $1, title_zh = $2, title_en = $3, international = $4, room = $5,
			track = $6, chairs = $7, starts_at = $8, ends_at = $9, capacity = $10 WHERE id = $11`,
			in.Kind, in.TitleZH, in.TitleEN, in.International, in.Room, in.Track, in.Chairs, s, e, in.Capacity, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.session_update", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			After: map[string]any{"session": id, "title_zh": in.TitleZH, "title_en": in.TitleEN, "room": in.Room, "starts": s, "ends": e}})
	})
}

// DeleteSession removes session id from activity code's programme, unless
// someone registered for it or a check-in list is kept for it.
func (svc *Service) DeleteSession(ctx context.Context, actor kexie.Actor, code string, id int64) error {
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if _, err := sessionRow(ctx, tx, a.id, id); err != nil {
			return err
		}
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM activity_registrations WHERE session_id = $1)
			+ (SELECT COUNT(*) FROM activity_checkin_lists WHERE session_id = $1)`, id).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.session_in_use", "people registered for this session, or a check-in list is kept for it: it stays")
		}
		// Its chairs, its contributions and their speakers go with it.
		for _, q := range []string{`DELETE FROM activity_people WHERE session_id = $1`,
			`DELETE FROM activity_people WHERE contribution_id IN (SELECT id FROM activity_contributions WHERE session_id = $1)`,
			`DELETE FROM activity_contributions WHERE session_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activity_sessions WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.session_delete", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			Before: map[string]any{"session": id}})
	})
}

// DeleteBreak removes break id from activity code's programme.
func (svc *Service) DeleteBreak(ctx context.Context, actor kexie.Actor, code string, id int64) error {
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM activity_breaks WHERE id = $1 AND activity_id = $2`, id, a.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.break_not_found", "no break %v in this activity", strconv.FormatInt(id, 10))
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.break_delete", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			Before: map[string]any{"break": id}})
	})
}

package activities

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// SessionKinds are the kinds of session.
var SessionKinds = []string{"plenary", "parallel", "poster", "exhibition"}

// Session is one session of a programme: in a room, at a time.
type Session struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	TitleZH       string    `json:"-"`
	TitleEN       string    `json:"-"`
	Title         Bilingual `json:"title"`
	International bool      `json:"international"`
	Room          string    `json:"room"`
	Track         string    `json:"track"`
	Chairs        string    `json:"chairs"`
	Starts        time.Time `json:"starts"`
	Ends          time.Time `json:"ends"`
	Capacity      int       `json:"capacity"`
	Confirmed     int       `json:"confirmed"`
	// As records (people.go): the chairs, and the contributions with
	// their speakers, in order. Chairs is the text they were entered as.
	ChairList     []Person            `json:"chair_list"`
	Contributions []ContributionEntry `json:"contributions"`
}

// SessionInput is a session as entered; times in RFC 3339 or as
// YYYY-MM-DD HH:MM in Beijing time.
type SessionInput struct {
	Kind          string `json:"kind"`
	TitleZH       string `json:"title_zh"`
	TitleEN       string `json:"title_en"`
	International bool   `json:"international"`
	Room          string `json:"room"`
	Track         string `json:"track"`
	Chairs        string `json:"chairs"`
	Starts        string `json:"starts"`
	Ends          string `json:"ends"`
	Capacity      int    `json:"capacity"`
}

// Break is a break of the whole programme: it holds in every room at once
// and is entered once.
type Break struct {
	ID      int64     `json:"id"`
	TitleZH string    `json:"-"`
	TitleEN string    `json:"-"`
	Title   Bilingual `json:"title"`
	Starts  time.Time `json:"starts"`
	Ends    time.Time `json:"ends"`
}

// within checks that [s, e) is a non-empty span inside the activity's
// days (Beijing time).
func within(a activityRow, s, e time.Time) error {
	if !e.After(s) {
		return kexie.Errorf(kexie.CodeInvalid, "err.session_times", "a session or break ends after it starts")
	}
	first, _ := kexie.ParseDay(a.starts)
	last, _ := kexie.ParseDay(a.ends)
	if s.Before(first.Start()) || e.After(last.AddDays(1).Start()) {
		return kexie.Errorf(kexie.CodeInvalid, "err.session_outside", "the time lies outside the activity's days (%v to %v)", a.starts, a.ends)
	}
	return nil
}

// overlaps reports a clash in tx: a break, or (room != "-") a session in
// the same room, sharing time with [s, e). A break clashes with every
// session, whatever its room.
func overlaps(ctx context.Context, tx *sqldb.Tx, activityID int64, room string, allRooms bool, s, e time.Time) error {
	return overlapsExcept(ctx, tx, activityID, room, allRooms, s, e, 0)
}

// overlapsExcept is overlaps, leaving session except (being changed) out.
func overlapsExcept(ctx context.Context, tx *sqldb.Tx, activityID int64, room string, allRooms bool, s, e time.Time, except int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_breaks WHERE activity_id = $1 AND starts_at < $2 AND ends_at > $3`, activityID, e, s).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kexie.Errorf(kexie.CodeConflict, "err.session_break", "the time overlaps a break of the programme")
	}
	q := `SELECT COUNT(*) FROM activity_sessions WHERE activity_id = $1 AND starts_at < $2 AND ends_at > $3 AND id <> $4`
	args := []any{activityID, e, s, except}
	if !allRooms {
		q += ` AND room = $5`
		args = append(args, room)
	}
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		if allRooms {
			return kexie.Errorf(kexie.CodeConflict, "err.break_session", "a session is held at that time")
		}
		return kexie.Errorf(kexie.CodeConflict, "err.session_room", "another session is in room %q at that time", room)
	}
	return nil
}

// AddSession adds a session to activity code's programme: within its
// days, not in a room taken at that time, not during a break.
func (svc *Service) AddSession(ctx context.Context, actor kexie.Actor, code string, in SessionInput) (int64, error) {
	s, e, err := checkSession(&in)
	if err != nil {
		return 0, err
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		id, err = addSession(ctx, tx, a, code, in, s, e)
		return err
	})
	return id, err
}

// addSession writes a checked session of activity a in tx, after the
// checks that read: within the days, no room taken, no break.
func addSession(ctx context.Context, tx *sqldb.Tx, a activityRow, code string, in SessionInput, s, e time.Time) (int64, error) {
	if err := within(a, s, e); err != nil {
		return 0, err
	}
	if err := overlaps(ctx, tx, a.id, in.Room, false, s, e); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO activity_sessions (activity_id, kind, title_zh, title_en, international, room, track, chairs,
		starts_at, ends_at, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.id, in.Kind, in.TitleZH, in.TitleEN, in.International, in.Room, in.Track, in.Chairs, s, e, in.Capacity, tx.Now()).Scan(&id); err != nil {
		return 0, err
	}
	if err := addPeople(ctx, tx, a, code, "chair", id, 0, in.Chairs); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, sqldb.Change{Action: "activity.session", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
		After: map[string]any{"session": id, "title_zh": in.TitleZH, "title_en": in.TitleEN, "room": in.Room, "starts": s, "ends": e}})
}

// AddBreak adds a break to the whole programme of activity code: one
// entry, for every room; no session may be held during it.
func (svc *Service) AddBreak(ctx context.Context, actor kexie.Actor, code, titleZH, titleEN, starts, ends string) (int64, error) {
	titleZH, titleEN, s, e, err := checkBreak(titleZH, titleEN, starts, ends)
	if err != nil {
		return 0, err
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		id, err = addBreak(ctx, tx, a, code, titleZH, titleEN, s, e)
		return err
	})
	return id, err
}

// checkBreak checks a break as entered and reads its times.
func checkBreak(titleZH, titleEN, starts, ends string) (string, string, time.Time, time.Time, error) {
	var err error
	var s, e time.Time
	if titleZH, err = plain(titleZH, 200); err != nil {
		return titleZH, titleEN, s, e, err
	}
	if titleEN, err = plain(titleEN, 200); err != nil {
		return titleZH, titleEN, s, e, err
	}
	if titleZH == "" && titleEN == "" {
		return titleZH, titleEN, s, e, kexie.Errorf(kexie.CodeInvalid, "err.activity_title", "a title in Chinese or in English is required")
	}
	if s, err = ParseInstant(starts); err != nil {
		return titleZH, titleEN, s, e, err
	}
	e, err = ParseInstant(ends)
	return titleZH, titleEN, s, e, err
}

// addBreak writes a checked break of activity a in tx, after the checks
// that read: within the days, no session at that time in any room.
func addBreak(ctx context.Context, tx *sqldb.Tx, a activityRow, code, titleZH, titleEN string, s, e time.Time) (int64, error) {
	if err := within(a, s, e); err != nil {
		return 0, err
	}
	if err := overlaps(ctx, tx, a.id, "", true, s, e); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO activity_breaks (activity_id, title_zh, title_en, starts_at, ends_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.id, titleZH, titleEN, s, e, tx.Now()).Scan(&id); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, sqldb.Change{Action: "activity.break", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
		After: map[string]any{"break": id, "title_zh": titleZH, "title_en": titleEN, "starts": s, "ends": e}})
}

// Sessions lists an activity's sessions by time and room.
func (svc *Service) Sessions(ctx context.Context, activityID int64) ([]Session, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, kind, title_zh, title_en, international, room, track, chairs, starts_at, ends_at, capacity, confirmed
		FROM activity_sessions WHERE activity_id = $1 ORDER BY starts_at, room, id`, activityID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.Kind, &s.TitleZH, &s.TitleEN, &s.International, &s.Room, &s.Track, &s.Chairs, &s.Starts, &s.Ends, &s.Capacity, &s.Confirmed); err != nil {
			return nil, sqldb.MapErr(err)
		}
		s.Starts, s.Ends = s.Starts.In(kexie.Beijing), s.Ends.In(kexie.Beijing)
		s.Title = Both(s.TitleZH, s.TitleEN)
		out = append(out, s)
	}
	return out, sqldb.MapErr(rows.Err())
}

// Breaks lists an activity's breaks by time.
func (svc *Service) Breaks(ctx context.Context, activityID int64) ([]Break, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, title_zh, title_en, starts_at, ends_at FROM activity_breaks WHERE activity_id = $1 ORDER BY starts_at, id`, activityID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Break{}
	for rows.Next() {
		var b Break
		if err := rows.Scan(&b.ID, &b.TitleZH, &b.TitleEN, &b.Starts, &b.Ends); err != nil {
			return nil, sqldb.MapErr(err)
		}
		b.Starts, b.Ends = b.Starts.In(kexie.Beijing), b.Ends.In(kexie.Beijing)
		b.Title = Both(b.TitleZH, b.TitleEN)
		out = append(out, b)
	}
	return out, sqldb.MapErr(rows.Err())
}

// Programme is an activity's programme laid out as a printed one: per
// day, a column per room, a row per span between two consecutive times at
// which something starts or ends; a session covers its rows in its room's
// column, a break covers its rows across every column.
type Programme struct {
	Days []Day `json:"days"`
}

// Day is one day of a programme.
type Day struct {
	Date  string   `json:"date"`
	Rooms []string `json:"rooms"`
	Rows  []Row    `json:"rows"`
}

// Row is one span of time of a day.
type Row struct {
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"`
	Cells  []Cell    `json:"cells"`
}

// Cell is one cell of a row: a session starting there (RowSpan rows
// tall), a break starting there (across every column), or empty. Cells
// covered by a session or break begun in an earlier row are left out,
// as in an HTML table.
type Cell struct {
	Room    string   `json:"room,omitempty"`
	Session *Session `json:"session,omitempty"`
	Break   *Break   `json:"break,omitempty"`
	RowSpan int      `json:"rowspan"`
	ColSpan int      `json:"colspan"`
}

// Programme reads and lays out activity id's programme.
func (svc *Service) Programme(ctx context.Context, activityID int64) (Programme, error) {
	ss, err := svc.Sessions(ctx, activityID)
	if err != nil {
		return Programme{}, err
	}
	if err := svc.attachPeople(ctx, activityID, ss); err != nil {
		return Programme{}, err
	}
	bs, err := svc.Breaks(ctx, activityID)
	if err != nil {
		return Programme{}, err
	}
	return Layout(ss, bs), nil
}

// Layout lays sessions and breaks out by day (Beijing), room and time.
func Layout(ss []Session, bs []Break) Programme {
	dayOf := func(t time.Time) string { return kexie.DateOf(t.In(kexie.Beijing)).String() }
	days := map[string]*Day{}
	var order []string
	get := func(d string) *Day {
		if days[d] == nil {
			days[d] = &Day{Date: d, Rooms: []string{}, Rows: []Row{}}
			order = append(order, d)
		}
		return days[d]
	}
	for _, s := range ss {
		d := get(dayOf(s.Starts))
		if !slices.Contains(d.Rooms, s.Room) {
			d.Rooms = append(d.Rooms, s.Room)
		}
	}
	for _, b := range bs {
		get(dayOf(b.Starts))
	}
	sort.Strings(order)
	var out Programme
	for _, key := range order {
		d := days[key]
		var times []time.Time
		add := func(t time.Time) {
			if !slices.ContainsFunc(times, t.Equal) {
				times = append(times, t)
			}
		}
		var dss []Session
		for _, s := range ss {
			if dayOf(s.Starts) == key {
				dss = append(dss, s)
				add(s.Starts)
				add(s.Ends)
			}
		}
		var dbs []Break
		for _, b := range bs {
			if dayOf(b.Starts) == key {
				dbs = append(dbs, b)
				add(b.Starts)
				add(b.Ends)
			}
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		span := func(s, e time.Time) int {
			n := 0
			for i := 0; i+1 < len(times); i++ {
				if !times[i].Before(s) && !times[i+1].After(e) {
					n++
				}
			}
			return n
		}
		cols := max(len(d.Rooms), 1)
		for i := 0; i+1 < len(times); i++ {
			row := Row{Starts: times[i], Ends: times[i+1], Cells: []Cell{}}
			inBreak := false
			for _, b := range dbs {
				if b.Starts.Equal(times[i]) {
					b := b
					row.Cells = append(row.Cells, Cell{Break: &b, RowSpan: span(b.Starts, b.Ends), ColSpan: cols})
					inBreak = true
				} else if b.Starts.Before(times[i]) && b.Ends.After(times[i]) {
					inBreak = true
				}
			}
			if !inBreak {
				for _, room := range d.Rooms {
					covered := false
					for _, s := range dss {
						if s.Room != room {
							continue
						}
						if s.Starts.Equal(times[i]) {
							s := s
							row.Cells = append(row.Cells, Cell{Room: room, Session: &s, RowSpan: span(s.Starts, s.Ends), ColSpan: 1})
							covered = true
							break
						}
						if s.Starts.Before(times[i]) && s.Ends.After(times[i]) {
							covered = true
							break
						}
					}
					if !covered {
						row.Cells = append(row.Cells, Cell{Room: room, RowSpan: 1, ColSpan: 1})
					}
				}
			}
			d.Rows = append(d.Rows, row)
		}
		out.Days = append(out.Days, *d)
	}
	if out.Days == nil {
		out.Days = []Day{}
	}
	return out
}

// sessionOf reads session id of activity activityID in tx.
func sessionOf(ctx context.Context, tx *sqldb.Tx, activityID, id int64) error {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM activity_sessions WHERE id = $1 AND activity_id = $2`, id, activityID).Scan(&n)
	if err == sql.ErrNoRows {
		return kexie.Errorf(kexie.CodeInvalid, "err.session_unknown", "no session %v in this activity", strconv.FormatInt(id, 10))
	}
	return err
}

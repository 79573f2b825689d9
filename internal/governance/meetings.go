package governance

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Meeting is a meeting of a body's term.
type Meeting struct {
	ID, TermID, BodyID, OrgID int64
	BodyKind                  charter.BodyKind
	Held, Place, Mode, Agenda string
}

// NewMeeting describes a meeting to record.
type NewMeeting struct {
	Held, Place, Mode, Agenda string
}

// CreateMeeting records a meeting of a term; every seat held that day
// starts unmarked (counted as absent, excused) until attendance is taken.
func (svc *Service) CreateMeeting(ctx context.Context, actor kexie.Actor, termID int64, m NewMeeting) (int64, error) {
	if d, err := kexie.ParseDate(m.Held); err != nil || d.IsZero() {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", m.Held)
	}
	if m.Mode == "" {
		m.Mode = "in_person"
	}
	if m.Mode != "in_person" && m.Mode != "communication" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.meeting_mode", "a meeting is held in person or by communication")
	}
	var id int64
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := manageTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		var started, ended string
		if err := tx.QueryRowContext(ctx, `SELECT started, ended FROM terms WHERE id = $1`, termID).Scan(&started, &ended); err != nil {
			return err
		}
		if m.Held < started || (ended != "" && m.Held > ended) {
			return kexie.Errorf(kexie.CodeInvalid, "err.meeting_term", "a meeting of this term is held between %s and %s", started, ended)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO meetings (term_id, held, place, mode, agenda, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			termID, m.Held, m.Place, m.Mode, m.Agenda, tx.Now()).Scan(&id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO attendance (meeting_id, seat_id, status)
			SELECT $1, id, 'absent_excused' FROM seats WHERE term_id = $2 AND seated <= $3 AND (left_on = '' OR left_on > $3)`, id, termID, m.Held)
		if err := seatsArrived(ctx, tx, res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "meeting.create", ObjectType: "meeting", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"term_id": termID, "held": m.Held, "place": m.Place, "mode": m.Mode}})
	})
	return id, err
}

// MeetingByID reads a meeting with its body.
func (svc *Service) MeetingByID(ctx context.Context, id int64) (Meeting, error) {
	var m Meeting
	var kind string
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT m.id, m.term_id, b.id, b.org_id, b.kind, m.held, m.place, m.mode, m.agenda
		FROM meetings m JOIN terms t ON t.id = m.term_id JOIN bodies b ON b.id = t.body_id WHERE m.id = $1`, id).
		Scan(&m.ID, &m.TermID, &m.BodyID, &m.OrgID, &kind, &m.Held, &m.Place, &m.Mode, &m.Agenda)
	if errors.Is(err, sql.ErrNoRows) {
		return m, kexie.Errorf(kexie.CodeNotFound, "err.meeting_not_found", "no such meeting")
	}
	m.BodyKind = charter.BodyKind(kind)
	return m, sqldb.MapErr(err)
}

// Presence is one seat's attendance; a represented seat names its proxy's
// seat.
type Presence struct {
	SeatID    int64
	Status    charter.Attendance
	ProxySeat int64
}

// SetAttendance records the attendance of the meeting's seats (those not
// listed keep theirs). Proxies follow the charter: the proxy holds a seat
// of the same meeting and is present; no chains, no self-delegation, one
// proxy per seat.
func (svc *Service) SetAttendance(ctx context.Context, actor kexie.Actor, meetingID int64, list []Presence) error {
	if len(list) > maxListed {
		return kexie.Errorf(kexie.CodeInvalid, "err.attendance_size", "an attendance list has at most %v seats", kexie.CountOf("count.seats", maxListed))
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := manageMeeting(ctx, tx, meetingID, notFound("err.meeting_not_found", "meeting")); err != nil {
			return err
		}
		if err := lockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		m, err := meeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if open, err := openVotes(ctx, tx, meetingID); err != nil {
			return err
		} else if open > 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.motion_open", "attendance is fixed while a vote is open")
		}
		if err := syncSeats(ctx, tx, m); err != nil {
			return err
		}
		att, proxies, err := attendance(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		for _, p := range list {
			if _, ok := att[p.SeatID]; !ok {
				return kexie.Errorf(kexie.CodeInvalid, "err.seat_not_at_meeting", "seat %d does not sit at this meeting", p.SeatID)
			}
			switch p.Status {
			case charter.Present, charter.AbsentExcused, charter.AbsentUnexcused:
				delete(proxies, p.SeatID)
			case charter.RepresentedProxy:
				proxies[p.SeatID] = p.ProxySeat
			default:
				return kexie.Errorf(kexie.CodeInvalid, "err.attendance", "unknown attendance %q", string(p.Status))
			}
			att[p.SeatID] = p.Status
		}
		byName, entrust := map[string]charter.Attendance{}, []charter.Proxy{}
		for seat, a := range att {
			byName[strconv.FormatInt(seat, 10)] = a
		}
		// In seat order: the refusal then names the same entrustment every
		// time (a map's order named one holder or the other at random).
		froms := slices.Sorted(maps.Keys(proxies))
		for _, from := range froms {
			entrust = append(entrust, charter.Proxy{From: strconv.FormatInt(from, 10), To: strconv.FormatInt(proxies[from], 10)})
		}
		if err := charter.CheckProxies(byName, entrust); err != nil {
			return proxyRefusal(ctx, tx, err)
		}
		if err := writeAttendance(ctx, tx, meetingID, list); err != nil {
			return err
		}
		changes := map[string]any{}
		for _, p := range list {
			changes[strconv.FormatInt(p.SeatID, 10)] = string(p.Status)
		}
		return tx.Audit(ctx, sqldb.Change{Action: "meeting.attendance", ObjectType: "meeting", ObjectID: strconv.FormatInt(meetingID, 10), OrgID: m.OrgID,
			After: changes})
	})
}

// writeAttendance stores a list of attendance marks in a statement per
// thousand seats (CASE by seat), not one per seat: a list of ten thousand
// held the write lock, and every other write, for as many round trips.
func writeAttendance(ctx context.Context, tx *sqldb.Tx, meetingID int64, list []Presence) error {
	const chunk = 1000 // three parameters a seat, well under either engine's limit
	for len(list) > 0 {
		part := list[:min(chunk, len(list))]
		list = list[len(part):]
		var args []any
		arg := sqldb.Args(&args)
		var status, proxy, in strings.Builder
		for i, p := range part {
			var ps any
			if p.Status == charter.RepresentedProxy {
				ps = p.ProxySeat
			}
			seat := arg(p.SeatID)
			status.WriteString(" WHEN " + seat + " THEN " + arg(string(p.Status)))
			proxy.WriteString(" WHEN " + seat + " THEN CAST(" + arg(ps) + " AS BIGINT)")
			if i > 0 {
				in.WriteString(", ")
			}
			in.WriteString(seat)
		}
		q := `UPDATE attendance SET status = CASE seat_id` + status.String() + ` END, proxy_seat = CASE seat_id` + proxy.String() +
			` END, marked = TRUE WHERE meeting_id = ` + arg(meetingID) + ` AND seat_id IN (` + in.String() + `)`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// proxyRefusal says a refused entrustment (charter.CheckProxies) with the
// names of the seat holders concerned, one message key per reason.
func proxyRefusal(ctx context.Context, tx *sqldb.Tx, err error) error {
	var pe *charter.ProxyError
	if !errors.As(err, &pe) {
		return kexie.Wrap(kexie.CodeInvalid, "err.proxy", err.Error(), err)
	}
	name := func(seat string) string {
		var n string
		if tx.QueryRowContext(ctx, `SELECT p.name FROM seats s JOIN people p ON p.id = s.person_id WHERE s.id = $1`, seat).Scan(&n) != nil {
			return seat
		}
		return n
	}
	from, to := name(pe.From), ""
	if pe.To != "" {
		to = name(pe.To)
	}
	switch {
	case errors.Is(err, charter.ErrProxyHeld):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_held", "%v already holds the proxy of %v: %v entrusts someone else", to, name(pe.Other), from)
	case errors.Is(err, charter.ErrProxyAbsent):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_absent", "%v entrusts %v, who is not marked present", from, to)
	case errors.Is(err, charter.ErrProxyChain):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_chain", "%v entrusts %v, who is represented by a proxy: no chains", from, to)
	case errors.Is(err, charter.ErrSelfProxy):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_self", "%v cannot hold their own proxy", from)
	case errors.Is(err, charter.ErrProxyPresence):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_present", "%v is marked present and votes in person: no proxy", from)
	case errors.Is(err, charter.ErrProxyNobody):
		return kexie.Errorf(kexie.CodeInvalid, "err.proxy_nobody", "%v is marked represented: choose who holds the proxy", from)
	}
	return kexie.Errorf(kexie.CodeInvalid, "err.proxy_seat", "%v: the proxy is a holder of a seat at this meeting", from)
}

func meeting(ctx context.Context, tx *sqldb.Tx, id int64) (Meeting, error) {
	var m Meeting
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT m.id, m.term_id, b.id, b.org_id, b.kind, m.held FROM meetings m JOIN terms t ON t.id = m.term_id
		JOIN bodies b ON b.id = t.body_id WHERE m.id = $1`, id).Scan(&m.ID, &m.TermID, &m.BodyID, &m.OrgID, &kind, &m.Held)
	if errors.Is(err, sql.ErrNoRows) {
		return m, kexie.Errorf(kexie.CodeNotFound, "err.meeting_not_found", "no such meeting")
	}
	m.BodyKind = charter.BodyKind(kind)
	return m, err
}

func attendance(ctx context.Context, tx *sqldb.Tx, meetingID int64) (map[int64]charter.Attendance, map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seat_id, status, COALESCE(proxy_seat, 0) FROM attendance WHERE meeting_id = $1`, meetingID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	att, proxies := map[int64]charter.Attendance{}, map[int64]int64{}
	for rows.Next() {
		var seat, proxy int64
		var status string
		if err := rows.Scan(&seat, &status, &proxy); err != nil {
			return nil, nil, err
		}
		att[seat] = charter.Attendance(status)
		if proxy != 0 {
			proxies[seat] = proxy
		}
	}
	return att, proxies, rows.Err()
}

// openVotes counts a meeting's open motions and elections: while one is
// open, attendance (and so the quorum and who votes) stays as it is.
func openVotes(ctx context.Context, tx *sqldb.Tx, meetingID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM motions WHERE meeting_id = $1 AND state = 'open')
		+ (SELECT COUNT(*) FROM elections WHERE meeting_id = $1 AND state = 'open')`, meetingID).Scan(&n)
	return n, err
}

// lockMeeting takes the meeting's row for the rest of the transaction, so
// that taking attendance and opening votes happen one after the other on
// PostgreSQL too (SQLite has one writer anyway).
func lockMeeting(ctx context.Context, tx *sqldb.Tx, meetingID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE meetings SET id = id WHERE id = $1`, meetingID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kexie.Errorf(kexie.CodeNotFound, "err.meeting_not_found", "no such meeting")
	}
	return nil
}

// syncSeats brings a meeting's attendance in line with the seats held on
// its day — a seat ended since, or one taken since, changes who sits —
// while no vote is open.
func syncSeats(ctx context.Context, tx *sqldb.Tx, m Meeting) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM attendance WHERE meeting_id = $1 AND seat_id NOT IN
		(SELECT id FROM seats WHERE term_id = $2 AND seated <= $3 AND (left_on = '' OR left_on > $3))
		AND seat_id NOT IN (SELECT seat_id FROM motion_votes v JOIN motions mo ON mo.id = v.motion_id WHERE mo.meeting_id = $1)
		AND seat_id NOT IN (SELECT seat_id FROM election_voters v JOIN elections e ON e.id = v.election_id WHERE e.meeting_id = $1)`,
		m.ID, m.TermID, m.Held); err != nil {
		return err
	}
	// A proxy held by a seat that left no longer holds.
	if _, err := tx.ExecContext(ctx, `UPDATE attendance SET status = 'absent_excused', proxy_seat = NULL
		WHERE meeting_id = $1 AND proxy_seat IS NOT NULL AND proxy_seat NOT IN (SELECT seat_id FROM attendance WHERE meeting_id = $1)`, m.ID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO attendance (meeting_id, seat_id, status)
		SELECT $1, id, 'absent_excused' FROM seats WHERE term_id = $2 AND seated <= $3 AND (left_on = '' OR left_on > $3)
		AND id NOT IN (SELECT seat_id FROM attendance WHERE meeting_id = $1)`, m.ID, m.TermID, m.Held)
	return seatsArrived(ctx, tx, res, err)
}

// seatsArrived follows the insert of seats into a meeting's attendance
// (res, err). A congress's thousands of seats arrive at once, and until
// PostgreSQL's statistics count them (autovacuum comes by within a minute
// or more) its planner reads the voting rule's look-up of a voter's seats
// (SeatsVotedBy) as a scan of the whole table, tens of milliseconds at
// every ballot: they are refreshed here, with the rows, in the same
// transaction. SQLite plans those look-ups by their indexes alone.
func seatsArrived(ctx context.Context, tx *sqldb.Tx, res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n >= analyzeAttendanceAfter && tx.DB().Dialect() == sqldb.Postgres {
		_, err = tx.ExecContext(ctx, `ANALYZE attendance`)
		return err
	}
	return nil
}

// analyzeAttendanceAfter is how many seats new to a meeting's attendance
// make PostgreSQL's statistics of the table worth refreshing at once.
const analyzeAttendanceAfter = 500

// openingVote prepares a meeting for a vote: its row taken, and, when no
// other vote is open, its attendance brought in line with the seats held.
func openingVote(ctx context.Context, tx *sqldb.Tx, meetingID int64) (Meeting, error) {
	if err := lockMeeting(ctx, tx, meetingID); err != nil {
		return Meeting{}, err
	}
	m, err := meeting(ctx, tx, meetingID)
	if err != nil {
		return m, err
	}
	open, err := openVotes(ctx, tx, meetingID)
	if err != nil || open > 0 {
		return m, err
	}
	return m, syncSeats(ctx, tx, m)
}

// voteRule opens the way to a vote at a meeting: the meeting prepared
// (openingVote), its quorum met, and the charter's rule for the decision.
func voteRule(ctx context.Context, tx *sqldb.Tx, meetingID int64, d charter.Decision, recused map[int64]bool) (Meeting, charter.QuorumState, charter.BodyRules, charter.Fraction, error) {
	m, err := openingVote(ctx, tx, meetingID)
	if err != nil {
		return m, charter.QuorumState{}, charter.BodyRules{}, charter.Fraction{}, err
	}
	q, rules, c, err := quorumWithout(ctx, tx, m, recused)
	if err != nil {
		return m, q, rules, charter.Fraction{}, err
	}
	if !q.Met {
		return m, q, rules, charter.Fraction{}, errNoQuorum(q)
	}
	rule, err := c.Threshold(m.BodyKind, d)
	if err != nil {
		return m, q, rules, rule, kexie.Wrap(kexie.CodeInvalid, "err.motion_rule", err.Error(), err)
	}
	return m, q, rules, rule, nil
}

// seatVotes tells whether a seat with this attendance votes: present, or
// represented (its proxy votes for it) where proxies count.
func seatVotes(status string, proxiesCount bool) bool {
	return status == string(charter.Present) || (status == string(charter.RepresentedProxy) && proxiesCount)
}

// quorum computes a meeting's quorum live from its attendance.
func quorum(ctx context.Context, tx *sqldb.Tx, m Meeting) (charter.QuorumState, charter.BodyRules, charter.Charter, error) {
	return quorumWithout(ctx, tx, m, nil)
}

// quorumWithout is the quorum for a motion some seats are recused from:
// they are neither entitled nor present for it (a holder in conflict with
// what is decided does not make the quorum that decides it).
func quorumWithout(ctx context.Context, tx *sqldb.Tx, m Meeting, recused map[int64]bool) (charter.QuorumState, charter.BodyRules, charter.Charter, error) {
	c, err := charterOf(ctx, tx, m.OrgID)
	if err != nil {
		return charter.QuorumState{}, charter.BodyRules{}, c, err
	}
	rules, ok := c.Bodies[m.BodyKind]
	if !ok || !rules.Quorum.Valid() {
		return charter.QuorumState{}, rules, c, kexie.Errorf(kexie.CodeConflict, "err.charter_body", "the charter sets no rules for the %s", string(m.BodyKind))
	}
	seats, err := attendanceInForce(ctx, tx, m, recused)
	if err != nil {
		return charter.QuorumState{}, rules, c, err
	}
	return charter.Quorum(rules, seats), rules, c, nil
}

// attendanceInForce is a meeting's attendance as the next vote will take
// it (syncSeats, which opening a vote runs): the seats held on the meeting's
// day, and those that have voted at it, as marked; a proxy whose holder is
// no longer among them no longer holds (absent, excused); a seat held and
// not yet marked is absent, excused. The quorum a page shows and the one a
// vote is refused by are one computation (a new term that ended the seats
// made a page say "met, 3/3" while the vote said "0/0").
func attendanceInForce(ctx context.Context, tx *sqldb.Tx, m Meeting, recused map[int64]bool) ([]charter.Attendance, error) {
	att, proxies, err := attendance(ctx, tx, m.ID)
	if err != nil {
		return nil, err
	}
	keep := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM seats WHERE term_id = $1 AND seated <= $2 AND (left_on = '' OR left_on > $2)
		UNION SELECT seat_id FROM motion_votes v JOIN motions mo ON mo.id = v.motion_id WHERE mo.meeting_id = $3
		UNION SELECT seat_id FROM election_voters v JOIN elections e ON e.id = v.election_id WHERE e.meeting_id = $3`, m.TermID, m.Held, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var seat int64
		if err := rows.Scan(&seat); err != nil {
			return nil, err
		}
		keep[seat] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []charter.Attendance
	for seat := range keep {
		if recused[seat] {
			continue
		}
		a, marked := att[seat]
		switch {
		case !marked:
			a = charter.AbsentExcused
		case a == charter.RepresentedProxy:
			if _, holderMarked := att[proxies[seat]]; !holderMarked || !keep[proxies[seat]] {
				a = charter.AbsentExcused
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// MeetingQuorum is a meeting's quorum now: entitled, present, represented,
// required, met.
func (svc *Service) MeetingQuorum(ctx context.Context, meetingID int64) (charter.QuorumState, error) {
	var q charter.QuorumState
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		m, err := meeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		q, _, _, err = quorum(ctx, tx, m)
		return err
	})
	return q, err
}

// OpenMotion puts a motion to the vote; refused while the meeting has no
// quorum.
func (svc *Service) OpenMotion(ctx context.Context, actor kexie.Actor, meetingID int64, title string, d charter.Decision, countedBy string) (int64, error) {
	var id int64
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var err error
		id, err = OpenMotionIn(ctx, tx, meetingID, title, d, countedBy, nil)
		return err
	})
	return id, err
}

// OpenMotionIn puts a motion to the vote inside another domain's
// transaction (an award panel's vote on a nomination), with the seats
// recused from it: their holders do not vote on it, nor does a seat whose
// proxy one of them holds; the quorum is measured without them
// (quorumWithout). The actor needs governance.manage on the meeting's
// organisation, as for any motion.
func OpenMotionIn(ctx context.Context, tx *sqldb.Tx, meetingID int64, title string, d charter.Decision, countedBy string, recused []int64) (int64, error) {
	known := false
	for _, k := range charter.Decisions {
		known = known || k == d
	}
	if err := manageMeeting(ctx, tx, meetingID, notFound("err.meeting_not_found", "meeting")); err != nil {
		return 0, err
	}
	if !known || title == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.motion", "a motion needs a title and a decision type")
	}
	if err := plainText(title); err != nil {
		return 0, err
	}
	if countedBy == "" {
		countedBy = "electronic"
	}
	if countedBy != "electronic" && countedBy != "clerk" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.motion", "votes are cast electronically or counted by the clerk")
	}
	out := map[int64]bool{}
	if len(recused) > 0 {
		if _, err := openingVote(ctx, tx, meetingID); err != nil {
			return 0, err
		}
		att, proxies, err := attendance(ctx, tx, meetingID)
		if err != nil {
			return 0, err
		}
		for _, seat := range recused {
			if _, ok := att[seat]; ok {
				out[seat] = true
			}
		}
		for seat, holder := range proxies {
			if out[holder] && att[seat] == charter.RepresentedProxy {
				out[seat] = true
			}
		}
	}
	m, q, rules, rule, err := voteRule(ctx, tx, meetingID, d, out)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO motions (meeting_id, title, decision, counted_by, rule, rule_code, proxies_count, opened_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		meetingID, title, string(d), countedBy, rule.String(), encodeRule(rule), rules.ProxiesCount, tx.Now()).Scan(&id); err != nil {
		return 0, err
	}
	for _, seat := range slices.Sorted(maps.Keys(out)) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO motion_recusals (motion_id, seat_id) VALUES ($1, $2)`, id, seat); err != nil {
			return 0, err
		}
	}
	return id, tx.Audit(ctx, sqldb.Change{Action: "motion.open", ObjectType: "motion", ObjectID: strconv.FormatInt(id, 10), OrgID: m.OrgID,
		After: map[string]any{"meeting_id": meetingID, "title": title, "decision": string(d), "rule": rule.String(), "counted_by": countedBy,
			"entitled": q.Entitled, "present": q.Present, "represented": q.Represented, "recused": len(out)}})
}

// recusedFrom is the set of seats recused from a motion.
func recusedFrom(ctx context.Context, tx *sqldb.Tx, motionID int64) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seat_id FROM motion_recusals WHERE motion_id = $1`, motionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var seat int64
		if err := rows.Scan(&seat); err != nil {
			return nil, err
		}
		out[seat] = true
	}
	return out, rows.Err()
}

// CastVote records the vote of a seat on an open motion counted
// electronically: the seat must be present, or represented (its proxy
// votes for it); one vote per seat, atomically (the key refuses a second).
// Who may cast for a seat — its holder, or the holder of its proxy — is
// checked by the caller.
func (svc *Service) CastVote(ctx context.Context, actor kexie.Actor, motionID, seatID int64, vote string) error {
	if vote != "yes" && vote != "no" && vote != "abstain" {
		return kexie.Errorf(kexie.CodeInvalid, "err.vote", "a vote is yes, no or abstain")
	}
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var meetingID int64
		var state, countedBy, ruleCode string
		var proxiesCount bool
		// The motion's row taken first: a vote and the close of its motion
		// happen one after the other.
		if _, err := tx.ExecContext(ctx, `UPDATE motions SET state = state WHERE id = $1`, motionID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT meeting_id, state, counted_by, rule_code, proxies_count FROM motions WHERE id = $1`, motionID).
			Scan(&meetingID, &state, &countedBy, &ruleCode, &proxiesCount)
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
		}
		if err != nil {
			return err
		}
		if state != "open" || countedBy != "electronic" {
			return kexie.Errorf(kexie.CodeConflict, "err.motion_closed", "this motion takes no votes")
		}
		m, err := meeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if ruleCode == "" {
			// Put before the rule was kept with the motion: the charter's now.
			c, err := charterOf(ctx, tx, m.OrgID)
			if err != nil {
				return err
			}
			proxiesCount = c.Bodies[m.BodyKind].ProxiesCount
		}
		recused, err := recusedFrom(ctx, tx, motionID)
		if err != nil {
			return err
		}
		if recused[seatID] {
			return kexie.Errorf(kexie.CodeForbidden, "err.vote_recused", "this seat is recused from this motion")
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM attendance WHERE meeting_id = $1 AND seat_id = $2`, meetingID, seatID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !seatVotes(status, proxiesCount)) {
			return kexie.Errorf(kexie.CodeForbidden, "err.vote_seat", "this seat does not vote at this meeting")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO motion_votes (motion_id, seat_id, vote) VALUES ($1, $2, $3)`, motionID, seatID, vote); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "motion.vote", ObjectType: "motion", ObjectID: strconv.FormatInt(motionID, 10), OrgID: m.OrgID,
			After: map[string]any{"seat_id": seatID, "vote": vote}})
	})
	if errors.Is(err, kexie.ErrConflict) && kexie.AsError(err).Key == "err.conflict" {
		return kexie.Errorf(kexie.CodeConflict, "err.vote_twice", "this seat has voted on this motion already")
	}
	return err
}

// CloseMotion closes an open motion and decides it by the charter's rule:
// an electronic motion by the votes cast, a clerk's by the tally given
// (recorded as such).
func (svc *Service) CloseMotion(ctx context.Context, actor kexie.Actor, motionID int64, clerk *charter.Tally) (charter.Outcome, error) {
	var out charter.Outcome
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var err error
		out, err = CloseMotionIn(ctx, tx, motionID, clerk)
		return err
	})
	return out, err
}

// CloseMotionIn is CloseMotion inside another domain's transaction; the
// quorum and the count leave out the seats recused from the motion.
func CloseMotionIn(ctx context.Context, tx *sqldb.Tx, motionID int64, clerk *charter.Tally) (charter.Outcome, error) {
	var out charter.Outcome
	err := func() error {
		var meetingID int64
		var state, countedBy, decision, ruleCode string
		var proxiesCount bool
		if _, err := tx.ExecContext(ctx, `UPDATE motions SET state = state WHERE id = $1`, motionID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT meeting_id, state, counted_by, decision, rule_code, proxies_count FROM motions WHERE id = $1`, motionID).
			Scan(&meetingID, &state, &countedBy, &decision, &ruleCode, &proxiesCount)
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
		}
		if err != nil {
			return err
		}
		if err := manageMeeting(ctx, tx, meetingID, notFound("err.motion_not_found", "motion")); err != nil {
			return err
		}
		if state != "open" {
			return kexie.Errorf(kexie.CodeConflict, "err.motion_closed", "this motion is closed")
		}
		m, err := meeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		recused, err := recusedFrom(ctx, tx, motionID)
		if err != nil {
			return err
		}
		q, _, c, err := quorumWithout(ctx, tx, m, recused)
		if err != nil {
			return err
		}
		var t charter.Tally
		switch {
		case countedBy == "clerk" && clerk == nil:
			return kexie.Errorf(kexie.CodeInvalid, "err.motion_tally", "the clerk's count is needed to close this motion")
		case countedBy == "clerk":
			t = *clerk
		case clerk != nil:
			return kexie.Errorf(kexie.CodeInvalid, "err.motion_tally", "this motion was voted electronically: its votes are counted, not entered")
		default:
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN vote = 'yes' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN vote = 'no' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN vote = 'abstain' THEN 1 ELSE 0 END), 0)
				FROM motion_votes WHERE motion_id = $1`, motionID).Scan(&t.Yes, &t.No, &t.Abstain); err != nil {
				return err
			}
		}
		// The rule in force when the motion was put (motions from before it
		// was kept: the charter's now).
		rule, err := decodeRule(ruleCode)
		if ruleCode == "" {
			rule, err = c.Threshold(m.BodyKind, charter.Decision(decision))
			proxiesCount = c.Bodies[m.BodyKind].ProxiesCount
		}
		if err != nil {
			return err
		}
		if out, err = charter.Decide(rule, t, q, proxiesCount); err != nil {
			return kexie.Wrap(kexie.CodeInvalid, "err.motion_tally", err.Error(), err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE motions SET state = 'closed', yes = $1, no = $2, abstain = $3, base = $4, required = $5, passed = $6, closed_at = $7
			WHERE id = $8`, t.Yes, t.No, t.Abstain, out.Base, out.Required, out.Passed, tx.Now(), motionID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "motion.close", ObjectType: "motion", ObjectID: strconv.FormatInt(motionID, 10), OrgID: m.OrgID,
			After: map[string]any{"yes": t.Yes, "no": t.No, "abstain": t.Abstain, "base": out.Base, "required": out.Required, "passed": out.Passed,
				"rule": rule.String(), "counted_by": countedBy, "recused": len(recused)}})
	}()
	return out, err
}

// Meetings lists a term's meetings, newest first.
func (svc *Service) Meetings(ctx context.Context, termID int64) ([]Meeting, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT m.id, m.term_id, b.id, b.org_id, b.kind, m.held, m.place, m.mode, m.agenda
		FROM meetings m JOIN terms t ON t.id = m.term_id JOIN bodies b ON b.id = t.body_id WHERE m.term_id = $1 ORDER BY m.held DESC, m.id DESC`, termID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		var m Meeting
		var kind string
		if err := rows.Scan(&m.ID, &m.TermID, &m.BodyID, &m.OrgID, &kind, &m.Held, &m.Place, &m.Mode, &m.Agenda); err != nil {
			return nil, sqldb.MapErr(err)
		}
		m.BodyKind = charter.BodyKind(kind)
		out = append(out, m)
	}
	return out, sqldb.MapErr(rows.Err())
}

// AttendanceRow is a seat at a meeting: its holder, post, attendance and,
// when represented, who holds its proxy.
type AttendanceRow struct {
	Seat      Seat
	Status    charter.Attendance
	ProxySeat int64
	ProxyName string
	Marked    bool // attendance was taken (a new meeting's seats are not marked)
}

// Attendance lists a meeting's seats, leaders first.
func (svc *Service) Attendance(ctx context.Context, meetingID int64) ([]AttendanceRow, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+seatColumns+`, a.status, COALESCE(a.proxy_seat, 0), COALESCE(pp.name, ''), a.marked
		FROM attendance a JOIN seats s ON s.id = a.seat_id JOIN people p ON p.id = s.person_id
		LEFT JOIN seats ps ON ps.id = a.proxy_seat LEFT JOIN people pp ON pp.id = ps.person_id
		WHERE a.meeting_id = $1`+postOrder, meetingID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []AttendanceRow
	for rows.Next() {
		var r AttendanceRow
		s := &r.Seat
		var status string
		if err := rows.Scan(&s.ID, &s.TermID, &s.PersonID, &s.Name, &s.Post, &s.FrontLine, &s.AgeBand, &s.Seated, &s.LeftOn, &s.LeftWhy,
			&status, &r.ProxySeat, &r.ProxyName, &r.Marked); err != nil {
			return nil, sqldb.MapErr(err)
		}
		r.Status = charter.Attendance(status)
		out = append(out, r)
	}
	return out, sqldb.MapErr(rows.Err())
}

// Motion is a motion and, once closed, its outcome.
type Motion struct {
	ID, MeetingID      int64
	Title              string
	Decision           charter.Decision
	CountedBy, State   string
	Yes, No, Abstain   int
	Base, Required     int
	Passed             bool
	Rule               string
	OpenedAt, ClosedAt time.Time
	Voted              int // votes cast electronically so far: the turnout a clerk watches while the vote is open
}

// Motions lists a meeting's motions in the order they were put.
func (svc *Service) Motions(ctx context.Context, meetingID int64) ([]Motion, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, meeting_id, title, decision, counted_by, state, yes, no, abstain, base, required, passed, rule, opened_at,
		closed_at, (SELECT COUNT(*) FROM motion_votes v WHERE v.motion_id = motions.id) FROM motions WHERE meeting_id = $1 ORDER BY id`, meetingID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Motion
	for rows.Next() {
		var m Motion
		var d string
		var closed sql.NullTime
		if err := rows.Scan(&m.ID, &m.MeetingID, &m.Title, &d, &m.CountedBy, &m.State, &m.Yes, &m.No, &m.Abstain, &m.Base, &m.Required, &m.Passed,
			&m.Rule, &m.OpenedAt, &closed, &m.Voted); err != nil {
			return nil, sqldb.MapErr(err)
		}
		m.Decision, m.ClosedAt = charter.Decision(d), closed.Time
		out = append(out, m)
	}
	return out, sqldb.MapErr(rows.Err())
}

// MotionByID reads a motion.
func (svc *Service) MotionByID(ctx context.Context, id int64) (Motion, error) {
	var meetingID int64
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT meeting_id FROM motions WHERE id = $1`, id).Scan(&meetingID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Motion{}, kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
		}
		return Motion{}, sqldb.MapErr(err)
	}
	all, err := svc.Motions(ctx, meetingID)
	if err != nil {
		return Motion{}, err
	}
	for _, m := range all {
		if m.ID == id {
			return m, nil
		}
	}
	return Motion{}, kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
}

// SeatsVotedBy lists the seats at a meeting a person may vote for: their
// own (present), and those represented by a proxy they hold.
func (svc *Service) SeatsVotedBy(ctx context.Context, meetingID, personID int64) ([]int64, error) {
	// From the person's few seats to the attendance rows by key, not the
	// other way round: a congress has thousands of seats. (The unary plus
	// keeps SQLite from scanning the meeting's rows by its key prefix
	// instead of using attendance_proxy.)
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT seat_id FROM attendance
		WHERE meeting_id = $1 AND status = 'present' AND seat_id IN (SELECT id FROM seats WHERE person_id = $2)
		UNION SELECT seat_id FROM attendance
		WHERE proxy_seat IS NOT NULL AND proxy_seat IN (SELECT id FROM seats WHERE person_id = $2) AND +meeting_id = $1 AND status = 'proxy'`, meetingID, personID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, id)
	}
	return out, sqldb.MapErr(rows.Err())
}

// PersonOfUser is the holder a member's account is linked to (0: none).
func (svc *Service) PersonOfUser(ctx context.Context, userID int64) (int64, error) {
	var p sql.NullInt64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT person_id FROM users WHERE id = $1`, userID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return p.Int64, sqldb.MapErr(err)
}

// HoldsSeatAt tells whether a person holds one of the seats sitting at a
// meeting (whatever their attendance).
func (svc *Service) HoldsSeatAt(ctx context.Context, meetingID, personID int64) (bool, error) {
	var ok bool
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attendance WHERE meeting_id = $1 AND seat_id IN (SELECT id FROM seats WHERE person_id = $2))`,
		meetingID, personID).Scan(&ok)
	return ok, sqldb.MapErr(err)
}

// HoldersIn lists, inside another domain's transaction, the seats sitting
// at a meeting and the person holding each (an award panel's conflicts
// are found person by person); not found for a meeting that does not
// exist.
func HoldersIn(ctx context.Context, tx *sqldb.Tx, meetingID int64) (map[int64]int64, Meeting, error) {
	m, err := meeting(ctx, tx, meetingID)
	if err != nil {
		return nil, m, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.seat_id, s.person_id FROM attendance a JOIN seats s ON s.id = a.seat_id WHERE a.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, m, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var seat, person int64
		if err := rows.Scan(&seat, &person); err != nil {
			return nil, m, err
		}
		out[seat] = person
	}
	return out, m, rows.Err()
}

package governance

import (
	"context"

	"github.com/kexie/kexie/internal/charter"

	"github.com/kexie/kexie/internal/sqldb"
)

// Reads the governance pages need beyond the use cases: who has voted on
// a motion (motions are open votes), which seats have taken their ballot
// in an election (the poll book, never what a ballot says), and the
// meetings a seat holder sits at.

// MotionVotes is the vote of each seat that has voted on a motion, by
// seat. Motions are open votes, so a seat's vote is not secret.
func (svc *Service) MotionVotes(ctx context.Context, motionID int64) (map[int64]string, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT seat_id, vote FROM motion_votes WHERE motion_id = $1`, motionID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var seat int64
		var vote string
		if err := rows.Scan(&seat, &vote); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out[seat] = vote
	}
	return out, sqldb.MapErr(rows.Err())
}

// SeatMeeting is a meeting at which a person holds a seat, with the names
// a list of them shows.
type SeatMeeting struct {
	Meeting
	OrgCode                    string
	OrgNameZH                  string
	OrgNameEN                  string
	BodyNameZH                 string
	BodyNameEN                 string
	TermNumber                 int
	Status                     charter.Attendance // the person's own seat's attendance
	HoldsProxy                 bool               // the person also holds another seat's proxy
	OpenMotions, OpenElections int                // votes open now
}

// MeetingsOfPerson lists the meetings (newest first, at most limit) at
// which a person holds a seat — the meetings a member's own account may
// vote at, when present or holding a proxy.
func (svc *Service) MeetingsOfPerson(ctx context.Context, personID int64, limit int) ([]SeatMeeting, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT m.id, m.term_id, b.id, b.org_id, b.kind, m.held, m.place, m.mode, m.agenda,
			o.code, o.name_zh, o.name_en, b.name_zh, b.name_en, t.number, a.status,
			(SELECT COUNT(*) FROM attendance pa JOIN seats ps ON ps.id = pa.proxy_seat
				WHERE pa.meeting_id = m.id AND pa.status = 'proxy' AND ps.person_id = $1),
			(SELECT COUNT(*) FROM motions mo WHERE mo.meeting_id = m.id AND mo.state = 'open' AND mo.counted_by = 'electronic'),
			(SELECT COUNT(*) FROM elections e WHERE e.meeting_id = m.id AND e.state = 'open')
		FROM attendance a JOIN seats s ON s.id = a.seat_id JOIN meetings m ON m.id = a.meeting_id
		JOIN terms t ON t.id = m.term_id JOIN bodies b ON b.id = t.body_id JOIN orgs o ON o.id = b.org_id
		WHERE s.person_id = $1 ORDER BY m.held DESC, m.id DESC LIMIT $2`, personID, min(max(limit, 1), 500))
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []SeatMeeting
	for rows.Next() {
		var sm SeatMeeting
		var kind, status string
		var proxies int
		if err := rows.Scan(&sm.ID, &sm.TermID, &sm.BodyID, &sm.OrgID, &kind, &sm.Held, &sm.Place, &sm.Mode, &sm.Agenda,
			&sm.OrgCode, &sm.OrgNameZH, &sm.OrgNameEN, &sm.BodyNameZH, &sm.BodyNameEN, &sm.TermNumber, &status,
			&proxies, &sm.OpenMotions, &sm.OpenElections); err != nil {
			return nil, sqldb.MapErr(err)
		}
		sm.BodyKind, sm.Status, sm.HoldsProxy = charter.BodyKind(kind), charter.Attendance(status), proxies > 0
		out = append(out, sm)
	}
	return out, sqldb.MapErr(rows.Err())
}

package govweb

import (
	"net/http"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The governance JSON API: the same governance use cases and checks as the
// pages (governance.go, meeting_pages.go, voting.go). Staff of the
// organisation (governance.manage) manage bodies, terms, seats, meetings, motions
// and elections; a seat holder votes only for their own seat and the seats
// they hold a proxy for; outside the caller's subtrees everything is 404.

type seatJSON struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	Post      string `json:"post"`
	FrontLine bool   `json:"front_line"`
	AgeBand   string `json:"age_band"`
	Seated    string `json:"seated"`
	LeftOn    string `json:"left_on"`
	LeftWhy   string `json:"left_why"`
}

func toSeatJSON(s governance.Seat) seatJSON {
	return seatJSON{s.ID, s.PersonID, s.Name, s.Post, s.FrontLine, s.AgeBand, s.Seated, s.LeftOn, s.LeftWhy}
}

type termJSON struct {
	ID              int64  `json:"id"`
	Number          int    `json:"number"`
	Started         string `json:"started"`
	PlannedEnd      string `json:"planned_end"`
	Ended           string `json:"ended"`
	ExtensionMonths []int  `json:"extension_months"`
}

func toTermJSON(t governance.Term) termJSON {
	ext := t.ExtensionMonths
	if ext == nil {
		ext = []int{}
	}
	return termJSON{t.ID, t.Number, t.Started, t.PlannedEnd, t.Ended, ext}
}

type bodyJSON struct {
	ID     int64      `json:"id"`
	Kind   string     `json:"kind"`
	NameZH string     `json:"name_zh"`
	NameEN string     `json:"name_en"`
	Term   *termJSON  `json:"term"`
	Seats  []seatJSON `json:"seats"`
}

type leaderJSON struct {
	Term int    `json:"term"`
	Name string `json:"name"`
	Post string `json:"post"`
	From string `json:"from"`
	To   string `json:"to"`
}

func toLeadersJSON(ls []governance.Leader) []leaderJSON {
	out := []leaderJSON{}
	for _, l := range ls {
		out = append(out, leaderJSON{l.Term, l.Name, l.Post, l.From, l.To})
	}
	return out
}

// apiGovernance is an organisation's governance at a glance: its charter,
// bodies with their current term and seats, leaders, findings today.
func (s *handlers) apiGovernance(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ctx := r.Context()
	o, err := web.LoadByCode(r, rq, kexie.PermGovernanceRead, s.reg.Org)
	if err != nil {
		return err
	}
	c, err := s.gov.CharterOf(ctx, o.ID)
	if err != nil {
		return err
	}
	bodies, err := s.gov.Bodies(ctx, o.ID)
	if err != nil {
		return err
	}
	out := struct {
		Org               string            `json:"org"`
		Charter           string            `json:"charter"`
		Bodies            []bodyJSON        `json:"bodies"`
		Leaders           []leaderJSON      `json:"leaders"`
		SuccessiveLeaders []leaderJSON      `json:"successive_leaders"`
		Findings          []charter.Finding `json:"findings"`
	}{Org: o.Code, Charter: c.Name, Bodies: []bodyJSON{}}
	for _, b := range bodies {
		bj := bodyJSON{ID: b.ID, Kind: string(b.Kind), NameZH: b.NameZH, NameEN: b.NameEN, Seats: []seatJSON{}}
		terms, err := s.gov.Terms(ctx, b.ID)
		if err != nil {
			return err
		}
		if len(terms) > 0 {
			tj := toTermJSON(terms[0])
			bj.Term = &tj
			seats, err := s.gov.Seats(ctx, terms[0].ID, s.Today())
			if err != nil {
				return err
			}
			for _, st := range seats {
				bj.Seats = append(bj.Seats, toSeatJSON(st))
			}
		}
		out.Bodies = append(out.Bodies, bj)
	}
	current, err := s.gov.Leaders(ctx, o.ID, false)
	if err != nil {
		return err
	}
	all, err := s.gov.Leaders(ctx, o.ID, true)
	if err != nil {
		return err
	}
	out.Leaders, out.SuccessiveLeaders = toLeadersJSON(current), toLeadersJSON(all)
	if out.Findings, err = s.gov.Findings(ctx, o.ID, s.Day()); err != nil {
		return err
	}
	if out.Findings == nil {
		out.Findings = []charter.Finding{}
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *handlers) apiCreateBody(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermGovernanceManage, s.reg.Org)
	if err != nil {
		return err
	}
	var in struct {
		Kind   string `json:"kind"`
		NameZH string `json:"name_zh"`
		NameEN string `json:"name_en"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := s.gov.CreateBody(r.Context(), rq.Actor(r), o.ID, charter.BodyKind(in.Kind), in.NameZH, in.NameEN)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, bodyJSON{ID: b.ID, Kind: string(b.Kind), NameZH: b.NameZH, NameEN: b.NameEN, Seats: []seatJSON{}})
}

func (s *handlers) apiStartTerm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	b, err := s.gov.Body(r.Context(), rq.Actor(r), kexie.PermGovernanceManage, id)
	if err != nil {
		return err
	}
	var in struct {
		Number     int    `json:"number"`
		Started    string `json:"started"`
		Resolution string `json:"resolution"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.gov.BeginTerm(r.Context(), rq.Actor(r), b.ID, governance.NewTerm{Number: in.Number, Started: in.Started, Resolution: in.Resolution})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toTermJSON(t))
}

// apiTerm loads the term {id} for a caller holding p on its organisation.
func (s *handlers) apiTerm(r *http.Request, rq *web.Request, p kexie.Permission) (governance.Term, int64, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Term{}, 0, err
	}
	return s.gov.Term(r.Context(), rq.Actor(r), p, id)
}

func (s *handlers) apiExtendTerm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	t, _, err := s.apiTerm(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		Months     int    `json:"months"`
		Resolution string `json:"resolution"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.gov.ExtendTerm(r.Context(), rq.Actor(r), t.ID, in.Months, in.Resolution); err != nil {
		return err
	}
	terms, err := s.gov.Terms(r.Context(), t.BodyID)
	if err != nil {
		return err
	}
	for _, x := range terms {
		if x.ID == t.ID {
			return web.WriteJSON(w, http.StatusCreated, toTermJSON(x))
		}
	}
	return kexie.Errorf(kexie.CodeNotFound, "err.term_not_found", "no such term")
}

func (s *handlers) apiAddSeat(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	t, orgID, err := s.apiTerm(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		MemberNo  string `json:"member_no"`
		Post      string `json:"post"`
		FrontLine bool   `json:"front_line"`
		AgeBand   string `json:"age_band"`
		Seated    string `json:"seated"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.mem.MemberByNo(r.Context(), orgID, in.MemberNo)
	if err != nil {
		return err
	}
	id, err := s.gov.AddSeat(r.Context(), rq.Actor(r), t.ID, governance.NewSeat{PersonID: m.PersonID, Post: in.Post, FrontLine: in.FrontLine,
		AgeBand: in.AgeBand, Seated: in.Seated})
	if err != nil {
		return err
	}
	seat, _, err := s.gov.SeatByID(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toSeatJSON(seat))
}

func (s *handlers) apiEndSeat(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, _, err := s.gov.Seat(r.Context(), rq.Actor(r), kexie.PermGovernanceManage, id); err != nil {
		return err
	}
	var in struct {
		Date string `json:"date"`
		Why  string `json:"why"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.gov.EndSeat(r.Context(), rq.Actor(r), id, in.Date, in.Why); err != nil {
		return err
	}
	seat, _, err := s.gov.SeatByID(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toSeatJSON(seat))
}

func (s *handlers) apiCreateMeeting(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	t, _, err := s.apiTerm(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		Held   string `json:"held"`
		Place  string `json:"place"`
		Mode   string `json:"mode"`
		Agenda string `json:"agenda"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.gov.CreateMeeting(r.Context(), rq.Actor(r), t.ID, governance.NewMeeting{Held: in.Held, Place: in.Place, Mode: in.Mode, Agenda: in.Agenda})
	if err != nil {
		return err
	}
	return s.writeMeeting(w, r, id, http.StatusCreated)
}

type motionJSON struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Decision  string `json:"decision"`
	CountedBy string `json:"counted_by"`
	State     string `json:"state"`
	Yes       int    `json:"yes"`
	No        int    `json:"no"`
	Abstain   int    `json:"abstain"`
	Base      int    `json:"base"`
	Required  int    `json:"required"`
	Passed    bool   `json:"passed"`
	Rule      string `json:"rule"`
}

func toMotionJSON(m governance.Motion) motionJSON {
	return motionJSON{m.ID, m.Title, string(m.Decision), m.CountedBy, m.State, m.Yes, m.No, m.Abstain, m.Base, m.Required, m.Passed, m.Rule}
}

type candidateJSON struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Votes    int    `json:"votes"`
	Outcome  string `json:"outcome"`
}

type electionJSON struct {
	ID          int64           `json:"id"`
	Title       string          `json:"title"`
	Seats       int             `json:"seats"`
	Rule        string          `json:"rule"`
	State       string          `json:"state"`
	Issued      int             `json:"issued"`
	Cast        int             `json:"cast"`
	Valid       int             `json:"valid"`
	Invalid     int             `json:"invalid"`
	Required    int             `json:"required"`
	RunoffSeats int             `json:"runoff_seats"`
	Candidates  []candidateJSON `json:"candidates"`
}

func toElectionJSON(e governance.Election) electionJSON {
	out := electionJSON{e.ID, e.Title, e.Seats, e.Rule, e.State, e.Issued, e.Cast, e.Valid, e.Invalid, e.Required, e.RunoffSeats, []candidateJSON{}}
	for _, c := range e.Candidates {
		out.Candidates = append(out.Candidates, candidateJSON{c.PersonID, c.Name, c.Votes, c.Outcome})
	}
	return out
}

// writeMeeting answers with a meeting as it now is: facts, live quorum,
// attendance, motions, elections.
func (s *handlers) writeMeeting(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	ctx := r.Context()
	m, err := s.gov.MeetingByID(ctx, id)
	if err != nil {
		return err
	}
	rec, err := s.loadMeetingRecord(ctx, m)
	if err != nil {
		return err
	}
	type attendanceJSON struct {
		SeatID      int64  `json:"seat_id"`
		PersonID    int64  `json:"person_id"`
		Name        string `json:"name"`
		Post        string `json:"post"`
		Status      string `json:"status"`
		ProxySeatID int64  `json:"proxy_seat_id"`
		Marked      bool   `json:"marked"`
	}
	type quorumJSON struct {
		Entitled    int  `json:"entitled"`
		Present     int  `json:"present"`
		Represented int  `json:"represented"`
		Required    int  `json:"required"`
		Met         bool `json:"met"`
	}
	q := rec.Quorum
	out := struct {
		ID         int64            `json:"id"`
		Org        string           `json:"org"`
		Body       string           `json:"body"`
		Term       int              `json:"term"`
		Held       string           `json:"held"`
		Place      string           `json:"place"`
		Mode       string           `json:"mode"`
		Agenda     string           `json:"agenda"`
		Quorum     quorumJSON       `json:"quorum"`
		Attendance []attendanceJSON `json:"attendance"`
		Motions    []motionJSON     `json:"motions"`
		Elections  []electionJSON   `json:"elections"`
	}{m.ID, rec.Org.Code, string(m.BodyKind), rec.Term.Number, m.Held, m.Place, m.Mode, m.Agenda,
		quorumJSON{q.Entitled, q.Present, q.Represented, q.Required, q.Met}, []attendanceJSON{}, []motionJSON{}, []electionJSON{}}
	for _, a := range rec.Attendance {
		out.Attendance = append(out.Attendance, attendanceJSON{a.Seat.ID, a.Seat.PersonID, a.Seat.Name, a.Seat.Post, string(a.Status), a.ProxySeat, a.Marked})
	}
	for _, mo := range rec.Motions {
		out.Motions = append(out.Motions, toMotionJSON(mo))
	}
	for _, e := range rec.Elections {
		out.Elections = append(out.Elections, toElectionJSON(e))
	}
	return web.WriteJSON(w, status, out)
}

// meetingAccess lets in those who may read the meeting's organisation or
// hold a seat at it — two indexed lookups, since every ballot of a
// congress of thousands passes here; anyone else finds nothing (404).
func (s *handlers) meetingAccess(r *http.Request, rq *web.Request, meetingID int64, notFound error) error {
	return s.gov.Attends(r.Context(), rq.Actor(r), meetingID, notFound)
}

// apiMeeting is a meeting for those who may read its organisation or hold
// a seat at it.
func (s *handlers) apiMeeting(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.meetingAccess(r, rq, id, kexie.Errorf(kexie.CodeNotFound, "err.meeting_not_found", "no such meeting")); err != nil {
		return err
	}
	return s.writeMeeting(w, r, id, http.StatusOK)
}

func (s *handlers) apiSetAttendance(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		Attendance []struct {
			SeatID      int64  `json:"seat_id"`
			Status      string `json:"status"`
			ProxySeatID int64  `json:"proxy_seat_id"`
		} `json:"attendance"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	var list []governance.Presence
	for _, a := range in.Attendance {
		list = append(list, governance.Presence{SeatID: a.SeatID, Status: charter.Attendance(a.Status), ProxySeat: a.ProxySeatID})
	}
	if err := s.gov.SetAttendance(r.Context(), rq.Actor(r), m.ID, list); err != nil {
		return err
	}
	return s.writeMeeting(w, r, m.ID, http.StatusOK)
}

func (s *handlers) apiOpenMotion(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		Title     string `json:"title"`
		Decision  string `json:"decision"`
		CountedBy string `json:"counted_by"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.gov.OpenMotion(r.Context(), rq.Actor(r), m.ID, in.Title, charter.Decision(in.Decision), in.CountedBy)
	if err != nil {
		return err
	}
	mo, err := s.gov.MotionByID(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toMotionJSON(mo))
}

// apiMotion loads the motion {id}; who may do what with it is checked by
// the caller.
func (s *handlers) apiMotion(r *http.Request) (governance.Motion, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Motion{}, err
	}
	return s.gov.MotionByID(r.Context(), id)
}

func (s *handlers) apiCloseMotion(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	mo, _, err := s.clerkMotion(r, rq)
	if err != nil {
		return err
	}
	var in struct {
		Yes     *int `json:"yes"`
		No      *int `json:"no"`
		Abstain *int `json:"abstain"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	var clerk *charter.Tally
	if in.Yes != nil || in.No != nil || in.Abstain != nil {
		clerk = &charter.Tally{Yes: deref(in.Yes), No: deref(in.No), Abstain: deref(in.Abstain)}
	}
	if _, err := s.gov.CloseMotion(r.Context(), rq.Actor(r), mo.ID, clerk); err != nil {
		return err
	}
	if mo, err = s.gov.MotionByID(r.Context(), mo.ID); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toMotionJSON(mo))
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func (s *handlers) apiCastVote(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	mo, err := s.apiMotion(r)
	if err != nil {
		return err
	}
	var in struct {
		SeatID int64  `json:"seat_id"`
		Vote   string `json:"vote"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.gov.MayVoteFor(r.Context(), rq.Actor(r), mo.MeetingID, in.SeatID); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeNotFound {
			return kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
		}
		return err
	}
	if err := s.gov.CastVote(r.Context(), rq.Actor(r), mo.ID, in.SeatID, in.Vote); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, struct {
		MotionID int64  `json:"motion_id"`
		SeatID   int64  `json:"seat_id"`
		Vote     string `json:"vote"`
	}{mo.ID, in.SeatID, in.Vote})
}

func (s *handlers) apiOpenElection(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceManage)
	if err != nil {
		return err
	}
	var in struct {
		Title      string  `json:"title"`
		Seats      int     `json:"seats"`
		Candidates []int64 `json:"candidates"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.vote.OpenElection(r.Context(), rq.Actor(r), m.ID, governance.NewElection{Title: in.Title, Seats: in.Seats, Candidates: in.Candidates})
	if err != nil {
		return err
	}
	e, err := s.vote.ElectionByID(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toElectionJSON(e))
}

// apiElectionFor loads the election {id} for a caller who may read its
// organisation or holds a seat at its meeting.
func (s *handlers) apiElectionFor(r *http.Request, rq *web.Request) (governance.Election, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Election{}, err
	}
	return s.vote.ElectionFor(r.Context(), rq.Actor(r), id)
}

func (s *handlers) apiElection(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := s.apiElectionFor(r, rq)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toElectionJSON(e))
}

// apiCastBallot takes a seat's secret ballot and answers with its receipt,
// once: the receipt is in no URL, log line or row that names the voter.
// A congress votes here: past the token, the election's form (kept) and
// the voting rule (checked in the ballot box, for a batch at once) cost
// the request no query of its own.
func (s *handlers) apiCastBallot(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		SeatID  int64   `json:"seat_id"`
		Choices []int64 `json:"choices"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		// An election that does not exist is not found, whatever the body.
		if _, merr := s.vote.ElectionMeeting(r.Context(), id); merr != nil {
			return merr
		}
		return err
	}
	receipt, err := s.vote.CastBallot(r.Context(), rq.Actor(r), id, in.SeatID, in.Choices, s.Config().Sealer)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.WriteJSON(w, http.StatusCreated, struct {
		Receipt string `json:"receipt"`
	}{receipt})
}

// apiReceipt tells one who votes for a seat whether its ballot is in
// and, until the count, gives its receipt again: a voter whose answer was
// lost (a crash, a dropped connection) is not left with a 409 alone.
func (s *handlers) apiReceipt(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		SeatID int64 `json:"seat_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	st, err := s.vote.Receipt(r.Context(), rq.Actor(r), id, in.SeatID, s.Config().Sealer)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return web.WriteJSON(w, http.StatusOK, struct {
		ElectionID int64  `json:"election_id"`
		SeatID     int64  `json:"seat_id"`
		Voted      bool   `json:"voted"`
		Counted    bool   `json:"counted"`
		Receipt    string `json:"receipt,omitempty"`
	}{id, in.SeatID, st.Voted, st.Counted, st.Receipt})
}

func (s *handlers) apiCloseElection(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, _, err := s.clerkElection(r, rq)
	if err != nil {
		return err
	}
	if _, err := s.vote.CloseElection(r.Context(), rq.Actor(r), e.ID, s.Config().Sealer); err != nil {
		return err
	}
	if e, err = s.vote.ElectionByID(r.Context(), e.ID); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toElectionJSON(e))
}

// apiBallots is the published ballot list, after the count: each receipt
// and what its ballot approved.
func (s *handlers) apiBallots(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, err := s.apiElectionFor(r, rq)
	if err != nil {
		return err
	}
	list, err := s.vote.Ballots(r.Context(), e.ID)
	if err != nil {
		return err
	}
	type ballotJSON struct {
		Receipt string  `json:"receipt"`
		Choices []int64 `json:"choices"`
		Invalid bool    `json:"invalid"`
	}
	out := struct {
		ElectionID int64        `json:"election_id"`
		Ballots    []ballotJSON `json:"ballots"`
	}{e.ID, []ballotJSON{}}
	for _, b := range list {
		c := b.Choices
		if c == nil {
			c = []int64{}
		}
		out.Ballots = append(out.Ballots, ballotJSON{b.Receipt, c, b.Invalid})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiCharter is the charter an organisation follows: every body's rules
// as exact fractions and settings.
func (s *handlers) apiCharter(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermGovernanceRead, s.reg.Org)
	if err != nil {
		return err
	}
	c, err := s.gov.CharterOf(r.Context(), o.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c)
}

// apiSetCharter puts a template's rules in force ({"template"}) or the
// organisation's own ({"rules"}).
func (s *handlers) apiSetCharter(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermGovernanceManage, s.reg.Org)
	if err != nil {
		return err
	}
	var in struct {
		Template string           `json:"template"`
		Rules    *charter.Charter `json:"rules"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	switch {
	case in.Rules != nil && in.Template == "":
		err = s.gov.SetCharterRules(r.Context(), rq.Actor(r), o.ID, *in.Rules)
	case in.Rules == nil && in.Template != "":
		err = s.gov.SetCharter(r.Context(), rq.Actor(r), o.ID, in.Template)
	default:
		err = kexie.Errorf(kexie.CodeInvalid, "err.charter_rules", "give either a template or the rules")
	}
	if err != nil {
		return err
	}
	return s.apiCharter(w, r, rq)
}

package govweb

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The meeting page, /meetings/{id}: its facts, the live quorum, the
// attendance with proxies, motions and elections with their results, and
// the clerk's forms (organisation staff with governance.manage). Seat holders vote
// on their own page (voting.go); the minutes are minutes.go.

// meetingRecord is everything recorded of a meeting, read once and shown
// by the meeting page, the voting page and the minutes.
type meetingRecord struct {
	Org        kexie.Organisation
	Body       governance.Body
	Term       governance.Term
	M          governance.Meeting
	Rules      charter.BodyRules
	Quorum     charter.QuorumState
	Attendance []governance.AttendanceRow
	Motions    []governance.Motion
	Elections  []governance.Election
}

func (s *handlers) loadMeetingRecord(ctx context.Context, m governance.Meeting) (meetingRecord, error) {
	rec := meetingRecord{M: m}
	var err error
	if rec.Org, err = s.reg.OrgByID(ctx, m.OrgID); err != nil {
		return rec, err
	}
	if rec.Body, err = s.gov.BodyByID(ctx, m.BodyID); err != nil {
		return rec, err
	}
	if rec.Term, _, err = s.gov.TermByID(ctx, m.TermID); err != nil {
		return rec, err
	}
	c, err := s.gov.CharterOf(ctx, m.OrgID)
	if err != nil {
		return rec, err
	}
	rec.Rules = c.Bodies[m.BodyKind]
	if rec.Quorum, err = s.gov.MeetingQuorum(ctx, m.ID); err != nil {
		return rec, err
	}
	if rec.Attendance, err = s.gov.Attendance(ctx, m.ID); err != nil {
		return rec, err
	}
	if rec.Motions, err = s.gov.Motions(ctx, m.ID); err != nil {
		return rec, err
	}
	rec.Elections, err = s.vote.Elections(ctx, m.ID)
	return rec, err
}

// title is "the 9th Council · 2026-03-01".
func (rec meetingRecord) title(l *i18n.Localizer) string {
	return govTermLabel(l, govBodyName(l, rec.Body), rec.Term.Number) + " · " + rec.M.Held
}

// pageMeeting loads the meeting {id} if the caller holds p on its
// organisation; anything else is not found.
func (s *handlers) pageMeeting(r *http.Request, rq *web.Request, p kexie.Permission) (governance.Meeting, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Meeting{}, err
	}
	return s.pageMeetingByID(r, rq, id, p)
}

func (s *handlers) pageMeetingByID(r *http.Request, rq *web.Request, id int64, p kexie.Permission) (governance.Meeting, error) {
	return s.gov.Meeting(r.Context(), rq.Actor(r), p, id)
}

type meetingMotion struct {
	governance.Motion
	Rule    string
	Outcome string
}

type meetingElection struct {
	governance.Election
	Rule    string
	Count   string
	Elected string
}

type meetingData struct {
	meetingRecord
	BodyName   string
	Title      string
	QuorumText string
	Present    []governance.AttendanceRow // proxies may be entrusted to these
	Motions    []meetingMotion
	Elections  []meetingElection
	Statuses   []charter.Attendance
	Decisions  []charter.Decision
	CanEdit    bool
	CanVote    bool // the viewer votes at this meeting (their seat or a proxy)
	Open       bool // a motion is open: attendance is fixed
	Form       url.Values
}

// Val is a field of the form named id as typed, if that is the form that
// failed; else def.
func (d meetingData) Val(id, field, def string) string {
	if d.Form != nil && d.Form.Get("form") == id {
		return d.Form.Get(field)
	}
	return def
}

// Checked tells whether a checkbox of the failed form id was ticked with
// value v.
func (d meetingData) Checked(id, field, v string) bool {
	return d.Form != nil && d.Form.Get("form") == id && slices.Contains(d.Form[field], v)
}

var attendanceStatuses = []charter.Attendance{charter.Present, charter.AbsentExcused, charter.AbsentUnexcused, charter.RepresentedProxy}

func meetingMotions(l *i18n.Localizer, ms []governance.Motion) []meetingMotion {
	var out []meetingMotion
	for _, m := range ms {
		v := meetingMotion{Motion: m, Rule: storedRuleWords(l, m.Rule)}
		if m.State == "closed" {
			v.Outcome = motionWords(l, m)
		}
		out = append(out, v)
	}
	return out
}

func meetingElections(l *i18n.Localizer, es []governance.Election) []meetingElection {
	var out []meetingElection
	for _, e := range es {
		v := meetingElection{Election: e, Rule: storedRuleWords(l, e.Rule)}
		if e.State == "closed" {
			v.Count, v.Elected = electionWords(l, e), electedWords(l, e)
		}
		out = append(out, v)
	}
	return out
}

func (s *handlers) meetingPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderMeeting(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderMeeting(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceRead)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rec, err := s.loadMeetingRecord(ctx, m)
	if err != nil {
		return err
	}
	L := rq.L
	d := meetingData{meetingRecord: rec, BodyName: govBodyName(L, rec.Body), Title: rec.title(L), QuorumText: quorumWords(L, rec.Quorum, rec.Rules),
		Motions: meetingMotions(L, rec.Motions), Elections: meetingElections(L, rec.Elections), Statuses: attendanceStatuses,
		Decisions: charter.Decisions, Form: rq.Form}
	for _, a := range rec.Attendance {
		if a.Status == charter.Present {
			d.Present = append(d.Present, a)
		}
	}
	for _, mo := range rec.Motions {
		d.Open = d.Open || mo.State == "open"
	}
	if d.CanEdit, err = s.reg.May(ctx, rq.Actor(r), kexie.PermGovernanceManage, m.OrgID); err != nil {
		return err
	}
	if _, seats, err := s.gov.SeatsOf(ctx, rq.Actor(r), m.ID); err != nil {
		return err
	} else {
		d.CanVote = len(seats) > 0
	}
	p := s.NewPage(r, rq, "gov.meeting", d)
	p.Title = d.Title
	p.Error = errMsg
	return s.Render(w, status, "meeting", p)
}

// govMeetingAction runs one of the clerk's changes on a meeting and comes
// back to its page, with the error and the form as typed when it fails.
func (s *handlers) govMeetingAction(flash string, fn func(r *http.Request, rq *web.Request, m governance.Meeting) error) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
		m, err := s.pageMeeting(r, rq, kexie.PermGovernanceManage)
		if err != nil {
			return err
		}
		return s.finishMeetingAction(w, r, rq, m, flash, fn(r, rq, m))
	}
}

func (s *handlers) finishMeetingAction(w http.ResponseWriter, r *http.Request, rq *web.Request, m governance.Meeting, flash string, err error) error {
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			rq.Form = r.PostForm
			r.SetPathValue("id", strconv.FormatInt(m.ID, 10))
			return s.renderMeeting(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, "/meetings/"+strconv.FormatInt(m.ID, 10), flash)
	return nil
}

// setAttendanceForm takes the attendance form: for each seat of the meeting a
// status_<seat> and, when represented, proxy_<seat> (the present seat
// holding the proxy).
func (s *handlers) setAttendanceForm(r *http.Request, rq *web.Request, m governance.Meeting) error {
	rows, err := s.gov.Attendance(r.Context(), m.ID)
	if err != nil {
		return err
	}
	f := r.PostForm
	var list []governance.Presence
	if f.Get("all") == "present" {
		// "Mark all present": every seat, proxies withdrawn; then the
		// absent ones are marked one by one.
		for _, a := range rows {
			list = append(list, governance.Presence{SeatID: a.Seat.ID, Status: charter.Present})
		}
		return s.gov.SetAttendance(r.Context(), rq.Actor(r), m.ID, list)
	}
	for _, a := range rows {
		id := strconv.FormatInt(a.Seat.ID, 10)
		st := charter.Attendance(f.Get("status_" + id))
		if st == "" {
			continue // not on the form: unchanged
		}
		p := governance.Presence{SeatID: a.Seat.ID, Status: st}
		if st == charter.RepresentedProxy {
			p.ProxySeat, _ = strconv.ParseInt(f.Get("proxy_"+id), 10, 64)
		}
		if a.Marked && p.Status == a.Status && p.ProxySeat == a.ProxySeat {
			continue
		}
		list = append(list, p)
	}
	if len(list) == 0 {
		return nil
	}
	return s.gov.SetAttendance(r.Context(), rq.Actor(r), m.ID, list)
}

func (s *handlers) openMotionForm(r *http.Request, rq *web.Request, m governance.Meeting) error {
	f := r.PostForm
	_, err := s.gov.OpenMotion(r.Context(), rq.Actor(r), m.ID, strings.TrimSpace(f.Get("title")), charter.Decision(f.Get("decision")), f.Get("counted_by"))
	return err
}

func (s *handlers) openElectionForm(r *http.Request, rq *web.Request, m governance.Meeting) error {
	f := r.PostForm
	seats, err := govFormInt(rq.L, f, "seats", "gov.election_seats")
	if err != nil {
		return err
	}
	var candidates []int64
	for _, v := range f["candidate"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			candidates = append(candidates, id)
		}
	}
	// Candidates are the holders of the meeting's seats, ticked, and members
	// of the organisation who hold no seat yet (an election to add
	// directors), by member number.
	rows, err := s.gov.Attendance(r.Context(), m.ID)
	if err != nil {
		return err
	}
	for _, c := range candidates {
		if !slices.ContainsFunc(rows, func(a governance.AttendanceRow) bool { return a.Seat.PersonID == c }) {
			return kexie.Errorf(kexie.CodeInvalid, "err.election", "an election needs a title, at least one seat and candidates")
		}
	}
	for _, no := range strings.FieldsFunc(f.Get("member_nos"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || unicode.IsSpace(r) }) {
		mb, err := s.mem.MemberByNo(r.Context(), m.OrgID, no)
		if kexie.ErrorCode(err) == kexie.CodeNotFound || (err == nil && mb.Record.Status != "active") {
			return kexie.Errorf(kexie.CodeInvalid, "err.candidate_member_no", "%v is not the number of a current member of this organisation", no)
		}
		if err != nil {
			return err
		}
		candidates = append(candidates, mb.PersonID)
	}
	_, err = s.vote.OpenElection(r.Context(), rq.Actor(r), m.ID, governance.NewElection{Title: strings.TrimSpace(f.Get("title")), Seats: seats, Candidates: candidates})
	return err
}

// closeMotionForm closes the motion {id}: an electronic one by its votes, a
// clerk's by the count typed into the form.
func (s *handlers) closeMotionForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	mo, m, err := s.clerkMotion(r, rq)
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		return s.finishMeetingAction(w, r, rq, m, "", kexie.Errorf(kexie.CodeInvalid, "err.confirm_close_motion",
			"closing the vote is final: no vote is taken after it; confirm it"))
	}
	var tally *charter.Tally
	if mo.CountedBy == "clerk" {
		f := r.PostForm
		var t charter.Tally
		var errs [3]error
		t.Yes, errs[0] = govFormInt(rq.L, f, "yes", "gov.yes")
		t.No, errs[1] = govFormInt(rq.L, f, "no", "gov.no")
		t.Abstain, errs[2] = govFormInt(rq.L, f, "abstain", "gov.abstain")
		for _, e := range errs {
			if e != nil {
				return s.finishMeetingAction(w, r, rq, m, "", e)
			}
		}
		tally = &t
	}
	_, err = s.gov.CloseMotion(r.Context(), rq.Actor(r), mo.ID, tally)
	return s.finishMeetingAction(w, r, rq, m, "flash.motion_closed", err)
}

func (s *handlers) closeElectionForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	e, m, err := s.clerkElection(r, rq)
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		return s.finishMeetingAction(w, r, rq, m, "", kexie.Errorf(kexie.CodeInvalid, "err.confirm_close_election",
			"closing the election counts it: %v of %v ballots are in, and no ballot is taken after; confirm it", e.Voted, e.Issued))
	}
	_, err = s.vote.CloseElection(r.Context(), rq.Actor(r), e.ID, s.Config().Sealer)
	return s.finishMeetingAction(w, r, rq, m, "flash.election_closed", err)
}

// clerkMotion loads the motion {id} and its meeting for a caller who may
// write the meeting's organisation; for anyone else the motion does not
// exist.
func (s *handlers) clerkMotion(r *http.Request, rq *web.Request) (governance.Motion, governance.Meeting, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Motion{}, governance.Meeting{}, err
	}
	return s.gov.Motion(r.Context(), rq.Actor(r), kexie.PermGovernanceManage, id)
}

// clerkElection is clerkMotion for the election {id}.
func (s *handlers) clerkElection(r *http.Request, rq *web.Request) (governance.Election, governance.Meeting, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Election{}, governance.Meeting{}, err
	}
	return s.vote.Election(r.Context(), rq.Actor(r), kexie.PermGovernanceManage, id)
}

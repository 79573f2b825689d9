package govweb

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// Voting by seat holders, on their own device: /meetings/{id}/vote shows a
// holder signed in with their member account (users.person_id) the open
// electronic motions and the open elections, with a form for their own
// seat and for each seat whose proxy they hold. The routes ask only for a
// signed-in user; the handlers decide: a meeting neither readable by the
// caller's roles nor sat at by the caller's person does not exist for them
// (404), and a seat they do not vote for is refused (403, err.vote_seat).
//
// A ballot's receipt is shown once, in the answer to the ballot's POST: it
// is not in any URL, log line or stored row that names the voter.

// seatHolderMeeting loads a meeting for a voter: the caller may read its
// organisation, or holds a seat at it; anything else is not found.
func (s *handlers) seatHolderMeeting(r *http.Request, rq *web.Request, id int64) (governance.Meeting, meetingRecord, error) {
	if err := s.meetingAccess(r, rq, id, kexie.Errorf(kexie.CodeNotFound, "err.meeting_not_found", "no such meeting")); err != nil {
		return governance.Meeting{}, meetingRecord{}, err
	}
	m, err := s.gov.MeetingByID(r.Context(), id)
	if err != nil {
		return m, meetingRecord{}, err
	}
	rec, err := s.loadMeetingRecord(r.Context(), m)
	return m, rec, err
}

// voteSeat is a seat the viewer votes for: their own, or one whose proxy
// they hold (For names its holder).
type voteSeat struct {
	ID    int64
	Name  string
	Proxy bool
}

type voteChoice struct {
	Seat  voteSeat
	Vote  string // the vote cast, "" if none yet
	Voted bool
}

// voteMotion and voteElection carry, for each seat the viewer votes for,
// whether it has voted (Choices: not Seats, which an election has).
type voteMotion struct {
	governance.Motion
	Rule    string
	Choices []voteChoice
}

type voteElection struct {
	governance.Election
	Rule    string
	Choices []voteChoice
}

type voteData struct {
	Rec        meetingRecord
	Title      string
	QuorumText string
	Seats      []voteSeat
	OwnStatus  charter.Attendance // the viewer's own seat, when they have one here
	Motions    []voteMotion
	Elections  []voteElection
	Closed     []governance.Election // counted: their ballot lists are published
	CanRead    bool                  // the viewer may also see the meeting page
	// Receipt is shown right after a ballot is cast, or asked for again
	// (until the count) by one who votes for the seat.
	Receipt       string
	ReceiptTitle  string
	ReceiptSeat   string
	ReceiptBallot int64
}

func (s *handlers) votePage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.renderVote(w, r, rq, id, http.StatusOK, "", nil)
}

func (s *handlers) renderVote(w http.ResponseWriter, r *http.Request, rq *web.Request, meetingID int64, status int, errMsg string, receipt *voteData) error {
	m, rec, err := s.seatHolderMeeting(r, rq, meetingID)
	if err != nil {
		return err
	}
	ctx := r.Context()
	L := rq.L
	d := voteData{Rec: rec, Title: rec.title(L), QuorumText: quorumWords(L, rec.Quorum, rec.Rules)}
	if receipt != nil {
		d.Receipt, d.ReceiptTitle, d.ReceiptSeat, d.ReceiptBallot = receipt.Receipt, receipt.ReceiptTitle, receipt.ReceiptSeat, receipt.ReceiptBallot
	}
	person, seats, err := s.gov.SeatsOf(ctx, rq.Actor(r), m.ID)
	if err != nil {
		return err
	}
	for _, a := range rec.Attendance {
		if a.Seat.PersonID == person && person != 0 {
			d.OwnStatus = a.Status
		}
		if slices.Contains(seats, a.Seat.ID) {
			d.Seats = append(d.Seats, voteSeat{ID: a.Seat.ID, Name: a.Seat.Name, Proxy: a.Seat.PersonID != person})
		}
	}
	for _, mo := range rec.Motions {
		if mo.State != "open" || mo.CountedBy != "electronic" {
			continue
		}
		votes, err := s.gov.MotionVotes(ctx, mo.ID)
		if err != nil {
			return err
		}
		vm := voteMotion{Motion: mo, Rule: storedRuleWords(L, mo.Rule)}
		for _, st := range d.Seats {
			v, ok := votes[st.ID]
			vm.Choices = append(vm.Choices, voteChoice{Seat: st, Vote: v, Voted: ok})
		}
		d.Motions = append(d.Motions, vm)
	}
	for _, e := range rec.Elections {
		if e.State != "open" {
			d.Closed = append(d.Closed, e)
			continue
		}
		voted, err := s.vote.ElectionVoters(ctx, e.ID)
		if err != nil {
			return err
		}
		ve := voteElection{Election: e, Rule: storedRuleWords(L, e.Rule)}
		for _, st := range d.Seats {
			ve.Choices = append(ve.Choices, voteChoice{Seat: st, Voted: voted[st.ID]})
		}
		d.Elections = append(d.Elections, ve)
	}
	if d.CanRead, err = s.reg.May(ctx, rq.Actor(r), kexie.PermGovernanceRead, m.OrgID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "gov.vote_title", d)
	p.Title = L.T("gov.vote_title") + " · " + d.Title
	p.Error = errMsg
	return s.Render(w, status, "vote", p)
}

// callerVoteSeat checks the seat a vote is cast for: the meeting must be the
// caller's to see (else 404) and the seat one they vote for (else 403).
func (s *handlers) callerVoteSeat(r *http.Request, rq *web.Request, meetingID int64) (int64, error) {
	seat, _ := strconv.ParseInt(r.PostForm.Get("seat"), 10, 64)
	return seat, s.gov.MayVoteFor(r.Context(), rq.Actor(r), meetingID, seat)
}

// voteFailed shows the voting page again with the error, for errors a
// voter can act on; others go to the error page.
func (s *handlers) voteFailed(w http.ResponseWriter, r *http.Request, rq *web.Request, meetingID int64, err error) error {
	switch kexie.ErrorCode(err) {
	case kexie.CodeInvalid, kexie.CodeConflict:
		return s.renderVote(w, r, rq, meetingID, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)), nil)
	}
	return err
}

// castVoteForm records the vote of a seat the caller votes for on an open
// electronic motion.
func (s *handlers) castVoteForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	mo, err := s.gov.MotionByID(r.Context(), id)
	if err != nil {
		return err
	}
	seat, err := s.callerVoteSeat(r, rq, mo.MeetingID)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return kexie.Errorf(kexie.CodeNotFound, "err.motion_not_found", "no such motion")
	} else if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		return s.voteFailed(w, r, rq, mo.MeetingID, kexie.Errorf(kexie.CodeInvalid, "err.confirm_vote", "a vote cannot be changed once cast; confirm it"))
	}
	if err := s.gov.CastVote(r.Context(), rq.Actor(r), mo.ID, seat, r.PostForm.Get("vote")); err != nil {
		return s.voteFailed(w, r, rq, mo.MeetingID, err)
	}
	s.RedirectFlash(w, r, "/meetings/"+strconv.FormatInt(mo.MeetingID, 10)+"/vote", "flash.vote_cast")
	return nil
}

// castBallotForm takes a seat's secret ballot and answers with the voting
// page showing the receipt, once: no redirect, so the code is in no URL.
func (s *handlers) castBallotForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, err := s.vote.ElectionByID(r.Context(), id)
	if err != nil {
		return err
	}
	seat, err := s.callerVoteSeat(r, rq, e.MeetingID)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	} else if err != nil {
		return err
	}
	var choices []int64
	for _, v := range r.PostForm["choice"] {
		if c, err := strconv.ParseInt(v, 10, 64); err == nil {
			choices = append(choices, c)
		}
	}
	if !web.Confirmed(r) {
		return s.voteFailed(w, r, rq, e.MeetingID, kexie.Errorf(kexie.CodeInvalid, "err.confirm_ballot", "a ballot cannot be changed once cast; confirm it"))
	}
	receipt, err := s.vote.CastBallot(r.Context(), rq.Actor(r), e.ID, seat, choices, s.Config().Sealer)
	if err != nil {
		return s.voteFailed(w, r, rq, e.MeetingID, err)
	}
	shown := &voteData{Receipt: receipt, ReceiptTitle: e.Title, ReceiptBallot: e.ID}
	if st, _, err := s.gov.SeatByID(r.Context(), seat); err == nil {
		shown.ReceiptSeat = st.Name
	}
	return s.renderVote(w, r, rq, e.MeetingID, http.StatusOK, "", shown)
}

// receiptForm shows again the receipt of a ballot cast for a seat the
// caller votes for — for the voter whose answer was lost — until the
// count; after it, says that the ballot was counted. It is posted, so the
// code is in no URL.
func (s *handlers) receiptForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, err := s.vote.ElectionByID(r.Context(), id)
	if err != nil {
		return err
	}
	seat, _ := strconv.ParseInt(r.PostForm.Get("seat"), 10, 64)
	st, err := s.vote.Receipt(r.Context(), rq.Actor(r), e.ID, seat, s.Config().Sealer)
	if err != nil {
		return err
	}
	if st.Receipt == "" {
		key := "gov.receipt_not_voted"
		switch {
		case st.Voted && st.Counted:
			key = "gov.receipt_counted"
		case st.Voted:
			key = "gov.receipt_lost"
		}
		return s.renderVote(w, r, rq, e.MeetingID, http.StatusOK, rq.L.T(key), nil)
	}
	shown := &voteData{Receipt: st.Receipt, ReceiptTitle: e.Title, ReceiptBallot: e.ID}
	if sh, _, err := s.gov.SeatByID(r.Context(), seat); err == nil {
		shown.ReceiptSeat = sh.Name
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderVote(w, r, rq, e.MeetingID, http.StatusOK, "", shown)
}

type ballotsData struct {
	Election governance.Election
	Rec      meetingRecord
	Title    string
	Count    string
	Elected  string
	Ballots  []ballotLine
	Receipt  string // looked up
	Found    bool
	CanRead  bool
}

type ballotLine struct {
	Receipt string
	Names   string
	Mine    bool
	Invalid bool
}

// ballotsPage is the published ballot list of a counted election: each
// receipt code with what that ballot approved, for voters to find their
// own. It is there for whoever may see the meeting or sits at it.
func (s *handlers) ballotsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	e, err := s.vote.ElectionByID(ctx, id)
	if err != nil {
		return err
	}
	m, rec, err := s.seatHolderMeeting(r, rq, e.MeetingID)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	} else if err != nil {
		return err
	}
	L := rq.L
	d := ballotsData{Election: e, Rec: rec, Title: rec.title(L), Receipt: strings.ToUpper(strings.TrimSpace(r.PostFormValue("receipt")))}
	if d.CanRead, err = s.reg.May(ctx, rq.Actor(r), kexie.PermGovernanceRead, m.OrgID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "gov.ballots_title", d)
	p.Title = L.T("gov.ballots_title") + " · " + e.Title
	ballots, err := s.vote.Ballots(ctx, e.ID)
	if err != nil {
		if kexie.ErrorCode(err) != kexie.CodeConflict {
			return err
		}
		p.Error = web.Message(L, kexie.AsError(err))
		return s.Render(w, http.StatusConflict, "ballots", p)
	}
	d.Count, d.Elected = electionWords(L, e), electedWords(L, e)
	names := map[int64]string{}
	for _, c := range e.Candidates {
		names[c.PersonID] = c.Name
	}
	for _, b := range ballots {
		var who []string
		for _, c := range b.Choices {
			who = append(who, names[c])
		}
		line := ballotLine{Receipt: b.Receipt, Names: strings.Join(who, L.T("gov.list_sep")), Mine: d.Receipt != "" && b.Receipt == d.Receipt, Invalid: b.Invalid}
		if len(who) == 0 {
			line.Names = L.T("gov.ballot_blank")
		}
		d.Found = d.Found || line.Mine
		d.Ballots = append(d.Ballots, line)
	}
	p.Data = d
	return s.Render(w, http.StatusOK, "ballots", p)
}

// myMeetings lists the meetings at which the caller's person holds a seat,
// with a way to each one's voting page.
func (s *handlers) myMeetings(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	person, err := s.gov.PersonOfUser(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	var list []governance.SeatMeeting
	if person != 0 {
		if list, err = s.gov.MeetingsOfPerson(r.Context(), person, 100); err != nil {
			return err
		}
	}
	type row struct {
		governance.SeatMeeting
		Org, Title string
	}
	var rows []row
	for _, sm := range list {
		org := kexie.Organisation{NameZH: sm.OrgNameZH, NameEN: sm.OrgNameEN}
		b := governance.Body{Kind: sm.BodyKind, NameZH: sm.BodyNameZH, NameEN: sm.BodyNameEN}
		rows = append(rows, row{SeatMeeting: sm, Org: org.Name(rq.L.Lang), Title: govTermLabel(rq.L, govBodyName(rq.L, b), sm.TermNumber)})
	}
	return s.Render(w, http.StatusOK, "mymeetings", s.NewPage(r, rq, "my.meetings", rows))
}

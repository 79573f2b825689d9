package web

import (
	"net/http"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// The membership lifecycle through the API: the same store use cases and
// the same object checks as the pages in applications.go and members.go —
// a membership outside the caller's subtrees is not found.

// applicationInput is the public application, with the form's fields.
type applicationInput struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en"`
	Pinyin      string `json:"pinyin"`
	Gender      string `json:"gender"`
	BirthDate   string `json:"birth_date"`
	IDType      string `json:"id_type"`
	IDNumber    string `json:"id_number"`
	Nationality string `json:"nationality"`
	Discipline  string `json:"discipline"`
	Title       string `json:"title"`
	Employer    string `json:"employer"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
}

func (in applicationInput) fields() map[string]string {
	return map[string]string{"type": in.Type, "name": in.Name, "name_en": in.NameEN, "pinyin": in.Pinyin, "gender": in.Gender,
		"birth_date": in.BirthDate, "id_type": in.IDType, "id_number": in.IDNumber, "nationality": in.Nationality,
		"discipline": in.Discipline, "title": in.Title, "employer": in.Employer, "email": in.Email, "phone": in.Phone}
}

// apiApply takes a public application. The answer carries the reference
// only: the applicant learns nothing of the register.
func (s *Server) apiApply(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.applyOrg(r)
	if err != nil {
		return err
	}
	var in applicationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ref, err := s.submitApplication(r, rq, o, in.fields())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"reference": ref, "org_code": o.Code, "stage": membership.StageSubmitted})
}

type applicationJSON struct {
	memberJSON
	Stage string `json:"stage"`
	Note  string `json:"note"`
}

func toApplicationJSON(a membership.Application) applicationJSON {
	return applicationJSON{memberJSON: toMemberJSON(a.Member), Stage: a.Stage, Note: a.Note}
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request, rq *request) error {
	offset, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	as, err := s.mem.ListApplications(r.Context(), rq.Actor(r), membership.ApplicationFilter{Stage: r.URL.Query().Get("stage"), Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := []applicationJSON{}
	for _, a := range as {
		out = append(out, toApplicationJSON(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"applications": out})
}

// apiDecide is the decide form's action as JSON.
func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := s.visibleMember(r, rq, kexie.PermMembershipWrite)
	if err != nil {
		return err
	}
	var in struct {
		Action     string `json:"action"`
		Date       string `json:"date"`
		Note       string `json:"note"`
		Body       string `json:"body"`
		Resolution string `json:"resolution"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := s.mem.Decide(r.Context(), rq.Actor(r), m.ID, membership.Decision{Action: in.Action, Day: in.Date, Note: in.Note,
		Body: in.Body, Resolution: in.Resolution}); err != nil {
		return err
	}
	a, err := s.mem.ApplicationByID(r.Context(), m.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toApplicationJSON(a))
}

// verifyJSON is all the public verification shows.
type verifyJSON struct {
	Name      string `json:"name"`
	OrgNameZH string `json:"org_name_zh"`
	OrgNameEN string `json:"org_name_en"`
	Type      string `json:"type"`
	Valid     bool   `json:"valid"`
}

func (s *Server) apiCard(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, err := s.visibleCard(r, rq)
	if err != nil {
		return err
	}
	out := struct {
		verifyJSON
		MemberID  int64  `json:"member_id"`
		MemberNo  string `json:"member_no"`
		NameEN    string `json:"name_en"`
		Status    string `json:"status"`
		Issued    string `json:"issued"`
		VerifyURL string `json:"verify_url"`
	}{cardPublic(c), c.MembershipID, c.MemberNo, c.NameEN, string(c.Status), c.Issued, s.verifyURL(r, c.Token)}
	return writeJSON(w, http.StatusOK, out)
}

func cardPublic(c membership.Card) verifyJSON {
	return verifyJSON{Name: c.Name, OrgNameZH: c.OrgNameZH, OrgNameEN: c.OrgNameEN, Type: string(c.Type), Valid: c.Valid()}
}

// apiVerify is the verification page as JSON: name, organisation, type and
// whether the membership is valid today.
func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request, _ *request) error {
	c, err := s.mem.CardByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	return writeJSON(w, http.StatusOK, cardPublic(c))
}

// apiMemberChange decodes the body into in and runs fn on the membership
// {id}, which the caller must be able to write, then answers with the
// membership as it now is.
func (s *Server) apiMemberChange(w http.ResponseWriter, r *http.Request, rq *request, status int, in any, fn func(m membership.Member) error) error {
	m, err := s.visibleMember(r, rq, kexie.PermMembershipWrite)
	if err != nil {
		return err
	}
	if err := decodeJSON(r, in); err != nil {
		return err
	}
	if err := fn(m); err != nil {
		return err
	}
	if m, err = s.mem.MemberByID(r.Context(), m.ID); err != nil {
		return err
	}
	return writeJSON(w, status, toMemberJSON(m))
}

func (s *Server) apiMemberStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	var in struct {
		Status       string `json:"status"`
		Date         string `json:"date"`
		Reason       string `json:"reason"`
		CardReturned bool   `json:"card_returned"`
		Resolution   string `json:"resolution"`
	}
	return s.apiMemberChange(w, r, rq, http.StatusOK, &in, func(m membership.Member) error {
		return s.mem.ChangeMemberStatus(r.Context(), rq.Actor(r), m.ID, membership.MemberChange{Status: kexie.MemberStatus(in.Status),
			Happened: in.Date, Reason: in.Reason, CardReturned: in.CardReturned, Resolution: in.Resolution})
	})
}

func (s *Server) apiMemberExemption(w http.ResponseWriter, r *http.Request, rq *request) error {
	var in struct {
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	return s.apiMemberChange(w, r, rq, http.StatusOK, &in, func(m membership.Member) error {
		return s.mem.SetExemption(r.Context(), rq.Actor(r), m.ID, in.Until, in.Reason)
	})
}

func (s *Server) apiMemberDues(w http.ResponseWriter, r *http.Request, rq *request) error {
	var in struct {
		Date    string `json:"date"`
		Amount  string `json:"amount"` // yuan as text, exact: "50" or "50.00"
		Period  string `json:"period"`
		Receipt string `json:"receipt"`
	}
	return s.apiMemberChange(w, r, rq, http.StatusCreated, &in, func(m membership.Member) error {
		fen, err := yuanFen(in.Amount)
		if err != nil {
			return err
		}
		return s.mem.RecordDues(r.Context(), rq.Actor(r), m.ID, in.Date, fen, in.Period, in.Receipt)
	})
}

func (s *Server) apiMemberParticipation(w http.ResponseWriter, r *http.Request, rq *request) error {
	var in struct {
		Date string `json:"date"`
		What string `json:"what"`
	}
	return s.apiMemberChange(w, r, rq, http.StatusCreated, &in, func(m membership.Member) error {
		return s.mem.RecordParticipation(r.Context(), rq.Actor(r), m.ID, in.Date, in.What)
	})
}

type lapseJSON struct {
	MemberID int64  `json:"member_id"`
	MemberNo string `json:"member_no"`
	OrgCode  string `json:"org_code"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
}

func lapseList(ls []membership.Lapse) []lapseJSON {
	out := []lapseJSON{}
	for _, l := range ls {
		out = append(out, lapseJSON{MemberID: l.MembershipID, MemberNo: l.MemberNo, OrgCode: l.OrgCode, Name: l.Name, Reason: l.Reason})
	}
	return out
}

// apiLapses lists who lapses as of a day (default today, Beijing time) in
// the caller's subtrees.
func (s *Server) apiLapses(w http.ResponseWriter, r *http.Request, rq *request) error {
	asOf := r.URL.Query().Get("as_of")
	if asOf == "" {
		asOf = s.today()
	}
	day, err := kexie.ParseDate(asOf)
	if err != nil {
		return err
	}
	ls, err := s.mem.Lapses(r.Context(), rq.Actor(r), day)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"as_of": day.Format("2006-01-02"), "lapses": lapseList(ls)})
}

// apiApplyLapses marks lapsed, as of the day given, the memberships that
// lapse in the organisations the caller may write — as the page's button
// does. The day is required: a bulk change is never dated by default.
func (s *Server) apiApplyLapses(w http.ResponseWriter, r *http.Request, rq *request) error {
	var in struct {
		AsOf string `json:"as_of"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	day, err := kexie.ParseDate(in.AsOf)
	if err != nil || day.IsZero() {
		return kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", in.AsOf)
	}
	mine, err := s.mem.LapsesWhere(r.Context(), rq.Actor(r), day, kexie.PermMembershipWrite)
	if err != nil {
		return err
	}
	if err := s.mem.ApplyLapses(r.Context(), rq.Actor(r), day, mine); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"as_of": day.Format("2006-01-02"), "applied": len(mine), "lapses": lapseList(mine)})
}

package memberweb

import (
	"github.com/kexie/kexie/internal/finance"
	"net/http"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/web"
)

// The membership lifecycle through the API: the same membership use cases and
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
	CreditCode  string `json:"credit_code"`
	Contact     string `json:"contact_person"`
}

func (in applicationInput) fields() map[string]string {
	return map[string]string{"type": in.Type, "name": in.Name, "name_en": in.NameEN, "pinyin": in.Pinyin, "gender": in.Gender,
		"birth_date": in.BirthDate, "id_type": in.IDType, "id_number": in.IDNumber, "nationality": in.Nationality,
		"discipline": in.Discipline, "title": in.Title, "employer": in.Employer, "email": in.Email, "phone": in.Phone,
		"credit_code": in.CreditCode, "contact_person": in.Contact}
}

// apiApply takes a public application. The answer carries the reference
// only: the applicant learns nothing of the register.
func (s *handlers) apiApply(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.applyOrg(r)
	if err != nil {
		return err
	}
	var in applicationInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	ref, err := s.submitApplication(r, rq, o, in.fields())
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]string{"reference": ref, "org_code": o.Code, "stage": membership.StageSubmitted})
}

type applicationJSON struct {
	memberJSON
	Stage string `json:"stage"`
	Note  string `json:"note"`
}

func toApplicationJSON(a membership.Application) applicationJSON {
	return applicationJSON{memberJSON: toMemberJSON(a.Member), Stage: a.Stage, Note: a.Note}
}

func (s *handlers) apiApplications(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
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
	return web.WriteJSON(w, http.StatusOK, map[string]any{"applications": out})
}

// apiDecide is the decide form's action as JSON.
func (s *handlers) apiDecide(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipWrite, s.mem.Member)
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
	if err := web.DecodeJSON(r, &in); err != nil {
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
	return web.WriteJSON(w, http.StatusOK, toApplicationJSON(a))
}

// verifyJSON is all the public verification shows.
type verifyJSON struct {
	Name      string `json:"name"`
	OrgNameZH string `json:"org_name_zh"`
	OrgNameEN string `json:"org_name_en"`
	Type      string `json:"type"`
	Valid     bool   `json:"valid"`
}

func (s *handlers) apiCard(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
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
	return web.WriteJSON(w, http.StatusOK, out)
}

func cardPublic(c membership.Card) verifyJSON {
	return verifyJSON{Name: c.Name, OrgNameZH: c.OrgNameZH, OrgNameEN: c.OrgNameEN, Type: string(c.Type), Valid: c.Valid()}
}

// apiVerify is the verification page as JSON: name, organisation, type and
// whether the membership is valid today.
func (s *handlers) apiVerify(w http.ResponseWriter, r *http.Request, _ *web.Request) error {
	c, err := s.mem.CardByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	return web.WriteJSON(w, http.StatusOK, cardPublic(c))
}

// apiMemberChange decodes the body into in and runs fn on the membership
// {id}, which the caller must be able to write, then answers with the
// membership as it now is.
func (s *handlers) apiMemberChange(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, in any, fn func(m membership.Member) error) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipWrite, s.mem.Member)
	if err != nil {
		return err
	}
	if err := web.DecodeJSON(r, in); err != nil {
		return err
	}
	if err := fn(m); err != nil {
		return err
	}
	if m, err = s.mem.MemberByID(r.Context(), m.ID); err != nil {
		return err
	}
	return web.WriteJSON(w, status, toMemberJSON(m))
}

func (s *handlers) apiMemberStatus(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
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

func (s *handlers) apiMemberExemption(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in struct {
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	return s.apiMemberChange(w, r, rq, http.StatusOK, &in, func(m membership.Member) error {
		return s.mem.SetExemption(r.Context(), rq.Actor(r), m.ID, in.Until, in.Reason)
	})
}

func (s *handlers) apiMemberDues(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in struct {
		Date    string `json:"date"`
		Amount  string `json:"amount"` // yuan as text, exact: "50" or "50.00"
		Period  string `json:"period"`
		Receipt string `json:"receipt"`
		Method  string `json:"method"` // bank (default) or cash: the books' debit 1002 or 1001
	}
	return s.apiMemberChange(w, r, rq, http.StatusCreated, &in, func(m membership.Member) error {
		fen, err := yuanFen(in.Amount)
		if err != nil {
			return err
		}
		_, err = s.fin.ReceiveDues(r.Context(), rq.Actor(r), m.ID, finance.DuesPayment{Date: in.Date, Amount: kexie.Money(fen), Period: in.Period,
			Method: in.Method, Receipt: in.Receipt})
		return err
	})
}

func (s *handlers) apiMemberParticipation(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
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
func (s *handlers) apiLapses(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	asOf := r.URL.Query().Get("as_of")
	if asOf == "" {
		asOf = s.Today()
	}
	day, err := kexie.ParseDate(asOf)
	if err != nil {
		return err
	}
	ls, err := s.mem.Lapses(r.Context(), rq.Actor(r), day)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"as_of": day.Format("2006-01-02"), "lapses": lapseList(ls)})
}

// apiApplyLapses marks lapsed, as of the day given, the memberships that
// lapse in the organisations the caller may write — as the page's button
// does. The day is required: a bulk change is never dated by default.
func (s *handlers) apiApplyLapses(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in struct {
		AsOf string `json:"as_of"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
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
	return web.WriteJSON(w, http.StatusOK, map[string]any{"as_of": day.Format("2006-01-02"), "applied": len(mine), "lapses": lapseList(mine)})
}

type memberJSON struct {
	ID           int64  `json:"id"`
	MemberNo     string `json:"member_no"`
	OrgCode      string `json:"org_code"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	Name         string `json:"name"`
	NameEN       string `json:"name_en"`
	Pinyin       string `json:"pinyin"`
	Gender       string `json:"gender"`
	BirthDate    string `json:"birth_date"`
	IDType       string `json:"id_type"`
	IDNumber     string `json:"id_number_masked"`
	Nationality  string `json:"nationality"`
	Discipline   string `json:"discipline"`
	Title        string `json:"title"`
	Employer     string `json:"employer"`
	FrontLine    bool   `json:"front_line"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Joined       string `json:"joined"`
	LastDuesPaid string `json:"last_dues_paid"`
	LastActivity string `json:"last_activity"`
	ExemptUntil  string `json:"exempt_until"`
	ExemptReason string `json:"exempt_reason"`
	CreditCode   string `json:"credit_code"`
	Contact      string `json:"contact_person"`
}

func toMemberJSON(m membership.Member) memberJSON {
	r := m.Record
	return memberJSON{ID: m.ID, MemberNo: r.MemberNo, OrgCode: r.OrgCode, Type: string(r.Type), Status: string(r.Status), Name: r.Name, NameEN: r.NameEN,
		Pinyin: r.Pinyin, Gender: r.Gender, BirthDate: r.BirthDate, IDType: r.IDType, IDNumber: r.IDMasked, Nationality: r.Nationality,
		Discipline: r.Discipline, Title: r.Title, Employer: r.Employer, FrontLine: r.FrontLine, Email: r.Email, Phone: r.Phone,
		Joined: r.Joined, LastDuesPaid: r.LastDuesPaid, LastActivity: r.LastActivity, ExemptUntil: m.Exempt, ExemptReason: m.ExemptReason,
		CreditCode: r.CreditCode, Contact: r.ContactPerson}
}

func (s *handlers) apiMembers(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	f, err := s.memberFilter(r, rq)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	ms, err := s.mem.SearchMembers(r.Context(), rq.Actor(r), f, offset, limit)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"members": memberList(ms)})
}

func memberList(ms []membership.Member) []memberJSON {
	out := []memberJSON{}
	for _, m := range ms {
		out = append(out, toMemberJSON(m))
	}
	return out
}

func (s *handlers) apiMember(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipRead, s.mem.Member)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toMemberJSON(m))
}

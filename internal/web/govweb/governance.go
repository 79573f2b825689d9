package govweb

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The governance page of an organisation, /orgs/{code}/governance: its
// bodies with their current term, seats and meetings, the charter it
// follows and the compliance findings, and the forms staff change them
// with. Every form posts under the organisation's path, and every object
// it names (a body, a term, a seat) must belong to that organisation.

type govBody struct {
	governance.Body
	Name     string
	Term     *govTerm // the latest term, if any
	Past     []governance.Term
	NextTerm int // the number a new term would take
}

type govTerm struct {
	governance.Term
	Label    string
	Extended int // months of extension in total
	Current  []governance.Seat
	Left     []governance.Seat
	Meetings []governance.Meeting
}

type govFinding struct {
	Broken bool
	Text   string
	People []string
}

type governanceData struct {
	Org       kexie.Organisation
	Charter   string // the template's name
	Templates []string
	Bodies    []govBody
	Missing   []charter.BodyKind // kinds the organisation has no body of yet
	Findings  []govFinding
	CanEdit   bool
	Posts     []string
	LeftWhy   []string
	Today     string
	// The form that failed, as typed (its hidden "form" field names it).
	Form url.Values
}

// Val is a field of the form named id as typed, if that is the form that
// failed; else def.
func (d governanceData) Val(id, field, def string) string {
	if d.Form != nil && d.Form.Get("form") == id {
		return d.Form.Get(field)
	}
	return def
}

var govBodyKinds = []charter.BodyKind{charter.Congress, charter.Council, charter.StandingCouncil, charter.Supervisors}

var seatEndReasons = []string{"resignation", "replacement", "death", "term_end"}

func (s *handlers) governancePage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderGovernance(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderGovernance(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	o, err := web.LoadByCode(r, rq, kexie.PermGovernanceRead, s.reg.Org)
	if err != nil {
		return err
	}
	ctx := r.Context()
	L := rq.L
	d := governanceData{Org: o, Templates: []string{"national_society", "local_association"}, Posts: governance.Posts, LeftWhy: seatEndReasons,
		Today: s.Today(), Form: rq.Form}
	c, err := s.gov.CharterOf(ctx, o.ID)
	if err != nil {
		return err
	}
	d.Charter = c.Name
	bodies, err := s.gov.Bodies(ctx, o.ID)
	if err != nil {
		return err
	}
	names := map[charter.BodyKind]string{}
	have := map[charter.BodyKind]bool{}
	for _, b := range bodies {
		gb := govBody{Body: b, Name: govBodyName(L, b), NextTerm: 1}
		names[b.Kind], have[b.Kind] = gb.Name, true
		terms, err := s.gov.Terms(ctx, b.ID)
		if err != nil {
			return err
		}
		if len(terms) > 0 {
			t := &govTerm{Term: terms[0], Label: govTermLabel(L, gb.Name, terms[0].Number)}
			for _, m := range t.ExtensionMonths {
				t.Extended += m
			}
			seats, err := s.gov.Seats(ctx, t.ID, "")
			if err != nil {
				return err
			}
			for _, st := range seats {
				if st.LeftOn == "" {
					t.Current = append(t.Current, st)
				} else {
					t.Left = append(t.Left, st)
				}
			}
			if t.Meetings, err = s.gov.Meetings(ctx, t.ID); err != nil {
				return err
			}
			gb.Term, gb.Past, gb.NextTerm = t, terms[1:], terms[0].Number+1
		}
		d.Bodies = append(d.Bodies, gb)
	}
	for _, k := range govBodyKinds {
		if !have[k] {
			d.Missing = append(d.Missing, k)
		}
	}
	findings, err := s.gov.Findings(ctx, o.ID, s.Day())
	if err != nil {
		return err
	}
	for _, f := range findings {
		name := cmp.Or(names[f.Body], L.T("body."+string(f.Body)))
		d.Findings = append(d.Findings, govFinding{Broken: f.Broken, Text: findingWords(L, f, name), People: f.People})
	}
	if d.CanEdit, err = s.reg.May(ctx, rq.Actor(r), kexie.PermGovernanceManage, o.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "gov.title", d)
	p.Title = L.T("gov.title") + " · " + o.Name(L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "governance", p)
}

// govAction runs one change from the governance page and comes back to
// it (or to where the change leads), with the error and the form as
// typed when it fails.
func (s *handlers) govAction(fn func(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
		o, err := web.LoadByCode(r, rq, kexie.PermGovernanceManage, s.reg.Org)
		if err != nil {
			return err
		}
		to, err := fn(r, rq, o)
		if err != nil {
			switch kexie.ErrorCode(err) {
			case kexie.CodeInvalid, kexie.CodeConflict:
				rq.Form = r.PostForm
				return s.renderGovernance(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
			}
			return err
		}
		if to == "" {
			s.RedirectFlash(w, r, "/orgs/"+url.PathEscape(o.Code)+"/governance", "flash.governance_changed")
			return nil
		}
		// Only a new meeting goes elsewhere: to its own page.
		s.RedirectFlash(w, r, to, "flash.meeting_created")
		return nil
	}
}

// govFormInt reads a whole number from a form field; a bad one is invalid
// input, named by the field's label key.
func govFormInt(l *i18n.Localizer, f url.Values, field, labelKey string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(field)))
	if err != nil || n < 0 {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", l.T(labelKey))
	}
	return n, nil
}

// govOrgTerm loads the term {id} if it belongs to organisation o; anything
// else is not found.
func (s *handlers) govOrgTerm(r *http.Request, o kexie.Organisation) (governance.Term, error) {
	id, err := web.PathID(r)
	if err != nil {
		return governance.Term{}, err
	}
	t, orgID, err := s.gov.TermByID(r.Context(), id)
	if err == nil && orgID != o.ID {
		err = kexie.Errorf(kexie.CodeNotFound, "err.term_not_found", "no such term")
	}
	return t, err
}

func (s *handlers) govCreateBody(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	f := r.PostForm
	kind := charter.BodyKind(f.Get("kind"))
	zh, en := strings.TrimSpace(f.Get("name_zh")), strings.TrimSpace(f.Get("name_en"))
	// A body's names default to its kind's in each language.
	zh = cmp.Or(zh, s.Bundle().For(i18n.Chinese).T("body."+string(kind)))
	en = cmp.Or(en, s.Bundle().For(i18n.English).T("body."+string(kind)))
	_, err := s.gov.CreateBody(r.Context(), rq.Actor(r), o.ID, kind, zh, en)
	return "", err
}

func (s *handlers) govSetCharter(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	return "", s.gov.SetCharter(r.Context(), rq.Actor(r), o.ID, r.PostForm.Get("template"))
}

func (s *handlers) govStartTerm(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	f := r.PostForm
	bodyID, _ := strconv.ParseInt(f.Get("body"), 10, 64)
	b, err := s.gov.BodyByID(r.Context(), bodyID)
	if err == nil && b.OrgID != o.ID {
		err = kexie.Errorf(kexie.CodeNotFound, "err.body_not_found", "no such body")
	}
	if err != nil {
		return "", err
	}
	n, err := govFormInt(rq.L, f, "number", "gov.term_number")
	if err != nil {
		return "", err
	}
	terms, err := s.gov.Terms(r.Context(), b.ID)
	if err != nil {
		return "", err
	}
	// A new term ends the current one and all its seats: the form names
	// that and asks for the resolution; the use case refuses it without one.
	if len(terms) > 0 && terms[0].Ended == "" && strings.TrimSpace(f.Get("resolution")) != "" && !web.Confirmed(r) {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.confirm_new_term", "term %v ends term %v and all its seats on its first day; confirm it", n, terms[0].Number)
	}
	_, err = s.gov.BeginTerm(r.Context(), rq.Actor(r), b.ID, governance.NewTerm{Number: n, Started: strings.TrimSpace(f.Get("started")), Resolution: f.Get("resolution")})
	return "", err
}

func (s *handlers) govExtendTerm(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	t, err := s.govOrgTerm(r, o)
	if err != nil {
		return "", err
	}
	months, err := govFormInt(rq.L, r.PostForm, "months", "gov.extension_months")
	if err != nil {
		return "", err
	}
	return "", s.gov.ExtendTerm(r.Context(), rq.Actor(r), t.ID, months, strings.TrimSpace(r.PostForm.Get("resolution")))
}

// govAddSeat seats a member of the organisation, named by member number.
func (s *handlers) govAddSeat(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	t, err := s.govOrgTerm(r, o)
	if err != nil {
		return "", err
	}
	f := r.PostForm
	no := strings.TrimSpace(f.Get("member_no"))
	m, err := s.mem.MemberByNo(r.Context(), o.ID, no)
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeNotFound {
			return "", kexie.Errorf(kexie.CodeInvalid, "err.seat_member", "%s is not a member number of this organisation", no)
		}
		return "", err
	}
	_, err = s.gov.AddSeat(r.Context(), rq.Actor(r), t.ID, governance.NewSeat{PersonID: m.PersonID, Post: f.Get("post"), FrontLine: f.Get("front_line") != "",
		AgeBand: strings.TrimSpace(f.Get("age_band")), Seated: strings.TrimSpace(f.Get("seated"))})
	return "", err
}

func (s *handlers) govEndSeat(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	id, err := web.PathID(r)
	if err != nil {
		return "", err
	}
	seat, orgID, err := s.gov.SeatByID(r.Context(), id)
	if err == nil && orgID != o.ID {
		err = kexie.Errorf(kexie.CodeNotFound, "err.seat_not_found", "no such seat")
	}
	if err != nil {
		return "", err
	}
	if !web.Confirmed(r) {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.confirm_seat_end", "ending the seat of %v cannot be undone: from that day it no longer counts at meetings; confirm it", seat.Name)
	}
	return "", s.gov.EndSeat(r.Context(), rq.Actor(r), id, strings.TrimSpace(r.PostForm.Get("left_on")), r.PostForm.Get("why"))
}

// govCreateMeeting records a meeting of a term and goes to its page,
// where attendance is taken.
func (s *handlers) govCreateMeeting(r *http.Request, rq *web.Request, o kexie.Organisation) (string, error) {
	t, err := s.govOrgTerm(r, o)
	if err != nil {
		return "", err
	}
	f := r.PostForm
	id, err := s.gov.CreateMeeting(r.Context(), rq.Actor(r), t.ID, governance.NewMeeting{Held: strings.TrimSpace(f.Get("held")),
		Place: strings.TrimSpace(f.Get("place")), Mode: f.Get("mode"), Agenda: strings.TrimSpace(f.Get("agenda"))})
	if err != nil {
		return "", err
	}
	return "/meetings/" + strconv.FormatInt(id, 10), nil
}

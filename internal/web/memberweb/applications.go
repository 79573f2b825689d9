package memberweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"rsc.io/qr"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/tabular"
	"github.com/kexie/kexie/internal/web"
)

type applyData struct {
	Org       kexie.Organisation
	Form      url.Values
	Reference string
	Types     []kexie.MemberType
	IDTypes   []string
}

// applyOrg is the organisation a public application names; cancelled or
// suspended ones take no applications.
func (s *handlers) applyOrg(r *http.Request) (kexie.Organisation, error) {
	o, err := s.reg.OrgByCode(r.Context(), r.PathValue("code"))
	if err != nil || o.Status != kexie.OrgActive || !o.Kind.IsMember() {
		return o, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", r.PathValue("code"))
	}
	return o, nil
}

func (s *handlers) applyForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.applyOrg(r)
	if err != nil {
		return err
	}
	d := applyData{Org: o, Types: []kexie.MemberType{"individual", "student", "foreign", "unit"}, IDTypes: memberfile.IDTypes}
	return s.Render(w, http.StatusOK, "apply", s.NewPage(r, rq, "apply.title", d))
}

// apply takes an application from the public form (no account needed):
// the fields are checked as an import row's are; the applicant gets a
// reference; staff see it in their queue.
func (s *handlers) apply(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.applyOrg(r)
	if err != nil {
		return err
	}
	d := applyData{Org: o, Form: r.PostForm, Types: []kexie.MemberType{"individual", "student", "foreign", "unit"}, IDTypes: memberfile.IDTypes}
	fail := func(err error) error {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict, kexie.CodeRateLimited:
			p := s.NewPage(r, rq, "apply.title", d)
			p.Error = web.Message(rq.L, kexie.AsError(err))
			return s.Render(w, web.HTTPStatus(kexie.ErrorCode(err)), "apply", p)
		}
		return err
	}
	fields := map[string]string{}
	for _, c := range applicationFields {
		fields[c] = r.PostForm.Get(c)
	}
	ref, err := s.submitApplication(r, rq, o, fields)
	if err != nil {
		return fail(err)
	}
	d.Form, d.Reference = nil, ref
	return s.Render(w, http.StatusCreated, "apply", s.NewPage(r, rq, "apply.title", d))
}

type applyFindData struct {
	Q, Ref string
	Orgs   []kexie.Organisation
	State  *membership.ApplicationState
}

// applyFind is the public way in to applications: find the organisation
// to apply to (its form), or look an application's state up by the
// reference the applicant was given. An unknown reference is a 404 page
// that says so; lookups are rate-limited per client address, as
// applications are.
func (s *handlers) applyFind(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	q := r.URL.Query()
	d := applyFindData{Q: strings.TrimSpace(q.Get("q")), Ref: strings.TrimSpace(q.Get("ref"))}
	var err error
	if d.Q != "" {
		if d.Orgs, err = s.reg.OrgsTakingApplications(r.Context(), d.Q, 50); err != nil {
			return err
		}
	}
	status := http.StatusOK
	p := s.NewPage(r, rq, "apply.find_title", &d)
	if d.Ref != "" {
		if !s.applyLimit.Take("r:" + rq.Addr) {
			return kexie.ErrRateLimited
		}
		st, err := s.mem.ApplicationByRef(r.Context(), d.Ref)
		switch {
		case err == nil:
			d.State = &st
		case kexie.ErrorCode(err) == kexie.CodeNotFound:
			status, p.Error = http.StatusNotFound, web.Message(rq.L, kexie.AsError(err))
		default:
			return err
		}
	}
	return s.Render(w, status, "apply_find", p)
}

// applicationFields are what an applicant fills in, named as an import
// file's columns.
var applicationFields = []string{"type", "name", "name_en", "pinyin", "gender", "birth_date", "id_type", "id_number", "nationality",
	"discipline", "title", "employer", "email", "phone", "credit_code", "contact_person"}

// submitApplication is the public application, from the form or the API:
// rate-limited per client address, checked as an import row is, recorded
// at stage submitted. It returns the applicant's reference.
func (s *handlers) submitApplication(r *http.Request, rq *web.Request, o kexie.Organisation, fields map[string]string) (string, error) {
	if !s.applyLimit.Take("a:" + rq.Addr) {
		return "", kexie.ErrRateLimited
	}
	vals := map[string]string{"org_code": o.Code}
	for _, c := range applicationFields {
		vals[c] = strings.TrimSpace(fields[c])
	}
	if vals["type"] == "honorary" {
		vals["type"] = "" // honorary membership is conferred, not applied for
	}
	m, err := memberfile.Check(tabular.Record{Values: vals}, s.DB().Now())
	if err != nil {
		return "", err
	}
	_, ref, err := s.mem.Apply(r.Context(), rq.Actor(r), o.ID, m, s.Config().Sealer, memberfile.MaskedID)
	return ref, err
}

type applicationsData struct {
	Apps   []membership.Application
	Today  string
	Stage  string   // the stage listed; "" for the open applications
	Stages []string // the stages one may list
	Open   bool     // the listed applications can still be decided
	Pager  web.Pager
}

const applicationsPerPage = 50

func (s *handlers) applicationsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderApplications(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderApplications(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	stage := r.URL.Query().Get("stage")
	page := web.PageParam(r)
	f := membership.ApplicationFilter{Stage: stage, Offset: (page - 1) * applicationsPerPage, Limit: applicationsPerPage}
	apps, err := s.mem.ListApplications(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	total, err := s.mem.CountApplications(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	p := s.NewPage(r, rq, "applications.title", applicationsData{Apps: apps, Today: s.Today(), Stage: stage, Pager: web.NewPager(r, page, applicationsPerPage, total),
		Stages: []string{membership.StageSubmitted, membership.StageRecommended, membership.StageReviewed, membership.StageApproved, membership.StageRejected},
		Open:   stage != membership.StageApproved && stage != membership.StageRejected})
	p.Error = errMsg
	return s.Render(w, status, "applications", p)
}

func (s *handlers) decide(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipWrite, s.mem.Member)
	if err != nil {
		return err
	}
	f := r.PostForm
	if f.Get("action") == "reject" && !web.Confirmed(r) {
		return s.renderApplications(w, r, rq, http.StatusBadRequest, web.Message(rq.L, kexie.Errorf(kexie.CodeInvalid, "err.confirm_reject",
			"rejecting the application of %v is final: the applicant sees it rejected, with the reason; confirm it", m.Record.Name)))
	}
	rec, err := s.mem.Decide(r.Context(), rq.Actor(r), m.ID, membership.Decision{Action: f.Get("action"), Day: strings.TrimSpace(f.Get("date")),
		Note: f.Get("note"), Body: f.Get("body"), Resolution: f.Get("resolution")})
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			return s.renderApplications(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	if rec.Status == "active" {
		http.Redirect(w, r, "/members/"+strconv.FormatInt(m.ID, 10)+"/card", http.StatusSeeOther)
		return nil
	}
	s.RedirectFlash(w, r, "/applications", "flash.member_changed")
	return nil
}

// verifyURL is the address a card's QR code opens.
// verifyURL is the public verification link a card's QR code carries:
// under the configured public address (behind a TLS-terminating proxy
// the request's own scheme and host are the proxy's inside view, and a
// printed card keeps its link for years), else the request's.
func (s *handlers) verifyURL(r *http.Request, token string) string {
	if s.Config().PublicURL != "" {
		return s.Config().PublicURL + "/verify/" + token
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/verify/" + token
}

type cardData struct {
	Card   membership.Card
	Verify string
}

func (s *handlers) cardPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	c, err := s.visibleCard(r, rq)
	if err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "card", s.NewPage(r, rq, "card.title", cardData{Card: c, Verify: s.verifyURL(r, c.Token)}))
}

// visibleCard is the card of the membership in the path, for a caller who
// may read that member; no card (an applicant, another subtree) is 404.
func (s *handlers) visibleCard(r *http.Request, rq *web.Request) (membership.Card, error) {
	id, err := web.PathID(r)
	if err != nil {
		return membership.Card{}, err
	}
	return s.mem.CardOf(r.Context(), rq.Actor(r), id)
}

// cardQR is the card's QR code as a PNG.
func (s *handlers) cardQR(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	c, err := s.visibleCard(r, rq)
	if err != nil {
		return err
	}
	code, err := qr.Encode(s.verifyURL(r, c.Token), qr.M)
	if err != nil {
		return err
	}
	code.Scale = 6
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err = w.Write(code.PNG())
	return err
}

// verify is the public page a card's QR code opens: name, organisation,
// type and whether the membership is valid today — nothing more.
func (s *handlers) verify(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	c, err := s.mem.CardByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	return s.Render(w, http.StatusOK, "verify", s.NewPage(r, rq, "verify.title", cardData{Card: c}))
}

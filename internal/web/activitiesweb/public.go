package activitiesweb

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// The public side: the calendar of public activities (a page, JSON and an
// ICS feed), a page per activity with the registration form, a series'
// editions, and the page a registration's link opens (view, cancel).
// None of it needs an account; a draft, cancelled or internal activity
// does not exist here.

const calendarPerPage = 20

// publicActivity is activity code if the public may see it.
func (s *handlers) publicActivity(ctx context.Context, code string) (activities.Activity, error) {
	a, err := s.act.ByCode(ctx, code)
	if err != nil {
		return a, err
	}
	if !a.IsPublic() {
		return a, &kexie.Error{Code: kexie.CodeNotFound, Key: "err.activity_not_found", Message: "no such activity"}
	}
	return a, nil
}

// yearParam reads ?year= (0: none).
func yearParam(r *http.Request) (int, error) {
	y := r.URL.Query().Get("year")
	if y == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(y)
	if err != nil || n < 1900 || n > 9999 {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.activity_year", "%q is not a year", kexie.Excerpt(y))
	}
	return n, nil
}

// calendarItem is one line of the calendar.
type calendarItem struct {
	A                activities.Activity
	Title            string
	TitleBack        bool
	SeriesName       string
	Upcoming, Recent bool
}

type calendarPage struct {
	Items      []calendarItem
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	Year       int
	Series     *activities.Series
	SeriesName string
}

func (s *handlers) items(as []activities.Activity, lang string) []calendarItem {
	out := make([]calendarItem, 0, len(as))
	for _, a := range as {
		it := calendarItem{A: a}
		it.Title, it.TitleBack = a.Title(lang)
		out = append(out, it)
	}
	return out
}

// calendar is the public calendar: public activities, newest first,
// paged, with the total.
func (s *handlers) calendar(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	page := web.PageParam(r)
	as, total, err := s.act.Public(r.Context(), activities.Filter{Year: year, Offset: (page - 1) * calendarPerPage, Limit: calendarPerPage})
	if err != nil {
		return err
	}
	d := calendarPage{Items: s.items(as, rq.L.Lang), Total: total, Page: page, Pages: max(1, (total+calendarPerPage-1)/calendarPerPage), Year: year}
	d.Prev, d.Next = web.PageLinks(r, page, page*calendarPerPage < total)
	return s.Render(w, http.StatusOK, "calendar", s.NewPage(r, rq, "cal.title", d))
}

// apiCalendar is the calendar as JSON: {"activities": [...], "total"}.
func (s *handlers) apiCalendar(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	as, total, err := s.act.Public(r.Context(), activities.Filter{Year: year, Series: r.URL.Query().Get("series"), Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := []activityJSON{}
	for _, a := range as {
		out = append(out, toJSON(a))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"activities": out, "total": total, "offset": offset, "limit": limit})
}

// calendarICS is the calendar as an iCalendar feed (RFC 5545): one
// all-day event per public activity.
func (s *handlers) calendarICS(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var all []activities.Activity
	for offset := 0; offset < 5000; offset += 500 {
		as, total, err := s.act.Public(r.Context(), activities.Filter{Offset: offset, Limit: 500})
		if err != nil {
			return err
		}
		all = append(all, as...)
		if offset+500 >= total {
			break
		}
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="kexie-activities.ics"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write([]byte(ICS(all, s.baseURL(r), time.Now())))
	return err
}

// baseURL is where the site is reached: the configured public address or
// the request's host.
func (s *handlers) baseURL(r *http.Request) string {
	if u := s.Config().PublicURL; u != "" {
		return strings.TrimRight(u, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// publicActivityPage shows a public activity: organisations in roles, the
// programme in columns, and while registration is open the form.
func (s *handlers) publicActivityPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showPublic(w, r, rq, http.StatusOK, nil, nil, nil)
}

func (s *handlers) showPublic(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, form map[string]string, done *activities.Registration, ferr error) error {
	a, err := s.publicActivity(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	lang := rq.L.Lang
	d := activityPage{A: a, Lang: lang, Public: true, Form: form, Done: done}
	d.Title, d.TitleBack = a.Title(lang)
	d.Theme, d.ThemeBack = a.Theme(lang)
	for _, ro := range a.Roles {
		d.Roles = append(d.Roles, rolePage{Role: ro.Role, Name: ro.Label(lang)})
	}
	if d.Programme, err = s.act.Programme(r.Context(), a.ID); err != nil {
		return err
	}
	if err := s.lists(r, a.ID, &d); err != nil {
		return err
	}
	d.SeriesName = s.seriesName(r.Context(), a, lang)
	ss, err := s.act.Sessions(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, x := range ss {
		if x.Capacity > 0 {
			title, _ := activities.Text(x.TitleZH, x.TitleEN, lang)
			d.Sessions = append(d.Sessions, sessionChoice{ID: x.ID, When: x.Starts.Format("01-02 15:04"), Title: title, Left: max(x.Capacity-x.Confirmed, 0)})
		}
	}
	now := time.Now()
	d.CanRegister = a.Status == activities.StatusRegistrationOpen && (a.RegOpens.IsZero() || !now.Before(a.RegOpens)) &&
		(a.RegCloses.IsZero() || now.Before(a.RegCloses))
	if done != nil {
		d.DoneRef = activities.FormatReference(done.Reference)
	}
	p := s.NewPage(r, rq, "act.title", d)
	p.Title = d.Title
	if ferr != nil {
		p.Error = web.Message(rq.L, kexie.AsError(ferr))
	}
	return s.Render(w, status, "activity", p)
}

// publicRegister takes the public registration form: a reference and a
// link to view or cancel come back.
func (s *handlers) publicRegister(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if err := r.ParseForm(); err != nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "invalid input")
	}
	form := map[string]string{}
	for _, k := range []string{"name", "employer", "country", "email", "session_id"} {
		form[k] = r.PostForm.Get(k)
	}
	in := activities.RegisterInput{Name: form["name"], Employer: form["employer"], Country: form["country"], Email: form["email"], Lang: rq.L.Lang}
	if v := form["session_id"]; v != "" {
		if in.SessionID, _ = strconv.ParseInt(v, 10, 64); in.SessionID <= 0 {
			in.SessionID = -1 // refused as an unknown session
		}
	}
	err := s.takeRegistration(r, rq)
	var reg activities.Registration
	if err == nil {
		reg, err = s.act.Register(r.Context(), rq.Actor(r), r.PathValue("code"), in)
	}
	if err == nil {
		return s.showPublic(w, r, rq, http.StatusCreated, nil, &reg, nil)
	}
	switch kexie.ErrorCode(err) {
	case kexie.CodeInvalid, kexie.CodeConflict, kexie.CodeRateLimited:
		return s.showPublic(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), form, nil, err)
	}
	return err
}

type registrationPage struct {
	R          activities.Registration
	Reference  string
	A          activities.Activity
	Title      string
	Cancelable bool
	Cancelled  bool
	Confirm    bool
}

// registrationPage is what a registration's link opens: the registration,
// its QR code while confirmed, and a button to cancel it (asked twice).
func (s *handlers) registrationPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showRegistration(w, r, rq, false)
}

func (s *handlers) showRegistration(w http.ResponseWriter, r *http.Request, rq *web.Request, cancelled bool) error {
	reg, err := s.act.RegistrationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	a, err := s.act.ByCode(r.Context(), reg.ActivityCode)
	if err != nil {
		return err
	}
	d := registrationPage{R: reg, Reference: activities.FormatReference(reg.Reference), A: a, Cancelled: cancelled,
		Cancelable: reg.Status != activities.RegCancelled && reg.Status != activities.RegRejected && a.Status != activities.StatusHeld && a.Status != activities.StatusCancelled,
		Confirm:    r.URL.Query().Get("confirm") == "cancel"}
	d.Title, _ = a.Title(rq.L.Lang)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.Render(w, http.StatusOK, "registration", s.NewPage(r, rq, "reg.title", d))
}

// cancelPost cancels the registration of the link, once asked to confirm.
func (s *handlers) cancelPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if _, err := s.act.CancelByToken(r.Context(), rq.Actor(r), r.PathValue("token")); err != nil {
		return err
	}
	return s.showRegistration(w, r, rq, true)
}

// seriesPage lists a series' public editions, newest first, paged.
func (s *handlers) seriesPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	sr, err := s.act.SeriesByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	page := web.PageParam(r)
	as, total, err := s.act.Public(r.Context(), activities.Filter{Series: sr.Code, Offset: (page - 1) * calendarPerPage, Limit: calendarPerPage})
	if err != nil {
		return err
	}
	if total == 0 {
		return seriesNotFound() // a series with no public edition is not the public's
	}
	d := calendarPage{Items: s.items(as, rq.L.Lang), Total: total, Page: page, Pages: max(1, (total+calendarPerPage-1)/calendarPerPage), Series: &sr}
	d.SeriesName, _ = activities.Text(sr.NameZH, sr.NameEN, rq.L.Lang)
	d.Prev, d.Next = web.PageLinks(r, page, page*calendarPerPage < total)
	p := s.NewPage(r, rq, "series.title", d)
	p.Title = d.SeriesName
	return s.Render(w, http.StatusOK, "calendar", p)
}

// apiSeries is a series with its public editions:
// {"code", "owner", "name", "editions": [...], "total"}.
func (s *handlers) apiSeries(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	sr, err := s.act.SeriesByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	as, total, err := s.act.Public(r.Context(), activities.Filter{Series: sr.Code, Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	if total == 0 {
		return seriesNotFound()
	}
	eds := []activityJSON{}
	for _, a := range as {
		eds = append(eds, toJSON(a))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"code": sr.Code, "name": activities.Both(sr.NameZH, sr.NameEN),
		"editions": eds, "total": total})
}

func seriesNotFound() error {
	return &kexie.Error{Code: kexie.CodeNotFound, Key: "err.series_not_found", Message: "no such series"}
}

// seriesName is the name of an activity's series in lang ("" for none).
func (s *handlers) seriesName(ctx context.Context, a activities.Activity, lang string) string {
	if a.SeriesCode == "" {
		return ""
	}
	sr, err := s.act.SeriesByCode(ctx, a.SeriesCode)
	if err != nil {
		return a.SeriesCode
	}
	name, _ := activities.Text(sr.NameZH, sr.NameEN, lang)
	return name
}

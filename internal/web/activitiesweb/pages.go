package activitiesweb

import (
	"crypto/rand"
	"net/http"
	"strings"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

type rolePage struct {
	Role, Name string
}

type activityPage struct {
	A          activities.Activity
	Title      string
	TitleBack  bool // the title is the other language's
	Theme      string
	ThemeBack  bool
	Roles      []rolePage
	Programme  activities.Programme
	Lang       string
	CanManage  bool
	Result     *activities.Checkin
	ResultTime string
	Nonce      string // the desk form's: a form sent twice (a reload) scans once
	Counts     map[string]int
	SeriesName string
	Exhibitors []activities.ExhibitorEntry // a fair's booths
	Teams      []activities.TeamEntry      // a competition's teams

	// The public page's.
	Public      bool
	CanRegister bool
	Form        map[string]string
	Done        *activities.Registration
	DoneRef     string
	Sessions    []sessionChoice // those taking registrations of their own (a capacity)
}

// sessionChoice is a session one may register for, with its places left.
type sessionChoice struct {
	ID    int64
	When  string
	Title string
	Left  int
}

// activityPage shows an activity: organisations in roles, the programme
// in columns by room, and for those who manage it the check-in form (a
// scanned QR code or a typed reference; the page works on a phone).
func (s *handlers) activityPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showActivity(w, r, rq, nil)
}

func (s *handlers) showActivity(w http.ResponseWriter, r *http.Request, rq *web.Request, res *activities.Checkin) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesRead, s.act.Activity)
	if err != nil {
		return err
	}
	lang := rq.L.Lang
	d := activityPage{A: a, Lang: lang, Result: res}
	d.Title, d.TitleBack = a.Title(lang)
	d.Theme, d.ThemeBack = a.Theme(lang)
	for _, ro := range a.Roles {
		d.Roles = append(d.Roles, rolePage{Role: ro.Role, Name: ro.Label(lang)})
	}
	if d.Programme, err = s.act.Programme(r.Context(), a.ID); err != nil {
		return err
	}
	d.SeriesName = s.seriesName(r.Context(), a, lang)
	if d.Counts, err = s.act.RegistrationCounts(r.Context(), a.ID); err != nil {
		return err
	}
	if err := s.lists(r, a.ID, &d); err != nil {
		return err
	}
	_, merr := s.act.Activity(r.Context(), rq.Actor(r), kexie.PermActivitiesManage, a.Code)
	d.CanManage = merr == nil
	if d.CanManage {
		d.Nonce = "form-" + rand.Text()
	}
	if res != nil {
		d.ResultTime = res.At.Format("15:04")
	}
	return s.Render(w, http.StatusOK, "activity", s.NewPage(r, rq, "act.title", d))
}

// checkinPost takes one scan from the page's form.
func (s *handlers) checkinPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "invalid input")
	}
	c, err := s.act.CheckIn(r.Context(), rq.Actor(r), a.Code, activities.Scan{Code: strings.TrimSpace(r.PostForm.Get("code")),
		List: r.PostForm.Get("list"), Nonce: r.PostForm.Get("nonce")})
	if err != nil {
		return err
	}
	return s.showActivity(w, r, rq, &c)
}

const historyPerPage = 50

type historyPage struct {
	A          activities.Activity
	Title      string
	Entries    []activities.CheckinEntry
	Total      int
	Page       int
	Prev, Next string
}

// historyPage is an activity's check-in history, newest first: every
// scan with its list, the person, the answer, when and by whom, and
// whether it was made offline.
func (s *handlers) historyPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	page := web.PageParam(r)
	d := historyPage{A: a, Page: page}
	d.Title, _ = a.Title(rq.L.Lang)
	if d.Entries, d.Total, err = s.act.HistoryPage(r.Context(), a.ID, (page-1)*historyPerPage, historyPerPage); err != nil {
		return err
	}
	for i := range d.Entries {
		d.Entries[i].Reference = activities.FormatReference(d.Entries[i].Reference)
	}
	d.Prev, d.Next = web.PageLinks(r, page, page*historyPerPage < d.Total)
	return s.Render(w, http.StatusOK, "checkin_history", s.NewPage(r, rq, "hist.title", d))
}

// lists reads activity id's exhibitors and teams into d.
func (s *handlers) lists(r *http.Request, id int64, d *activityPage) error {
	var err error
	if d.Exhibitors, err = s.act.Exhibitors(r.Context(), id); err != nil {
		return err
	}
	d.Teams, err = s.act.Teams(r.Context(), id)
	return err
}

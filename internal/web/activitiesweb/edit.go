package activitiesweb

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// Editing an activity: its record, its organisations in roles, its
// sessions and breaks, its status. Cancelling — the one step that cannot
// be undone — is asked to be confirmed on the page first.

// pathID reads {id}; anything but a positive number is invalid.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", "id")
	}
	return id, nil
}

// inputOf is an activity's record as an Input, to edit.
func inputOf(a activities.Activity) activities.Input {
	in := activities.Input{Code: a.Code, Kind: a.Kind, Category: a.Category, TitleZH: a.TitleZH, TitleEN: a.TitleEN, ThemeZH: a.ThemeZH,
		ThemeEN: a.ThemeEN, Starts: a.Starts.String(), Ends: a.Ends.String(), Venue: a.Venue, City: a.City, RegionCode: a.RegionCode,
		Mode: a.Mode, Public: a.Public, Series: a.SeriesCode, Edition: a.Edition, Capacity: a.Capacity, Approval: a.Approval}
	if !a.RegOpens.IsZero() {
		in.RegOpens = a.RegOpens.In(kexie.Beijing).Format("2006-01-02 15:04")
	}
	if !a.RegCloses.IsZero() {
		in.RegCloses = a.RegCloses.In(kexie.Beijing).Format("2006-01-02 15:04")
	}
	return in
}

// --- API ---

func (s *handlers) apiUpdate(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.Input
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.Code != "" && in.Code != a.Code || len(in.Roles) > 0 {
		return kexie.Errorf(kexie.CodeInvalid, "err.activity_update_fields", "the code stays, and the organisations are changed on their own")
	}
	a, err = s.act.Update(r.Context(), rq.Actor(r), a.Code, in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toJSON(a))
}

func (s *handlers) apiRoles(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in struct {
		Roles []activities.RoleInput `json:"organisations"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.act.SetRoles(r.Context(), rq.Actor(r), a.Code, in.Roles); err != nil {
		return err
	}
	a, err = s.act.ByCode(r.Context(), a.Code)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toJSON(a))
}

func (s *handlers) apiUpdateSession(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.SessionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.UpdateSession(r.Context(), rq.Actor(r), a.Code, id, in); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]int64{"id": id})
}

func (s *handlers) apiDeleteSession(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.DeleteSession(r.Context(), rq.Actor(r), a.Code, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *handlers) apiDeleteBreak(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.DeleteBreak(r.Context(), rq.Actor(r), a.Code, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// --- Pages ---

type roleRow struct {
	Role, OrgCode, Name string
}

type editPage struct {
	A             activities.Activity
	Title         string
	In            activities.Input
	Roles         []roleRow
	Sessions      []activities.Session
	Breaks        []activities.Break
	Next          []string
	ConfirmCancel bool
	Kinds         []string
	Categories    []string
	Modes         []string
	RoleNames     []string
	SessionKinds  []string
	Columns       string
	Imported      *programmeOutcome
	Listed        *listOutcome // a registration list just read
	ListColumns   string
	Recorded      activities.Recorded
}

// editForm shows the editing page of an activity.
func (s *handlers) editForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showEdit(w, r, rq, http.StatusOK, nil, nil, false)
}

// showEdit renders the editing page; in (when not nil) is what was typed
// and failed with ferr.
func (s *handlers) showEdit(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, in *activities.Input, ferr error, confirmCancel bool) error {
	return s.renderEdit(w, r, rq, status, in, ferr, confirmCancel, nil)
}

// showEditWith shows the editing page with what a programme file added.
func (s *handlers) showEditWith(w http.ResponseWriter, r *http.Request, rq *web.Request, imported *programmeOutcome) error {
	return s.renderEdit(w, r, rq, http.StatusOK, nil, nil, false, imported)
}

func (s *handlers) renderEdit(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, in *activities.Input, ferr error, confirmCancel bool,
	imported *programmeOutcome) error {
	return s.renderEditWith(w, r, rq, status, in, ferr, confirmCancel, func(d *editPage) { d.Imported = imported })
}

// renderEditWith renders the editing page with what a file just gave
// (set by with).
func (s *handlers) renderEditWith(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, in *activities.Input, ferr error, confirmCancel bool,
	with func(d *editPage)) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	d := editPage{A: a, In: inputOf(a), Next: activities.NextStatuses(a.Status), ConfirmCancel: confirmCancel,
		Kinds: activities.Kinds, Categories: activities.Categories, Modes: activities.Modes, RoleNames: activities.Roles, SessionKinds: activities.SessionKinds,
		Columns: strings.Join(activities.ProgrammeColumns, ", "), ListColumns: strings.Join(registrationListSpec.Columns, ", ")}
	with(&d)
	if in != nil {
		d.In = *in
	}
	d.Title, _ = a.Title(rq.L.Lang)
	for _, ro := range a.Roles {
		d.Roles = append(d.Roles, roleRow{Role: ro.Role, OrgCode: ro.OrgCode, Name: ro.Name})
	}
	for range 3 {
		d.Roles = append(d.Roles, roleRow{})
	}
	if d.Sessions, err = s.act.Sessions(r.Context(), a.ID); err != nil {
		return err
	}
	if d.Breaks, err = s.act.Breaks(r.Context(), a.ID); err != nil {
		return err
	}
	if d.Recorded, err = s.act.RecordedOf(r.Context(), a.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "actedit.title", d)
	if ferr != nil {
		p.Error = web.Message(rq.L, kexie.AsError(ferr))
	}
	return s.Render(w, status, "activity_edit", p)
}

// fail shows the editing page again with a refusal the user can act on;
// anything else is an error of the request.
func (s *handlers) fail(w http.ResponseWriter, r *http.Request, rq *web.Request, in *activities.Input, err error) error {
	switch kexie.ErrorCode(err) {
	case kexie.CodeInvalid, kexie.CodeConflict:
		return s.showEdit(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), in, err, false)
	}
	return err
}

func (s *handlers) saved(w http.ResponseWriter, r *http.Request, code string) error {
	s.RedirectFlash(w, r, "/activities/"+code+"/edit", "flash.activity_saved")
	return nil
}

// formInput reads the activity's record from the editing form.
func formInput(r *http.Request) activities.Input {
	f := r.PostForm
	capacity, _ := strconv.Atoi(strings.TrimSpace(f.Get("capacity")))
	edition, _ := strconv.Atoi(strings.TrimSpace(f.Get("edition")))
	if strings.TrimSpace(f.Get("capacity")) != "" && capacity == 0 && strings.TrimSpace(f.Get("capacity")) != "0" {
		capacity = -1 // not a number: refused as such
	}
	return activities.Input{Kind: f.Get("kind"), Category: f.Get("category"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"),
		ThemeZH: f.Get("theme_zh"), ThemeEN: f.Get("theme_en"), Starts: f.Get("starts"), Ends: f.Get("ends"), Venue: f.Get("venue"),
		City: f.Get("city"), RegionCode: f.Get("region_code"), Mode: f.Get("mode"), Public: f.Get("public") == "on", Series: f.Get("series"),
		Edition: edition, Capacity: capacity, Approval: f.Get("approval") == "on", RegOpens: f.Get("registration_opens"), RegCloses: f.Get("registration_closes")}
}

func (s *handlers) editPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	in := formInput(r)
	if _, err := s.act.Update(r.Context(), rq.Actor(r), a.Code, in); err != nil {
		in.Code = a.Code
		return s.fail(w, r, rq, &in, err)
	}
	return s.saved(w, r, a.Code)
}

// rolesPost replaces the organisations in roles: rows role_N with org_N
// (a registry code) or name_N (an outside body); rows without a role are
// left out.
func (s *handlers) rolesPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var roles []activities.RoleInput
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		role := strings.TrimSpace(r.PostForm.Get("role_" + n))
		if _, ok := r.PostForm["role_"+n]; !ok {
			break
		}
		if role == "" {
			continue
		}
		roles = append(roles, activities.RoleInput{Role: role, OrgCode: strings.TrimSpace(r.PostForm.Get("org_" + n)), Name: r.PostForm.Get("name_" + n)})
	}
	if err := s.act.SetRoles(r.Context(), rq.Actor(r), a.Code, roles); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

func formSession(r *http.Request) activities.SessionInput {
	f := r.PostForm
	capacity, _ := strconv.Atoi(strings.TrimSpace(f.Get("capacity")))
	return activities.SessionInput{Kind: f.Get("kind"), TitleZH: f.Get("title_zh"), TitleEN: f.Get("title_en"), International: f.Get("international") == "on",
		Room: f.Get("room"), Track: f.Get("track"), Chairs: f.Get("chairs"), Starts: f.Get("starts"), Ends: f.Get("ends"), Capacity: capacity}
}

func (s *handlers) sessionPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	if _, err := s.act.AddSession(r.Context(), rq.Actor(r), a.Code, formSession(r)); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

func (s *handlers) sessionUpdatePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.UpdateSession(r.Context(), rq.Actor(r), a.Code, id, formSession(r)); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

func (s *handlers) sessionDeletePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.DeleteSession(r.Context(), rq.Actor(r), a.Code, id); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

func (s *handlers) breakPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	f := r.PostForm
	if _, err := s.act.AddBreak(r.Context(), rq.Actor(r), a.Code, f.Get("title_zh"), f.Get("title_en"), f.Get("starts"), f.Get("ends")); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

func (s *handlers) breakDeletePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.act.DeleteBreak(r.Context(), rq.Actor(r), a.Code, id); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

// statusPost moves the activity along; cancelling asks to be confirmed
// first (confirm=yes), since a cancelled activity is final.
func (s *handlers) statusPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	status := r.PostForm.Get("status")
	if status == activities.StatusCancelled && r.PostForm.Get("confirm") != "yes" {
		if !activities.MayMove(a.Status, status) {
			return s.fail(w, r, rq, nil, kexie.Errorf(kexie.CodeConflict, "err.activity_transition_to", "the activity cannot move to that status now"))
		}
		return s.showEdit(w, r, rq, http.StatusOK, nil, nil, true)
	}
	if err := s.act.SetStatus(r.Context(), rq.Actor(r), a.Code, status); err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.saved(w, r, a.Code)
}

type listPage struct {
	Items      []calendarItem
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	Status     string
	Statuses   []string
	CanCreate  bool
}

const listPerPage = 30

// listPage lists the activities the caller may read — drafts and
// internal ones too — newest first, paged with the total, by status.
func (s *handlers) listPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	page := web.PageParam(r)
	status := r.URL.Query().Get("status")
	as, total, err := s.act.List(r.Context(), rq.Actor(r), activities.Filter{Status: status, Offset: (page - 1) * listPerPage, Limit: listPerPage})
	if err != nil {
		return err
	}
	d := listPage{Items: s.items(as, rq.L.Lang), Total: total, Page: page, Pages: max(1, (total+listPerPage-1)/listPerPage), Status: status,
		Statuses: activities.Statuses}
	d.Prev, d.Next = web.PageLinks(r, page, page*listPerPage < total)
	d.CanCreate, _ = s.DB().HoldsAnywhere(r.Context(), rq.Actor(r).UserID, kexie.PermActivitiesManage)
	return s.Render(w, http.StatusOK, "activities", s.NewPage(r, rq, "actlist.title", d))
}

type newPage struct {
	In         activities.Input
	Owner      string
	Kinds      []string
	Categories []string
	Modes      []string
}

// newForm is the form that enters an activity (a draft) for an
// organisation the caller manages activities of.
func (s *handlers) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showNew(w, r, rq, http.StatusOK, newPage{Owner: r.URL.Query().Get("org"), In: activities.Input{Mode: "in_person"}}, nil)
}

func (s *handlers) showNew(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d newPage, ferr error) error {
	d.Kinds, d.Categories, d.Modes = activities.Kinds, activities.Categories, activities.Modes
	p := s.NewPage(r, rq, "actnew.title", d)
	if ferr != nil {
		p.Error = web.Message(rq.L, kexie.AsError(ferr))
	}
	return s.Render(w, status, "activity_new", p)
}

// newPost enters the activity, its owner the sponsor, and opens its
// editing page.
func (s *handlers) newPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	in := formInput(r)
	in.Code = strings.TrimSpace(r.PostForm.Get("code"))
	owner := strings.TrimSpace(r.PostForm.Get("org"))
	in.Roles = []activities.RoleInput{{Role: "sponsor", OrgCode: owner}}
	a, err := s.act.Create(r.Context(), rq.Actor(r), in)
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict, kexie.CodeNotFound:
			return s.showNew(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), newPage{In: in, Owner: owner}, err)
		}
		return err
	}
	s.RedirectFlash(w, r, "/activities/"+a.Code+"/edit", "flash.activity_created")
	return nil
}

// figurePost records one of the figures from the editing page: an
// anonymous count, an exhibitor or a team.
func (s *handlers) figurePost(kind string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
		a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
		if err != nil {
			return err
		}
		f := r.PostForm
		switch kind {
		case "reach":
			people, perr := strconv.ParseInt(strings.TrimSpace(f.Get("people")), 10, 64)
			if perr != nil {
				people = 0 // refused as such
			}
			_, err = s.act.AddReach(r.Context(), rq.Actor(r), a.Code, activities.Reach{People: people, Method: f.Get("method")})
		case "exhibitor":
			_, err = s.act.AddExhibitor(r.Context(), rq.Actor(r), a.Code, activities.Exhibitor{Booth: f.Get("booth"), OrgCode: f.Get("org_code"),
				Name: f.Get("name"), Theme: f.Get("theme")})
		default:
			_, err = s.act.AddTeam(r.Context(), rq.Actor(r), a.Code, activities.Team{Name: f.Get("name"), Category: f.Get("category"), School: f.Get("school"),
				Members: f.Get("members"), Advisers: f.Get("advisers"), Result: f.Get("result"), PrizeGrade: f.Get("prize_grade")})
		}
		if err != nil {
			return s.fail(w, r, rq, nil, err)
		}
		return s.saved(w, r, a.Code)
	}
}

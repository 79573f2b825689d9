package activitiesweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

type roleJSON struct {
	Role    string `json:"role"`
	OrgCode string `json:"org_code,omitempty"`
	Name    string `json:"name"`
	NameEN  string `json:"name_en,omitempty"`
}

type activityJSON struct {
	Code       string                `json:"code"`
	Owner      string                `json:"owner"`
	Kind       string                `json:"kind"`
	Category   string                `json:"category"`
	Title      activities.Bilingual  `json:"title"`
	Theme      activities.Bilingual  `json:"theme"`
	Starts     kexie.Date            `json:"starts"`
	Ends       kexie.Date            `json:"ends"`
	TimeZone   string                `json:"time_zone"`
	Venue      string                `json:"venue"`
	City       string                `json:"city"`
	RegionCode string                `json:"region_code"`
	Mode       string                `json:"mode"`
	Public     bool                  `json:"public"`
	Status     string                `json:"status"`
	Series     string                `json:"series,omitempty"`
	Edition    int                   `json:"edition,omitempty"`
	Capacity   int                   `json:"capacity"`
	Confirmed  int                   `json:"confirmed"`
	Roles      []roleJSON            `json:"organisations"`
	Programme  *activities.Programme `json:"programme,omitempty"`
}

func toJSON(a activities.Activity) activityJSON {
	out := activityJSON{Code: a.Code, Owner: a.OrgCode, Kind: a.Kind, Category: a.Category, Title: activities.Both(a.TitleZH, a.TitleEN),
		Theme: activities.Both(a.ThemeZH, a.ThemeEN), Starts: a.Starts, Ends: a.Ends, TimeZone: "Asia/Shanghai", Venue: a.Venue, City: a.City,
		RegionCode: a.RegionCode, Mode: a.Mode, Public: a.Public, Status: a.Status, Series: a.SeriesCode, Edition: a.Edition,
		Capacity: a.Capacity, Confirmed: a.Confirmed, Roles: []roleJSON{}}
	for _, r := range a.Roles {
		j := roleJSON{Role: r.Role, OrgCode: r.OrgCode, Name: r.Label("zh-Hans")}
		if r.OrgID != 0 {
			j.NameEN = r.OrgNameEN
		}
		out.Roles = append(out.Roles, j)
	}
	return out
}

func (s *handlers) apiList(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	f := activities.Filter{Status: r.URL.Query().Get("status"), Series: r.URL.Query().Get("series"), Offset: offset, Limit: limit}
	if y := r.URL.Query().Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil || f.Year < 1900 || f.Year > 9999 {
			return kexie.Errorf(kexie.CodeInvalid, "err.activity_year", "%q is not a year", kexie.Excerpt(y))
		}
	}
	as, total, err := s.act.List(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	out := []activityJSON{}
	for _, a := range as {
		out = append(out, toJSON(a))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"activities": out, "total": total})
}

func (s *handlers) apiCreate(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.reg.Org)
	if err != nil {
		return err
	}
	var in activities.Input
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if len(in.Roles) == 0 {
		in.Roles = []activities.RoleInput{{Role: "sponsor", OrgCode: o.Code}}
	}
	a, err := s.act.Create(r.Context(), rq.Actor(r), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toJSON(a))
}

func (s *handlers) apiActivity(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesRead, s.act.Activity)
	if err != nil {
		return err
	}
	p, err := s.act.Programme(r.Context(), a.ID)
	if err != nil {
		return err
	}
	j := toJSON(a)
	j.Programme = &p
	return web.WriteJSON(w, http.StatusOK, j)
}

func (s *handlers) apiStatus(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.act.SetStatus(r.Context(), rq.Actor(r), a.Code, in.Status); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]string{"code": a.Code, "status": in.Status})
}

func (s *handlers) apiSession(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.SessionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddSession(r.Context(), rq.Actor(r), a.Code, in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (s *handlers) apiBreak(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in struct {
		TitleZH string `json:"title_zh"`
		TitleEN string `json:"title_en"`
		Starts  string `json:"starts"`
		Ends    string `json:"ends"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddBreak(r.Context(), rq.Actor(r), a.Code, in.TitleZH, in.TitleEN, in.Starts, in.Ends)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

// apiRegister answers 201 {"reference", "status", "token", "link"}.
func (s *handlers) apiRegister(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if err := s.takeRegistration(r, rq); err != nil {
		return err
	}
	var in activities.RegisterInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	reg, err := s.act.Register(r.Context(), rq.Actor(r), r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]string{"reference": activities.FormatReference(reg.Reference), "status": reg.Status,
		"token": reg.Token, "cancel": "/api/v1/registrations/" + reg.Token + "/cancel"})
}

// apiCheckin answers 201 {"result": "checked_in" | "duplicate", "at"}.
// The activity is not loaded first: CheckIn checks, in its own
// transaction, that the caller manages it (not found otherwise) — one
// read less per scan at a busy desk.
func (s *handlers) apiCheckin(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in activities.Scan
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.act.CheckIn(r.Context(), rq.Actor(r), r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]string{"result": c.Result, "at": c.At.Format(time.RFC3339),
		"name": c.Name, "reference": activities.FormatReference(c.Reference)})
}

func (s *handlers) apiCancel(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	reg, err := s.act.CancelByToken(r.Context(), rq.Actor(r), r.PathValue("token"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]string{"reference": activities.FormatReference(reg.Reference), "status": reg.Status})
}

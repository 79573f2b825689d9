package activitiesweb

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// apiStats are an organisation's activity figures for ?year= (this year,
// Beijing time, when not given): {"org", "year", "total", "by_category",
// "by_kind"}, each figures object {"activities", "sessions",
// "international_sessions", "attendance", "anonymous_attendance",
// "papers", "exhibitors", "teams"}.
func (s *handlers) apiStats(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	year := time.Now().In(kexie.Beijing).Year()
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 9999 {
			return kexie.Errorf(kexie.CodeInvalid, "err.activity_year", "%q is not a year", kexie.Excerpt(y))
		}
		year = n
	}
	st, err := s.act.Stats(r.Context(), rq.Actor(r), r.PathValue("code"), year)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, st)
}

func created(w http.ResponseWriter, id int64, err error) error {
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (s *handlers) apiContribution(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.Contribution
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	session, err := pathID(r)
	if err != nil {
		return err
	}
	id, err := s.act.AddContribution(r.Context(), rq.Actor(r), a.Code, session, in)
	return created(w, id, err)
}

func (s *handlers) apiReach(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.Reach
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddReach(r.Context(), rq.Actor(r), a.Code, in)
	return created(w, id, err)
}

func (s *handlers) apiExhibitor(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.Exhibitor
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddExhibitor(r.Context(), rq.Actor(r), a.Code, in)
	return created(w, id, err)
}

func (s *handlers) apiTeam(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in activities.Team
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddTeam(r.Context(), rq.Actor(r), a.Code, in)
	return created(w, id, err)
}

// apiExhibitors lists an activity's exhibitors by booth:
// {"exhibitors": [...], "total"}.
func (s *handlers) apiExhibitors(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesRead, s.act.Activity)
	if err != nil {
		return err
	}
	xs, err := s.act.Exhibitors(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"exhibitors": xs, "total": len(xs)})
}

// apiTeams lists an activity's teams by category and name:
// {"teams": [...], "total"}.
func (s *handlers) apiTeams(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesRead, s.act.Activity)
	if err != nil {
		return err
	}
	ts, err := s.act.Teams(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"teams": ts, "total": len(ts)})
}

// apiChair adds a chair to a session: a member of the register
// ({"org_code", "member_no"}) or a person by name with their
// affiliation: 201 {"id"}.
func (s *handlers) apiChair(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	session, err := pathID(r)
	if err != nil {
		return err
	}
	var in activities.Person
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddChair(r.Context(), rq.Actor(r), a.Code, session, in)
	return created(w, id, err)
}

// apiSpeaker adds a speaker to a contribution, as apiChair a chair.
func (s *handlers) apiSpeaker(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	contribution, err := pathID(r)
	if err != nil {
		return err
	}
	var in activities.Person
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.act.AddSpeaker(r.Context(), rq.Actor(r), a.Code, contribution, in)
	return created(w, id, err)
}

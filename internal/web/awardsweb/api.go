package awardsweb

import (
	"context"
	"net/http"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// unitIn is a recommending unit named by its organisation's code.
type unitIn struct {
	OrgCode string `json:"org_code"`
	Quota   int    `json:"quota"`
}

// bodyIn is an establishing body: an organisation of the registry by
// code, or an outside body by name.
type bodyIn struct {
	OrgCode string `json:"org_code,omitempty"`
	Name    string `json:"name"`
}

type programmeIn struct {
	OrgCode     string                `json:"org_code"`
	Code        string                `json:"code"`
	NameZH      string                `json:"name_zh"`
	NameEN      string                `json:"name_en"`
	Bodies      []bodyIn              `json:"bodies"`
	CycleYears  int                   `json:"cycle_years"`
	TotalCap    int                   `json:"total_cap"`
	Grades      []awardrule.Grade     `json:"grades"`
	Eligibility awardrule.Eligibility `json:"eligibility"`
	Form        []awardrule.Criterion `json:"form"`
	Uniqueness  string                `json:"uniqueness"`
	COIYears    int                   `json:"coi_years"`
	HigherID    int64                 `json:"higher_id"`
}

type roundIn struct {
	Year          int        `json:"year"`
	NominateFrom  kexie.Date `json:"nominate_from"`
	NominateTo    kexie.Date `json:"nominate_to"`
	CheckBy       kexie.Date `json:"check_by"`
	ReviewBy      kexie.Date `json:"review_by"`
	DecideBy      kexie.Date `json:"decide_by"`
	PublicityDays int        `json:"publicity_days"`
	HideNominee   bool       `json:"hide_nominee"`
	ExpertsPer    int        `json:"experts_per"`
	Units         []unitIn   `json:"units"`
}

// roundJSON is a round with its programme's names.
type roundJSON struct {
	awards.Round
	ProgrammeCode string `json:"programme_code"`
	ProgrammeZH   string `json:"programme_name_zh"`
	ProgrammeEN   string `json:"programme_name_en"`
	PublicityEnd  string `json:"publicity_until,omitempty"`
	Manage        bool   `json:"manage"`
}

func roundOut(r awards.Round, p awards.Programme, manage bool) roundJSON {
	if r.Units == nil {
		r.Units = []awards.Unit{}
	}
	out := roundJSON{Round: r, ProgrammeCode: p.Code, ProgrammeZH: p.NameZH, ProgrammeEN: p.NameEN, Manage: manage}
	if e := r.PublicityEnd(); !e.IsZero() {
		out.PublicityEnd = e.String()
	}
	return out
}

func (s *handlers) units(ctx context.Context, in []unitIn) ([]awards.Unit, error) {
	out := []awards.Unit{}
	for _, u := range in {
		o, err := s.reg.OrgByCode(ctx, u.OrgCode)
		if err != nil {
			return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_unit_unknown", "no organisation with code %v to recommend", kexie.Excerpt(u.OrgCode))
		}
		out = append(out, awards.Unit{OrgID: o.ID, Code: o.Code, Quota: u.Quota})
	}
	return out, nil
}

// apiProgrammes lists the programmes the caller's award office runs.
func (s *handlers) apiProgrammes(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ps, err := s.aw.Programmes(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"programmes": ps})
}

// apiCreateProgramme establishes a programme administered by org_code.
func (s *handlers) apiCreateProgramme(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in programmeIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := s.reg.Org(r.Context(), rq.Actor(r), kexie.PermAwardsManage, in.OrgCode)
	if err != nil {
		return err
	}
	p := awards.Programme{OrgID: o.ID, Code: in.Code, NameZH: in.NameZH, NameEN: in.NameEN, CycleYears: in.CycleYears, TotalCap: in.TotalCap,
		Grades: in.Grades, Eligibility: in.Eligibility, Form: in.Form, Uniqueness: in.Uniqueness, COIYears: in.COIYears, HigherID: in.HigherID}
	for _, b := range in.Bodies {
		body := awards.Body{Name: b.Name}
		if b.OrgCode != "" {
			bo, err := s.reg.OrgByCode(r.Context(), b.OrgCode)
			if err != nil {
				return kexie.Errorf(kexie.CodeInvalid, "err.award_body_unknown", "no organisation with code %v to establish the programme", kexie.Excerpt(b.OrgCode))
			}
			body.OrgID = bo.ID
			if body.Name == "" {
				body.Name = bo.NameZH
			}
		}
		p.Bodies = append(p.Bodies, body)
	}
	p, err = s.aw.CreateProgramme(r.Context(), rq.Actor(r), p)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, p)
}

// apiProgramme is a programme with its rounds.
func (s *handlers) apiProgramme(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	p, err := web.LoadByID(r, rq, kexie.PermAwardsManage, s.aw.Programme)
	if err != nil {
		return err
	}
	rs, err := s.aw.Rounds(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := []roundJSON{}
	for _, x := range rs {
		out = append(out, roundOut(x, p, true))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"programme": p, "rounds": out})
}

// apiCreateRound opens a round of a programme with its units and quotas.
func (s *handlers) apiCreateRound(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	p, err := web.LoadByID(r, rq, kexie.PermAwardsManage, s.aw.Programme)
	if err != nil {
		return err
	}
	var in roundIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	us, err := s.units(r.Context(), in.Units)
	if err != nil {
		return err
	}
	rd, err := s.aw.CreateRound(r.Context(), rq.Actor(r), p.ID, awards.Round{Year: in.Year, NominateFrom: in.NominateFrom, NominateTo: in.NominateTo,
		CheckBy: in.CheckBy, ReviewBy: in.ReviewBy, DecideBy: in.DecideBy, PublicityDays: in.PublicityDays, HideNominee: in.HideNominee,
		ExpertsPer: in.ExpertsPer, Units: us})
	if err != nil {
		return err
	}
	rd, p, _, err = s.aw.RoundFor(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, roundOut(rd, p, true))
}

// apiExperts lists a programme's pool.
func (s *handlers) apiExperts(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	es, err := s.aw.Experts(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"experts": es})
}

// apiAddExpert puts someone in a programme's pool.
func (s *handlers) apiAddExpert(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	p, err := web.LoadByID(r, rq, kexie.PermAwardsManage, s.aw.Programme)
	if err != nil {
		return err
	}
	var in struct {
		UserID   int64  `json:"user_id"`
		Name     string `json:"name"`
		Employer string `json:"employer"`
		OrgCode  string `json:"org_code"`
		Fields   string `json:"fields"`
		IDType   string `json:"id_type"`
		IDNumber string `json:"id_number"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	e := awards.Expert{UserID: in.UserID, Name: in.Name, Employer: in.Employer, Fields: in.Fields, IDType: in.IDType, IDNumber: in.IDNumber}
	if in.OrgCode != "" {
		o, err := s.reg.OrgByCode(r.Context(), in.OrgCode)
		if err != nil {
			return kexie.Errorf(kexie.CodeInvalid, "err.award_unit_unknown", "no organisation with code %v to recommend", kexie.Excerpt(in.OrgCode))
		}
		e.OrgID = o.ID
	}
	e, err = s.aw.AddExpert(r.Context(), rq.Actor(r), p.ID, e, s.Config().Sealer)
	if err != nil {
		return err
	}
	e.IDNumber = ""
	return web.WriteJSON(w, http.StatusCreated, e)
}

// apiRelation records a relation of an expert (advisor, family,
// co-author, collaborator) with a person by identity document.
func (s *handlers) apiRelation(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, _, err := s.aw.ExpertFor(r.Context(), rq.Actor(r), id); err != nil {
		return err
	}
	var in awards.Relation
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.AddRelation(r.Context(), rq.Actor(r), id, in, s.Config().Sealer); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]any{"expert_id": id, "kind": in.Kind, "year": in.Year})
}

// apiConflict pins or waives a conflict of an expert with a nomination.
func (s *handlers) apiConflict(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, manage, err := s.aw.ExpertFor(r.Context(), rq.Actor(r), id); err != nil || !manage {
		if err == nil {
			err = kexie.Errorf(kexie.CodeNotFound, "err.award_expert_not_found", "no such expert")
		}
		return err
	}
	var in struct {
		NominationID int64  `json:"nomination_id"`
		Mode         string `json:"mode"`
		Reason       string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.SetConflict(r.Context(), rq.Actor(r), id, in.NominationID, in.Mode, in.Reason); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"expert_id": id, "nomination_id": in.NominationID, "mode": in.Mode})
}

// apiRounds lists the rounds the caller runs or nominates in.
func (s *handlers) apiRounds(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rs, err := s.aw.RoundsFor(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"rounds": rs})
}

// apiRound is a round: all of it to the award office, a unit's own quota
// to its staff.
func (s *handlers) apiRound(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rd, p, manage, err := s.aw.RoundFor(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, roundOut(rd, p, manage))
}

// apiUnits replaces a round's recommending units and quotas.
func (s *handlers) apiUnits(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	var in struct {
		Units []unitIn `json:"units"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	us, err := s.units(r.Context(), in.Units)
	if err != nil {
		return err
	}
	if err := s.aw.SetUnits(r.Context(), rq.Actor(r), rd.ID, us); err != nil {
		return err
	}
	rd, p, _, err := s.aw.RoundFor(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, roundOut(rd, p, true))
}

// managedRound is the round {id} for its award office.
func (s *handlers) managedRound(r *http.Request, rq *web.Request) (awards.Round, awards.Programme, error) {
	id, err := web.PathID(r)
	if err != nil {
		return awards.Round{}, awards.Programme{}, err
	}
	return s.aw.Round(r.Context(), rq.Actor(r), kexie.PermAwardsManage, id)
}

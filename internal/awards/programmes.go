package awards

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// checkProgramme refuses a programme its rules cannot run.
func checkProgramme(p *Programme) error {
	var err error
	if p.Code, err = clean(p.Code); err != nil {
		return err
	}
	if p.NameZH, err = clean(p.NameZH); err != nil {
		return err
	}
	if p.NameEN, err = clean(p.NameEN); err != nil {
		return err
	}
	switch {
	case p.Code == "" || len(p.Code) > 40:
		return invalid("err.award_code", "a programme needs a code of at most 40 characters")
	case p.NameZH == "":
		return invalid("err.award_name", "a programme needs a Chinese name")
	case p.CycleYears <= 0 || p.CycleYears > 20:
		return invalid("err.award_cycle", "the cycle is 1 to 20 years")
	case p.TotalCap < 0:
		return invalid("err.award_total", "the total cap cannot be negative")
	case len(p.Grades) == 0:
		return invalid("err.award_grades", "a programme needs at least one grade")
	}
	if p.Uniqueness == "" {
		p.Uniqueness = "lifetime"
	}
	if p.Uniqueness != "lifetime" && p.Uniqueness != "grade" {
		return invalid("err.award_uniqueness", "uniqueness is lifetime or grade")
	}
	if p.COIYears < 0 || p.COIYears > 50 {
		return invalid("err.award_coi_years", "the co-author window is 0 to 50 years")
	}
	seen := map[string]bool{}
	for _, g := range p.Grades {
		if g.Code == "" || seen[g.Code] || !g.Cap.Valid() {
			return invalid("err.award_grade", "grade %v: a unique code and a cap that is a count or a share between 0 and 1", g.Code)
		}
		seen[g.Code] = true
	}
	for _, b := range p.Bodies {
		if b.OrgID == 0 && b.Name == "" {
			return invalid("err.award_body", "an establishing body is an organisation or a name")
		}
	}
	if err := p.Eligibility.Check(); err != nil {
		return invalid("err.award_eligibility", "eligibility rules: %v", err.Error())
	}
	if p.Bodies == nil {
		p.Bodies = []Body{}
	}
	return nil
}

// CreateProgramme establishes a programme administered by p.OrgID (the
// actor needs awards.manage there).
func (svc *Service) CreateProgramme(ctx context.Context, actor kexie.Actor, p Programme) (Programme, error) {
	raw := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := tx.Check(ctx, tx.Actor(), kexie.PermAwardsManage, p.OrgID,
			kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", p.OrgID)); err != nil {
			return err
		}
		if err := checkProgramme(&p); err != nil {
			return err
		}
		if p.HigherID != 0 {
			if _, err := programme(ctx, tx, p.HigherID); err != nil {
				return err
			}
		}
		for _, b := range p.Bodies {
			if b.OrgID != 0 {
				var ok bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE id = $1)`, b.OrgID).Scan(&ok); err != nil || !ok {
					return kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", b.OrgID)
				}
			}
		}
		var higher any
		if p.HigherID != 0 {
			higher = p.HigherID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_programmes (org_id, code, name_zh, name_en, bodies, cycle_years, total_cap, grades, eligibility, form,
			uniqueness, coi_years, higher_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			p.OrgID, p.Code, p.NameZH, p.NameEN, raw(p.Bodies), p.CycleYears, p.TotalCap, raw(p.Grades), raw(p.Eligibility), raw(p.Form),
			p.Uniqueness, p.COIYears, higher, tx.Now()).Scan(&p.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.programme.create", ObjectType: "award_programme", ObjectID: itoa(p.ID), OrgID: p.OrgID,
			After: map[string]any{"code": p.Code, "name_zh": p.NameZH, "grades": raw(p.Grades), "total_cap": p.TotalCap, "cycle_years": p.CycleYears}})
	})
	if errors.Is(err, kexie.ErrConflict) && kexie.AsError(err).Key == "err.conflict" {
		return p, kexie.Errorf(kexie.CodeConflict, "err.award_code_taken", "a programme with code %v exists", p.Code)
	}
	return p, err
}

// Programme is programme id for an actor holding p on its administering
// organisation (not found otherwise).
func (svc *Service) Programme(ctx context.Context, actor kexie.Actor, perm kexie.Permission, id int64) (Programme, error) {
	p, err := programme(ctx, svc.db.Reader(), id)
	if err != nil {
		return p, err
	}
	return p, svc.db.Check(ctx, actor, perm, p.OrgID, errProgramme())
}

// Programmes lists the programmes administered where the actor holds
// awards.manage.
func (svc *Service) Programmes(ctx context.Context, actor kexie.Actor) ([]Programme, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermAwardsManage)
	if err != nil {
		return nil, err
	}
	var args []any
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+programmeColumns+` FROM award_programmes WHERE `+sc.SQL("org_id", sqldb.Args(&args))+` ORDER BY code LIMIT 1000`, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Programme{}
	for rows.Next() {
		p, err := scanProgramme(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Rounds lists a programme's rounds, newest first.
func (svc *Service) Rounds(ctx context.Context, programmeID int64) ([]Round, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id FROM award_rounds WHERE programme_id = $1 ORDER BY year DESC`, programmeID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []Round{}
	for _, id := range ids {
		r, err := round(ctx, svc.db.Reader(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// CreateRound opens a round of a programme: its year at least a cycle
// after the last round's, its timeline in order, its units with quotas.
func (svc *Service) CreateRound(ctx context.Context, actor kexie.Actor, programmeID int64, r Round) (Round, error) {
	r.ProgrammeID, r.Stage = programmeID, "nomination"
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		p, err := manage(ctx, tx, programmeID, errProgramme())
		if err != nil {
			return err
		}
		if err := checkRound(&r); err != nil {
			return err
		}
		var lastYear int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(year), 0) FROM award_rounds WHERE programme_id = $1`, programmeID).Scan(&lastYear); err != nil {
			return err
		}
		if lastYear != 0 && r.Year < lastYear+p.CycleYears {
			return kexie.Errorf(kexie.CodeConflict, "err.award_cycle_early", "the last round was in %v and rounds are every %v years", lastYear, kexie.CountOf("count.years", p.CycleYears))
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_rounds (programme_id, year, nominate_from, nominate_to, check_by, review_by, decide_by, publicity_days,
			announce_on, hide_nominee, experts_per, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			programmeID, r.Year, r.NominateFrom, r.NominateTo, r.CheckBy, r.ReviewBy, r.DecideBy, r.PublicityDays, r.AnnounceOn, r.HideNominee, r.ExpertsPer, tx.Now()).Scan(&r.ID); err != nil {
			return err
		}
		if err := writeUnits(ctx, tx, r.ID, r.Units); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.round.create", ObjectType: "award_round", ObjectID: itoa(r.ID), OrgID: p.OrgID,
			After: map[string]any{"programme": p.Code, "year": r.Year, "nominate_from": r.NominateFrom.String(), "nominate_to": r.NominateTo.String(),
				"hide_nominee": r.HideNominee, "experts_per": r.ExpertsPer, "units": unitsText(r.Units)}})
	})
	return r, err
}

// checkRound refuses a round whose settings cannot run: its year, its
// timeline in order, its units.
func checkRound(r *Round) error {
	if r.PublicityDays == 0 {
		r.PublicityDays = 7
	}
	if r.ExpertsPer == 0 {
		r.ExpertsPer = 3
	}
	switch {
	case r.Year < 1949 || r.Year > 9999:
		return invalid("err.award_year", "the round's year is out of range")
	case r.NominateFrom.IsZero() || r.NominateTo.IsZero() || r.NominateTo.Before(r.NominateFrom):
		return invalid("err.award_window", "the nomination window needs a start and an end not before it")
	case r.PublicityDays < 1 || r.PublicityDays > 90:
		return invalid("err.award_publicity_days", "the publicity period is 1 to 90 days")
	case r.ExpertsPer < 1 || r.ExpertsPer > 50:
		return invalid("err.award_experts_per", "1 to 50 experts per nomination")
	}
	last := r.NominateTo
	for _, d := range []kexie.Date{r.CheckBy, r.ReviewBy, r.DecideBy, r.AnnounceOn} {
		if !d.IsZero() {
			if d.Before(last) {
				return invalid("err.award_timeline", "the timeline's dates must follow each other")
			}
			last = d
		}
	}
	return checkUnits(r.Units)
}

func checkUnits(us []Unit) error {
	seen := map[int64]bool{}
	for _, u := range us {
		if u.OrgID == 0 || u.Quota < 1 || u.Quota > 1000 || seen[u.OrgID] {
			return invalid("err.award_units", "each recommending unit once, with a quota of 1 to 1000")
		}
		seen[u.OrgID] = true
	}
	return nil
}

func writeUnits(ctx context.Context, tx *sqldb.Tx, roundID int64, us []Unit) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM award_round_units WHERE round_id = $1`, roundID); err != nil {
		return err
	}
	for _, u := range us {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE id = $1)`, u.OrgID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", u.OrgID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO award_round_units (round_id, org_id, quota) VALUES ($1, $2, $3)`, roundID, u.OrgID, u.Quota); err != nil {
			return err
		}
	}
	return nil
}

func unitsText(us []Unit) string {
	s := ""
	for i, u := range us {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatInt(u.OrgID, 10) + ":" + strconv.Itoa(u.Quota)
	}
	return s
}

// SetUnits replaces a round's recommending units and quotas, during
// nomination; a quota below what a unit has already nominated is refused.
func (svc *Service) SetUnits(ctx context.Context, actor kexie.Actor, roundID int64, us []Unit) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if err := checkUnits(us); err != nil {
			return err
		}
		if r.Stage != "nomination" {
			return wrongStage(r.Stage)
		}
		for _, old := range r.Units {
			q := 0
			for _, u := range us {
				if u.OrgID == old.OrgID {
					q = u.Quota
				}
			}
			if old.Used > q {
				return kexie.Errorf(kexie.CodeConflict, "err.award_quota_below", "unit %v has already nominated %v", old.Code, old.Used)
			}
		}
		if err := writeUnits(ctx, tx, roundID, us); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.round.units", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"units": unitsText(r.Units)}, After: map[string]any{"units": unitsText(us)}})
	})
}

// Round is round id for an actor holding perm on its programme's
// administering organisation.
func (svc *Service) Round(ctx context.Context, actor kexie.Actor, perm kexie.Permission, id int64) (Round, Programme, error) {
	r, err := round(ctx, svc.db.Reader(), id)
	if err != nil {
		return r, Programme{}, err
	}
	p, err := programme(ctx, svc.db.Reader(), r.ProgrammeID)
	if err != nil {
		return r, p, err
	}
	return r, p, svc.db.Check(ctx, actor, perm, p.OrgID, errRound())
}

// Advance moves a round to its next stage: nomination → check → review →
// decision; out of review only at its last review stage, with the panel's
// vote on every nomination before it closed. (Decide moves it to
// publicity, Announce to announced; AdvanceStage moves the review on.)
func (svc *Service) Advance(ctx context.Context, actor kexie.Actor, roundID int64) (string, error) {
	var next string
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		switch r.Stage {
		case "nomination":
			next = "check"
		case "check":
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_nominations WHERE round_id = $1 AND status = 'submitted'`, roundID).Scan(&open); err != nil {
				return err
			}
			if open > 0 {
				return kexie.Errorf(kexie.CodeConflict, "err.award_unchecked", "%v nominations still await the formal check", open)
			}
			next = "review"
		case "review":
			// Every review stage gone through, and at a panel every
			// nomination before it voted on.
			st, err := stages(ctx, tx, roundID)
			if err != nil {
				return err
			}
			if r.ReviewStage < len(st) {
				return kexie.Errorf(kexie.CodeConflict, "err.award_stages_left", "the review has %v stages and is at stage %v", len(st), r.ReviewStage)
			}
			if st[len(st)-1].Kind == "panel" {
				var open int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_nominations WHERE round_id = $1 AND status = 'accepted' AND reached = $2 AND panel_outcome = ''`,
					roundID, len(st)).Scan(&open); err != nil {
					return err
				}
				if open > 0 {
					return kexie.Errorf(kexie.CodeConflict, "err.award_panel_open", "the panel has not voted on every nomination before it")
				}
			}
			next = "decision"
		default:
			return wrongStage(r.Stage)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_rounds SET stage = $1 WHERE id = $2`, next, roundID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.round.stage", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"stage": r.Stage}, After: map[string]any{"stage": next}})
	})
	return next, err
}

package awards

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// RoundItem is a round in a list, with its programme's names and whether
// the caller runs it (the award office) or nominates in it (a unit's
// staff).
type RoundItem struct {
	Round
	ProgrammeCode string `json:"programme_code"`
	ProgrammeZH   string `json:"programme_name_zh"`
	ProgrammeEN   string `json:"programme_name_en"`
	Manage        bool   `json:"manage"`
}

// RoundFor is round id for the award office (manage true: every unit) or
// for the staff of one of its recommending units (their own units only);
// not found for anyone else.
func (svc *Service) RoundFor(ctx context.Context, actor kexie.Actor, id int64) (Round, Programme, bool, error) {
	rd := svc.db.Reader()
	r, err := round(ctx, rd, id)
	if err != nil {
		return r, Programme{}, false, err
	}
	p, err := programme(ctx, rd, r.ProgrammeID)
	if err != nil {
		return r, p, false, err
	}
	if ok, err := svc.db.Allowed(ctx, actor, kexie.PermAwardsManage, p.OrgID); err != nil || ok {
		return r, p, ok, err
	}
	var mine []Unit
	for _, u := range r.Units {
		ok, err := svc.db.Allowed(ctx, actor, kexie.PermMembershipWrite, u.OrgID)
		if err != nil {
			return r, p, false, err
		}
		if ok {
			mine = append(mine, u)
		}
	}
	if len(mine) == 0 {
		return r, p, false, errRound()
	}
	r.Units = mine
	return r, p, false, nil
}

// MayNominate answers not found unless the actor may nominate for unit
// unitID in round roundID: the unit is a recommending unit of the round
// and the actor is its staff or the award office.
func (svc *Service) MayNominate(ctx context.Context, actor kexie.Actor, roundID, unitID int64) error {
	r, _, manage, err := svc.RoundFor(ctx, actor, roundID)
	if err != nil {
		return err
	}
	for _, u := range r.Units {
		if u.OrgID == unitID {
			if manage {
				return nil
			}
			return svc.db.Check(ctx, actor, kexie.PermMembershipWrite, unitID, errRound())
		}
	}
	return errRound()
}

// RoundsFor lists the rounds the actor runs (awards.manage on the
// programme's organisation) or nominates in (membership.write on one of
// its units), newest first.
func (svc *Service) RoundsFor(ctx context.Context, actor kexie.Actor) ([]RoundItem, error) {
	mg, err := svc.db.ScopeOf(ctx, actor, kexie.PermAwardsManage)
	if err != nil {
		return nil, err
	}
	mw, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipWrite)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := sqldb.Args(&args)
	q := `SELECT r.id FROM award_rounds r JOIN award_programmes p ON p.id = r.programme_id WHERE ` + mg.SQL("p.org_id", arg) +
		` OR EXISTS (SELECT 1 FROM award_round_units u WHERE u.round_id = r.id AND ` + mw.SQL("u.org_id", arg) + `) ORDER BY r.year DESC, r.id DESC LIMIT 500`
	list, err := idList(ctx, svc.db.Reader(), q, args...)
	if err != nil {
		return nil, err
	}
	out := []RoundItem{}
	for _, id := range list {
		r, p, manage, err := svc.RoundFor(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		out = append(out, RoundItem{Round: r, ProgrammeCode: p.Code, ProgrammeZH: p.NameZH, ProgrammeEN: p.NameEN, Manage: manage})
	}
	return out, nil
}

// PublicRounds lists the rounds in publicity or announced (anyone),
// newest first.
func (svc *Service) PublicRounds(ctx context.Context) ([]RoundItem, error) {
	list, err := idList(ctx, svc.db.Reader(), `SELECT id FROM award_rounds WHERE stage IN ('publicity', 'announced') ORDER BY year DESC, id DESC LIMIT 500`)
	if err != nil {
		return nil, err
	}
	out := []RoundItem{}
	for _, id := range list {
		r, err := round(ctx, svc.db.Reader(), id)
		if err != nil {
			return nil, err
		}
		p, err := programme(ctx, svc.db.Reader(), r.ProgrammeID)
		if err != nil {
			return nil, err
		}
		r.Units = nil
		out = append(out, RoundItem{Round: r, ProgrammeCode: p.Code, ProgrammeZH: p.NameZH, ProgrammeEN: p.NameEN})
	}
	return out, nil
}

// Experts lists a programme's pool for its award office (no identity
// numbers).
func (svc *Service) Experts(ctx context.Context, actor kexie.Actor, programmeID int64) ([]Expert, error) {
	if _, err := svc.Programme(ctx, actor, kexie.PermAwardsManage, programmeID); err != nil {
		return nil, err
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, COALESCE(user_id, 0), name, employer, COALESCE(org_id, 0), fields FROM award_experts
		WHERE programme_id = $1 ORDER BY id LIMIT 5000`, programmeID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Expert{}
	for rows.Next() {
		var e Expert
		if err := rows.Scan(&e.ID, &e.UserID, &e.Name, &e.Employer, &e.OrgID, &e.Fields); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func idList(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ExpertFor is expert id for the award office of its programme (manage
// true) or for the expert themself (their linked account); not found for
// anyone else.
func (svc *Service) ExpertFor(ctx context.Context, actor kexie.Actor, id int64) (Expert, bool, error) {
	var e Expert
	var prog int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT id, programme_id, COALESCE(user_id, 0), name, employer, COALESCE(org_id, 0), fields FROM award_experts WHERE id = $1`, id).
		Scan(&e.ID, &prog, &e.UserID, &e.Name, &e.Employer, &e.OrgID, &e.Fields)
	if err != nil {
		return e, false, errExpert()
	}
	p, err := programme(ctx, svc.db.Reader(), prog)
	if err != nil {
		return e, false, err
	}
	if ok, err := svc.db.Allowed(ctx, actor, kexie.PermAwardsManage, p.OrgID); err != nil || ok {
		return e, ok, err
	}
	if actor.UserID != 0 && e.UserID == actor.UserID {
		return e, false, nil
	}
	return e, false, errExpert()
}

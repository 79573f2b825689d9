package awards

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"slices"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// Expert is a member of a programme's pool, linked to the account they
// review with.
type Expert struct {
	ID       int64  `json:"id"`
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	Employer string `json:"employer"`
	OrgID    int64  `json:"org_id,omitempty"` // the expert's own organisation
	Fields   string `json:"fields"`
	IDType   string `json:"id_type,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	idHash   string
}

// Relation is a tie of an expert to another person (matched by identity
// document): advisor/advisee and family for life, co-author or
// collaborator within the programme's window of years.
type Relation struct {
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	Kind     string `json:"kind"`
	Year     int    `json:"year"`
	Source   string `json:"source"` // declared, imported
}

var errExpert = func() error { return notFound("err.award_expert_not_found", "expert") }

// AddExpert puts someone in a programme's pool.
func (svc *Service) AddExpert(ctx context.Context, actor kexie.Actor, programmeID int64, e Expert, sl *seal.Sealer) (Expert, error) {
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		p, err := manage(ctx, tx, programmeID, errProgramme())
		if err != nil {
			return err
		}
		if e.Name, err = clean(e.Name); err != nil {
			return err
		}
		if e.Employer, err = clean(e.Employer); err != nil {
			return err
		}
		if e.Name == "" {
			return invalid("err.award_expert_name", "an expert needs a name")
		}
		if e.IDNumber != "" {
			if sl == nil {
				return invalid("err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
			}
			if e.IDType == "" {
				e.IDType = "resident_id"
			}
			e.idHash = IDHash(sl, e.IDType, e.IDNumber)
		}
		var user, org any
		if e.UserID != 0 {
			user = e.UserID
		}
		if e.OrgID != 0 {
			org = e.OrgID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_experts (programme_id, user_id, name, employer, org_id, fields, id_hash, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, programmeID, user, e.Name, e.Employer, org, e.Fields, e.idHash, tx.Now()).Scan(&e.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.expert.add", ObjectType: "award_expert", ObjectID: itoa(e.ID), OrgID: p.OrgID,
			After: map[string]any{"programme": p.Code, "name": e.Name, "employer": e.Employer, "user": e.UserID}})
	})
	e.IDNumber = ""
	return e, err
}

func expertProgramme(ctx context.Context, tx *sqldb.Tx, expertID int64) (int64, int64, error) {
	var prog, user int64
	err := tx.QueryRowContext(ctx, `SELECT programme_id, COALESCE(user_id, 0) FROM award_experts WHERE id = $1`, expertID).Scan(&prog, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errExpert()
	}
	return prog, user, err
}

// AddRelation records a relation of an expert: imported by the award
// office, or declared by the expert themself.
func (svc *Service) AddRelation(ctx context.Context, actor kexie.Actor, expertID int64, rel Relation, sl *seal.Sealer) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		prog, user, err := expertProgramme(ctx, tx, expertID)
		if err != nil {
			return err
		}
		source := "declared"
		p, err := programme(ctx, tx, prog)
		if err != nil {
			return err
		}
		if user == 0 || user != tx.Actor().UserID {
			if _, err := manage(ctx, tx, prog, errExpert()); err != nil {
				return err
			}
			source = "imported"
		}
		if !slices.Contains([]string{"advisor", "family", "coauthor", "collaborator"}, rel.Kind) {
			return invalid("err.award_relation_kind", "a relation is advisor, family, coauthor or collaborator")
		}
		if rel.IDNumber == "" || sl == nil {
			return invalid("err.award_relation_id", "a relation names the other person's identity document")
		}
		if rel.IDType == "" {
			rel.IDType = "resident_id"
		}
		h := IDHash(sl, rel.IDType, rel.IDNumber)
		if _, err := tx.ExecContext(ctx, `INSERT INTO award_relations (expert_id, other_hash, kind, year, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			expertID, h, rel.Kind, rel.Year, source, tx.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.relation.add", ObjectType: "award_expert", ObjectID: itoa(expertID), OrgID: p.OrgID,
			After: map[string]any{"kind": rel.Kind, "year": rel.Year, "source": source}})
	})
}

// SetConflict pins a conflict between an expert and a nomination, or
// waives one the data would find, with a reason (mode pinned or waived).
// The expert's own nomination is never waived.
func (svc *Service) SetConflict(ctx context.Context, actor kexie.Actor, expertID, nominationID int64, mode, reason string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		prog, _, err := expertProgramme(ctx, tx, expertID)
		if err != nil {
			return err
		}
		p, err := manage(ctx, tx, prog, errExpert())
		if err != nil {
			return err
		}
		if reason, err = clean(reason); err != nil {
			return err
		}
		if mode != "pinned" && mode != "waived" {
			return invalid("err.award_conflict_mode", "a conflict is pinned or waived")
		}
		if reason == "" {
			return invalid("err.award_reason", "a reason is required")
		}
		n, err := nomination(ctx, tx, nominationID)
		if err != nil {
			return err
		}
		if r, err := round(ctx, tx, n.RoundID); err != nil || r.ProgrammeID != prog {
			return errNomination()
		}
		if mode == "waived" {
			var self bool
			if err := tx.QueryRowContext(ctx, `SELECT id_hash <> '' AND id_hash = $1 FROM award_experts WHERE id = $2`, n.idHash, expertID).Scan(&self); err != nil {
				return err
			}
			if self {
				return kexie.Errorf(kexie.CodeConflict, "err.award_waive_self", "an expert's own nomination cannot be waived")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO award_conflicts (expert_id, nomination_id, mode, reason, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (expert_id, nomination_id) DO UPDATE SET mode = excluded.mode, reason = excluded.reason, created_at = excluded.created_at`,
			expertID, nominationID, mode, reason, tx.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.conflict." + mode, ObjectType: "award_nomination", ObjectID: itoa(nominationID), OrgID: p.OrgID,
			After: map[string]any{"expert": expertID, "mode": mode, "reason": reason}})
	})
}

// conflictSQL is the condition "expert x (award_experts) is in conflict
// with nomination n (award_nominations) of round r (award_rounds) of
// programme p (award_programmes)": pinned or declared, or from data and
// not waived — the nominee themself (never waived), the same employer,
// the expert's organisation is the recommending unit or the nominee's, a
// lifetime relation, a co-author or collaborator within the window.
const conflictSQL = `(
	(x.id_hash <> '' AND x.id_hash = n.id_hash)
	OR EXISTS (SELECT 1 FROM award_conflicts c WHERE c.expert_id = x.id AND c.nomination_id = n.id AND c.mode IN ('pinned', 'declared'))
	OR (NOT EXISTS (SELECT 1 FROM award_conflicts c WHERE c.expert_id = x.id AND c.nomination_id = n.id AND c.mode = 'waived') AND (
		(x.employer <> '' AND x.employer = n.employer)
		OR (x.org_id IS NOT NULL AND (x.org_id = n.unit_id OR x.org_id = n.employer_org))
		OR EXISTS (SELECT 1 FROM award_relations rl WHERE rl.expert_id = x.id AND rl.other_hash = n.id_hash
			AND (rl.kind IN ('advisor', 'family') OR rl.year >= r.year - p.coi_years))
	))
	OR EXISTS (SELECT 1 FROM users us JOIN people pe ON pe.id = us.person_id WHERE us.id = x.user_id AND (pe.id = n.person_id OR (pe.id_hash <> '' AND pe.id_hash = n.id_hash)))
)`

// AssignResult is what Assign did: how many assignments, each expert's
// load, and the nominations that cannot have enough experts free of
// conflict (they get none: nothing is relaxed).
type AssignResult struct {
	Assigned   int               `json:"assigned"`
	Loads      map[int64]int     `json:"loads"`
	Infeasible []int64           `json:"infeasible"`
	Experts    map[int64][]int64 `json:"-"`
}

// Assign gives each accepted nomination of a round in review the round's
// number of experts from the pool, never a conflicted one, loads within 1
// where the pool allows, the same for the same seed. A round assigned
// already is refused.
func (svc *Service) Assign(ctx context.Context, actor kexie.Actor, roundID int64, seed uint64) (AssignResult, error) {
	res := AssignResult{Loads: map[int64]int{}, Infeasible: []int64{}, Experts: map[int64][]int64{}}
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Stage != "review" {
			return wrongStage(r.Stage)
		}
		st, err := stages(ctx, tx, roundID)
		if err != nil {
			return err
		}
		stage := r.ReviewStage
		if st[min(stage, len(st))-1].Kind != "written" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_not_written", "the round's review is not at a written stage")
		}
		var done bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM award_assignments a JOIN award_nominations n ON n.id = a.nomination_id WHERE n.round_id = $1 AND a.stage = $2)`,
			roundID, stage).Scan(&done); err != nil {
			return err
		}
		if done {
			return kexie.Errorf(kexie.CodeConflict, "err.award_assigned", "the round's nominations are assigned already")
		}
		noms, err := ids(ctx, tx, `SELECT id FROM award_nominations WHERE round_id = $1 AND status = 'accepted' AND reached = $2 ORDER BY id`, roundID, stage)
		if err != nil {
			return err
		}
		experts, err := ids(ctx, tx, `SELECT id FROM award_experts WHERE programme_id = $1 ORDER BY id`, p.ID)
		if err != nil {
			return err
		}
		ni, ei := index(noms), index(experts)
		bad := map[[2]int]bool{}
		pairs, err := conflictPairs(ctx, tx, r, p)
		if err != nil {
			return err
		}
		for k := range pairs {
			bad[[2]int{ni[k[0]], ei[k[1]]}] = true
		}
		// A later written stage is reviewed by other eyes: an expert who
		// reviewed a nomination at an earlier stage is not assigned it again.
		if stage > 1 {
			rows, err := tx.QueryContext(ctx, `SELECT a.nomination_id, a.expert_id FROM award_assignments a JOIN award_nominations n ON n.id = a.nomination_id
				WHERE n.round_id = $1 AND a.stage < $2`, roundID, stage)
			if err != nil {
				return err
			}
			for rows.Next() {
				var nid, eid int64
				if err := rows.Scan(&nid, &eid); err != nil {
					rows.Close()
					return err
				}
				if i, ok := ni[nid]; ok {
					bad[[2]int{i, ei[eid]}] = true
				}
			}
			rows.Close()
		}
		a := awardrule.Assign(len(noms), len(experts), r.ExpertsPer, func(n, e int) bool { return bad[[2]int{n, e}] }, seed)
		for _, i := range a.Infeasible {
			res.Infeasible = append(res.Infeasible, noms[i])
		}
		for i, es := range a.Experts {
			for _, e := range es {
				if _, err := tx.ExecContext(ctx, `INSERT INTO award_assignments (nomination_id, expert_id, stage, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
					noms[i], experts[e], stage, tx.Now()); err != nil {
					return err
				}
				res.Assigned++
				res.Loads[experts[e]]++
				res.Experts[noms[i]] = append(res.Experts[noms[i]], experts[e])
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.assign", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			After: map[string]any{"seed": seed, "stage": stage, "assigned": res.Assigned, "infeasible": len(res.Infeasible), "experts_per": r.ExpertsPer}})
	})
	return res, err
}

func ids(ctx context.Context, tx *sqldb.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
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

func index(ids []int64) map[int64]int {
	m := make(map[int64]int, len(ids))
	for i, id := range ids {
		m[id] = i
	}
	return m
}

// Review is an assignment as its expert sees it. Until they declare that
// they have no conflict, the materials are withheld; under anonymity the
// nominee's name, employer and unit are too. Never another expert's
// identity or score.
type Review struct {
	ID           int64                 `json:"id"`
	NominationID int64                 `json:"nomination_id"`
	Status       string                `json:"status"`
	Programme    string                `json:"programme"`
	Year         int                   `json:"year"`
	Anonymous    bool                  `json:"anonymous"`
	Name         string                `json:"name,omitempty"`
	Employer     string                `json:"employer,omitempty"`
	Unit         string                `json:"unit,omitempty"`
	Field        string                `json:"field,omitempty"`
	Achievements string                `json:"achievements,omitempty"`
	Form         []awardrule.Criterion `json:"form"`
	Scores       map[string]int64      `json:"scores,omitempty"`
}

var errAssignment = func() error { return notFound("err.award_assignment_not_found", "assignment") }

type assignment struct {
	id, nomination, expert, user int64
	status                       string
	stage                        int
}

// myAssignment is assignment id if it is the actor's own (not found
// otherwise, whoever they are).
func myAssignment(ctx context.Context, q querier, actor kexie.Actor, id int64) (assignment, error) {
	var a assignment
	err := q.QueryRowContext(ctx, `SELECT a.id, a.nomination_id, a.expert_id, COALESCE(x.user_id, 0), a.status, a.stage FROM award_assignments a
		JOIN award_experts x ON x.id = a.expert_id WHERE a.id = $1`, id).Scan(&a.id, &a.nomination, &a.expert, &a.user, &a.status, &a.stage)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (actor.UserID == 0 || a.user != actor.UserID) {
		return a, errAssignment()
	}
	return a, err
}

// Review is the actor's assignment id as they may see it.
func (svc *Service) Review(ctx context.Context, actor kexie.Actor, id int64) (Review, error) {
	rd := svc.db.Reader()
	a, err := myAssignment(ctx, rd, actor, id)
	if err != nil {
		return Review{}, err
	}
	n, err := nomination(ctx, rd, a.nomination)
	if err != nil {
		return Review{}, err
	}
	r, err := round(ctx, rd, n.RoundID)
	if err != nil {
		return Review{}, err
	}
	p, err := programme(ctx, rd, r.ProgrammeID)
	if err != nil {
		return Review{}, err
	}
	v := Review{ID: a.id, NominationID: n.ID, Status: a.status, Programme: p.NameZH, Year: r.Year, Anonymous: r.HideNominee, Form: p.Form}
	if a.status == "declared" || a.status == "scored" {
		v.Field, v.Achievements = n.Field, n.Achievements
		if !r.HideNominee {
			v.Name, v.Employer, v.Unit = n.Name, n.Employer, n.UnitCode
		}
		var raw string
		if err := rd.QueryRowContext(ctx, `SELECT scores FROM award_assignments WHERE id = $1`, id).Scan(&raw); err != nil {
			return v, err
		}
		if raw != "" {
			_ = json.Unmarshal([]byte(raw), &v.Scores)
		}
	}
	return v, nil
}

// MyReviews lists the actor's assignments.
func (svc *Service) MyReviews(ctx context.Context, actor kexie.Actor) ([]Review, error) {
	out := []Review{}
	if actor.UserID == 0 {
		return out, nil
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT a.id FROM award_assignments a JOIN award_experts x ON x.id = a.expert_id
		WHERE x.user_id = $1 ORDER BY a.id LIMIT 1000`, actor.UserID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	var list []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, id)
	}
	rows.Close()
	for _, id := range list {
		v, err := svc.Review(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Declare is the expert's declaration before seeing the materials: no
// conflict (the materials open), or a conflict with its reason (recorded
// as a declared conflict; the assignment is recused).
func (svc *Service) Declare(ctx context.Context, actor kexie.Actor, id int64, conflict bool, reason string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		a, err := myAssignment(ctx, tx, tx.Actor(), id)
		if err != nil {
			return err
		}
		if reason, err = clean(reason); err != nil {
			return err
		}
		if conflict && reason == "" {
			return invalid("err.award_reason", "a reason is required")
		}
		if a.status != "assigned" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_declared", "the declaration is made")
		}
		status := "declared"
		if conflict {
			status = "recused"
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_conflicts (expert_id, nomination_id, mode, reason, created_at) VALUES ($1, $2, 'declared', $3, $4)
				ON CONFLICT (expert_id, nomination_id) DO UPDATE SET mode = 'declared', reason = excluded.reason`, a.expert, a.nomination, reason, tx.Now()); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_assignments SET status = $1, reason = $2, updated_at = $3 WHERE id = $4`, status, reason, tx.Now(), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.declare", ObjectType: "award_assignment", ObjectID: itoa(id),
			After: map[string]any{"conflict": conflict, "reason": reason}})
	})
}

// Recuse withdraws the expert from an assignment, with a reason.
func (svc *Service) Recuse(ctx context.Context, actor kexie.Actor, id int64, reason string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		a, err := myAssignment(ctx, tx, tx.Actor(), id)
		if err != nil {
			return err
		}
		if reason, err = clean(reason); err != nil {
			return err
		}
		if reason == "" {
			return invalid("err.award_reason", "a reason is required")
		}
		if a.status == "recused" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_recused", "already recused")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_assignments SET status = 'recused', reason = $1, scores = '', score_num = '', score_den = '', updated_at = $2 WHERE id = $3`,
			reason, tx.Now(), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.recuse", ObjectType: "award_assignment", ObjectID: itoa(id), After: map[string]any{"reason": reason}})
	})
}

// Score records the expert's scores by the programme's form, while the
// round is in review, after the declaration; a conflicted expert (a
// conflict pinned after the assignment, say) never scores.
func (svc *Service) Score(ctx context.Context, actor kexie.Actor, id int64, scores map[string]int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		a, err := myAssignment(ctx, tx, tx.Actor(), id)
		if err != nil {
			return err
		}
		n, err := nomination(ctx, tx, a.nomination)
		if err != nil {
			return err
		}
		r, err := round(ctx, tx, n.RoundID)
		if err != nil {
			return err
		}
		p, err := programme(ctx, tx, r.ProgrammeID)
		if err != nil {
			return err
		}
		if r.Stage != "review" {
			return wrongStage(r.Stage)
		}
		if a.stage != r.ReviewStage {
			return kexie.Errorf(kexie.CodeConflict, "err.award_stage_over", "this review stage is over")
		}
		if a.status != "declared" && a.status != "scored" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_declare_first", "declare conflicts before scoring")
		}
		var conflicted bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM award_experts x, award_nominations n, award_rounds r, award_programmes p
			WHERE x.id = $1 AND n.id = $2 AND r.id = n.round_id AND p.id = r.programme_id AND `+conflictSQL+`)`, a.expert, a.nomination).Scan(&conflicted); err != nil {
			return err
		}
		if conflicted {
			return kexie.Errorf(kexie.CodeForbidden, "err.award_conflicted", "an expert in conflict with a nomination does not score it")
		}
		w, err := awardrule.Weighted(p.Form, scores)
		if err != nil {
			return invalid("err.award_scores", "scores: %v", err.Error())
		}
		raw, _ := json.Marshal(scores)
		if _, err := tx.ExecContext(ctx, `UPDATE award_assignments SET status = 'scored', scores = $1, score_num = $2, score_den = $3, updated_at = $4 WHERE id = $5`,
			string(raw), w.Num().String(), w.Denom().String(), tx.Now(), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.score", ObjectType: "award_assignment", ObjectID: itoa(id), OrgID: p.OrgID,
			After: map[string]any{"scores": string(raw)}})
	})
}

// Standing is a nomination's line in the ranking: its exact mean score
// (as a fraction and rounded for display), how many experts scored it,
// the panel's votes, and the grade the caps would give. Withheld: the
// viewer is in conflict with it and sees neither its scores nor its
// reviews.
type Standing struct {
	NominationID int64  `json:"nomination_id"`
	Name         string `json:"name"`
	Unit         string `json:"unit"`
	Score        string `json:"score,omitempty"`
	ScoreExact   string `json:"score_exact,omitempty"`
	Scored       int    `json:"scored"`
	PanelVotes   int    `json:"panel_votes"`
	PanelOutcome string `json:"panel_outcome,omitempty"`
	Reached      int    `json:"reached"`
	Out          bool   `json:"out,omitempty"`
	Grade        string `json:"proposed_grade"`
	Withheld     bool   `json:"withheld,omitempty"`
	score        *big.Rat
}

// Ranking is the ranked list of a round's accepted nominations with the
// cut at the caps (ties reported), as the actor may see it.
func (svc *Service) Ranking(ctx context.Context, actor kexie.Actor, roundID int64) ([]Standing, []awardrule.Tie, error) {
	r, p, err := svc.Round(ctx, actor, kexie.PermAwardsManage, roundID)
	if err != nil {
		return nil, nil, err
	}
	rd := svc.db.Reader()
	st, err := stages(ctx, rd, roundID)
	if err != nil {
		return nil, nil, err
	}
	// A nomination's score is the mean of the last written stage it
	// reached; it is out when it stopped before the stage under way (the
	// last one, from the decision on) or the panel's vote on it failed.
	last := written(st)
	cur := min(r.ReviewStage, len(st))
	if r.Stage != "nomination" && r.Stage != "check" && r.Stage != "review" {
		cur = len(st)
	}
	rows, err := rd.QueryContext(ctx, `SELECT n.id, n.name, o.code, n.panel_votes, n.reached, n.panel_outcome, a.score_num, a.score_den FROM award_nominations n JOIN orgs o ON o.id = n.unit_id
		LEFT JOIN award_assignments a ON a.nomination_id = n.id AND a.status = 'scored' AND a.stage = CASE WHEN n.reached < $2 THEN n.reached ELSE $2 END
		WHERE n.round_id = $1 AND n.status = 'accepted' ORDER BY n.id`, roundID, last)
	if err != nil {
		return nil, nil, sqldb.MapErr(err)
	}
	byID := map[int64]*Standing{}
	var order []int64
	scores := map[int64][]*big.Rat{}
	for rows.Next() {
		var s Standing
		var num, den sql.NullString
		if err := rows.Scan(&s.NominationID, &s.Name, &s.Unit, &s.PanelVotes, &s.Reached, &s.PanelOutcome, &num, &den); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if byID[s.NominationID] == nil {
			byID[s.NominationID] = &s
			order = append(order, s.NominationID)
		}
		if num.Valid && num.String != "" {
			x, ok := new(big.Rat).SetString(num.String + "/" + den.String)
			if ok {
				scores[s.NominationID] = append(scores[s.NominationID], x)
			}
		}
	}
	rows.Close()
	hidden, err := svc.conflictedViewer(ctx, actor, roundID)
	if err != nil {
		return nil, nil, err
	}
	var ranked []awardrule.Ranked
	for _, id := range order {
		s := byID[id]
		s.Scored = len(scores[id])
		s.score = awardrule.Mean(scores[id])
		s.Out = s.Reached < cur || s.PanelOutcome == "failed"
		ranked = append(ranked, awardrule.Ranked{ID: id, Score: s.score, Votes: s.PanelVotes, Out: s.Out})
	}
	ranked = awardrule.Rank(ranked)
	picks, ties := awardrule.Cut(ranked, p.Grades, p.TotalCap)
	out := make([]Standing, 0, len(ranked))
	for i, rk := range ranked {
		s := byID[rk.ID]
		s.Grade = picks[i].Grade
		if s.score != nil {
			s.Score, s.ScoreExact = s.score.FloatString(2), s.score.RatString()
		}
		if hidden[rk.ID] {
			s.Score, s.ScoreExact, s.Scored, s.PanelVotes, s.PanelOutcome, s.Withheld = "", "", 0, 0, "", true
		}
		out = append(out, *s)
	}
	if ties == nil {
		ties = []awardrule.Tie{}
	}
	return out, ties, nil
}

// conflictedViewer: the nominations of a round the actor is in conflict
// with — as an expert of the programme (by the same rules as the
// assignment), or as the nominee themself.
func (svc *Service) conflictedViewer(ctx context.Context, actor kexie.Actor, roundID int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if actor.UserID == 0 {
		return out, nil
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT n.id FROM award_nominations n JOIN award_rounds r ON r.id = n.round_id JOIN award_programmes p ON p.id = r.programme_id
		WHERE n.round_id = $1 AND (
			EXISTS (SELECT 1 FROM award_experts x WHERE x.programme_id = p.id AND x.user_id = $2 AND `+conflictSQL+`)
			OR EXISTS (SELECT 1 FROM users us JOIN people pe ON pe.id = us.person_id WHERE us.id = $2 AND (pe.id = n.person_id OR (pe.id_hash <> '' AND pe.id_hash = n.id_hash))))`,
		roundID, actor.UserID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

package awards

import (
	"context"
	"database/sql"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Stage is a review stage of a round: a written review by experts with
// the programme's scoring form, or the panel — a meeting of a governance
// body that votes on each nomination that reached it, under its charter's
// rule for ordinary resolutions. Written stages come first; a panel, if
// any, is the last stage.
type Stage struct {
	Seq       int    `json:"seq"`
	Kind      string `json:"kind"`
	NameZH    string `json:"name_zh"`
	NameEN    string `json:"name_en"`
	MeetingID int64  `json:"meeting_id,omitempty"`
}

// MaxStages bounds a round's review stages.
const MaxStages = 5

// defaultStages is the review of a round whose stages were never set: one
// written review.
func defaultStages() []Stage {
	return []Stage{{Seq: 1, Kind: "written", NameZH: "书面评审", NameEN: "Written review"}}
}

func stages(ctx context.Context, q querier, roundID int64) ([]Stage, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, kind, name_zh, name_en, COALESCE(meeting_id, 0) FROM award_stages WHERE round_id = $1 ORDER BY seq`, roundID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Stage
	for rows.Next() {
		var s Stage
		if err := rows.Scan(&s.Seq, &s.Kind, &s.NameZH, &s.NameEN, &s.MeetingID); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		out = defaultStages()
	}
	return out, rows.Err()
}

// written counts the written stages (they come first).
func written(st []Stage) int {
	n := 0
	for _, s := range st {
		if s.Kind == "written" {
			n++
		}
	}
	return n
}

// Stages is round id's review stages, for whoever may see the round
// (RoundFor).
func (svc *Service) Stages(ctx context.Context, actor kexie.Actor, roundID int64) ([]Stage, error) {
	if _, _, _, err := svc.RoundFor(ctx, actor, roundID); err != nil {
		return nil, err
	}
	return stages(ctx, svc.db.Reader(), roundID)
}

// SetStages sets a round's review stages before its review begins: one to
// MaxStages, written ones first and a panel last at most, the panel on a
// meeting whose organisation the secretary also runs the governance of
// (governance.manage: they put its votes).
func (svc *Service) SetStages(ctx context.Context, actor kexie.Actor, roundID int64, list []Stage) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Stage != "nomination" && r.Stage != "check" {
			return wrongStage(r.Stage)
		}
		if len(list) < 1 || len(list) > MaxStages {
			return invalid("err.award_stages", "a round has 1 to %v review stages, written reviews first and a panel last at most", MaxStages)
		}
		var names []string
		for i := range list {
			s := &list[i]
			s.Seq = i + 1
			if s.NameZH, err = clean(s.NameZH); err != nil {
				return err
			}
			if s.NameEN, err = clean(s.NameEN); err != nil {
				return err
			}
			switch {
			case s.Kind == "written" && s.MeetingID == 0:
			case s.Kind == "panel" && i > 0 && i == len(list)-1:
			default:
				return invalid("err.award_stages", "a round has 1 to %v review stages, written reviews first and a panel last at most", MaxStages)
			}
			if s.NameZH == "" {
				s.NameZH = map[string]string{"written": "书面评审", "panel": "评审委员会会议"}[s.Kind]
			}
			if s.Kind == "panel" {
				if s.MeetingID == 0 {
					return invalid("err.award_panel_meeting", "a panel stage names the meeting that votes")
				}
				if _, m, err := governance.HoldersIn(ctx, tx, s.MeetingID); err != nil {
					return err
				} else if err := tx.Check(ctx, tx.Actor(), kexie.PermGovernanceManage, m.OrgID,
					notFound("err.meeting_not_found", "meeting")); err != nil {
					return err
				}
			}
			names = append(names, s.Kind+":"+s.NameZH)
		}
		before, err := stages(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM award_stages WHERE round_id = $1`, roundID); err != nil {
			return err
		}
		for _, s := range list {
			var meeting any
			if s.MeetingID != 0 {
				meeting = s.MeetingID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_stages (round_id, seq, kind, name_zh, name_en, meeting_id) VALUES ($1, $2, $3, $4, $5, $6)`,
				roundID, s.Seq, s.Kind, s.NameZH, s.NameEN, meeting); err != nil {
				return err
			}
		}
		var was []string
		for _, s := range before {
			was = append(was, s.Kind+":"+s.NameZH)
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.stages", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"stages": strings.Join(was, ", ")}, After: map[string]any{"stages": strings.Join(names, ", ")}})
	})
}

// Advancing is the secretary's rule for moving nominations on from a
// written stage: the Top ones by the stage's exact mean score, or every
// one scoring at least MinScore (a decimal or a fraction, "7.5" or
// "15/2"). A nomination without a score at the stage does not move on.
type Advancing struct {
	Top      int    `json:"top,omitempty"`
	MinScore string `json:"min_score,omitempty"`
}

// AdvanceStage closes the round's current written stage and opens the
// next: the nominations the rule picks reach it, the others stop here. A
// group tied across the Top-th place is refused, naming the nominations
// (the secretary chooses another number: nothing is cut silently). The
// step is audited with the rule and who moved on.
func (svc *Service) AdvanceStage(ctx context.Context, actor kexie.Actor, roundID int64, a Advancing) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		var min *big.Rat
		switch {
		case a.Top > 0 && a.MinScore == "":
		case a.Top == 0 && a.MinScore != "":
			var ok bool
			if min, ok = new(big.Rat).SetString(strings.TrimSpace(a.MinScore)); !ok || min.Sign() < 0 {
				return invalid("err.award_advancing", "nominations move on by rank (the top so many) or by a score they reach, not both")
			}
		default:
			return invalid("err.award_advancing", "nominations move on by rank (the top so many) or by a score they reach, not both")
		}
		if r.Stage != "review" {
			return wrongStage(r.Stage)
		}
		st, err := stages(ctx, tx, roundID)
		if err != nil {
			return err
		}
		cur := r.ReviewStage
		if cur >= len(st) {
			return kexie.Errorf(kexie.CodeConflict, "err.award_last_stage", "the round is at its last review stage")
		}
		ranked, err := stageRanking(ctx, tx, roundID, cur)
		if err != nil {
			return err
		}
		var on []int64
		for i, x := range ranked {
			if x.Score == nil {
				break
			}
			if min != nil && x.Score.Cmp(min) < 0 {
				break
			}
			if min == nil && i >= a.Top {
				if i > 0 && ranked[i-1].Score.Cmp(x.Score) == 0 {
					var tied []string
					for _, y := range ranked {
						if y.Score != nil && y.Score.Cmp(x.Score) == 0 {
							tied = append(tied, itoa(y.ID))
						}
					}
					return kexie.Errorf(kexie.CodeConflict, "err.award_stage_tie", "nominations %v are tied across place %v", strings.Join(tied, ", "), a.Top)
				}
				break
			}
			on = append(on, x.ID)
		}
		for _, id := range on {
			if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET reached = $1, updated_at = $2 WHERE id = $3`, cur+1, tx.Now(), id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_rounds SET review_stage = $1 WHERE id = $2`, cur+1, roundID); err != nil {
			return err
		}
		rule := "top " + strconv.Itoa(a.Top)
		if min != nil {
			rule = "min " + min.RatString()
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.stage.advance", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"review_stage": cur}, After: map[string]any{"review_stage": cur + 1, "rule": rule, "advanced": idsText(on),
				"stopped": len(ranked) - len(on)}})
	})
}

func idsText(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = itoa(id)
	}
	return strings.Join(s, ",")
}

// stageRanking ranks the accepted nominations at written stage seq by the
// exact mean of their weighted scores at that stage, highest first.
func stageRanking(ctx context.Context, q querier, roundID int64, seq int) ([]awardrule.Ranked, error) {
	rows, err := q.QueryContext(ctx, `SELECT n.id, a.score_num, a.score_den FROM award_nominations n
		LEFT JOIN award_assignments a ON a.nomination_id = n.id AND a.status = 'scored' AND a.stage = $2
		WHERE n.round_id = $1 AND n.status = 'accepted' AND n.reached = $2 ORDER BY n.id`, roundID, seq)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var order []int64
	scores := map[int64][]*big.Rat{}
	for rows.Next() {
		var id int64
		var num, den sql.NullString
		if err := rows.Scan(&id, &num, &den); err != nil {
			return nil, err
		}
		if len(order) == 0 || order[len(order)-1] != id {
			order = append(order, id)
		}
		if num.Valid && num.String != "" {
			if x, ok := new(big.Rat).SetString(num.String + "/" + den.String); ok {
				scores[id] = append(scores[id], x)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []awardrule.Ranked
	for _, id := range order {
		out = append(out, awardrule.Ranked{ID: id, Score: awardrule.Mean(scores[id])})
	}
	return awardrule.Rank(out), nil
}

// panelStage is the round's current stage when it is the panel, with the
// nomination checked to be before it: accepted, reached it.
func panelStage(ctx context.Context, tx *sqldb.Tx, r Round, n Nomination) (Stage, error) {
	if r.Stage != "review" {
		return Stage{}, wrongStage(r.Stage)
	}
	st, err := stages(ctx, tx, r.ID)
	if err != nil {
		return Stage{}, err
	}
	s := st[min(r.ReviewStage, len(st))-1]
	if s.Kind != "panel" {
		return s, kexie.Errorf(kexie.CodeConflict, "err.award_not_panel", "the round's review is not at its panel")
	}
	if n.Status != "accepted" || n.Reached != s.Seq {
		return s, kexie.Errorf(kexie.CodeConflict, "err.award_not_finalist", "nomination %v is not through every review stage and the panel", n.ID)
	}
	return s, nil
}

// conflictedPersons: of the people given, those in conflict with
// nomination n — the nominee themself (linked person or identity
// document), the nominee's employer, or, as an expert of the programme's
// pool their account is linked to, any conflict of the assignment's
// rules (pinned and declared ones included).
func conflictedPersons(ctx context.Context, tx *sqldb.Tx, nominationID int64, persons []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, person := range persons {
		var c bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM people pe, award_nominations n JOIN award_rounds r ON r.id = n.round_id
			JOIN award_programmes p ON p.id = r.programme_id WHERE pe.id = $1 AND n.id = $2 AND (
				pe.id = n.person_id OR (pe.id_hash <> '' AND pe.id_hash = n.id_hash) OR (pe.employer <> '' AND pe.employer = n.employer)
				OR EXISTS (SELECT 1 FROM award_experts x JOIN users xu ON xu.id = x.user_id WHERE xu.person_id = pe.id AND x.programme_id = p.id AND `+conflictSQL+`)))`,
			person, nominationID).Scan(&c); err != nil {
			return nil, err
		}
		if c {
			out[person] = true
		}
	}
	return out, nil
}

// OpenPanelVote puts a nomination that reached the panel to the vote of
// the panel's meeting: a motion under the body's charter rule for ordinary
// resolutions, with the seats of the members in conflict with the
// nomination recused — they do not vote on it and the quorum for it is
// measured without them (governance.OpenMotionIn). The motion's title
// names the round and the nomination's number, not the nominee. The caller
// runs the round (awards.manage) and the meeting (governance.manage).
func (svc *Service) OpenPanelVote(ctx context.Context, actor kexie.Actor, nominationID int64, countedBy string) (int64, error) {
	var motion int64
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		n, r, p, err := manageNomination(ctx, tx, nominationID)
		if err != nil {
			return err
		}
		s, err := panelStage(ctx, tx, r, n)
		if err != nil {
			return err
		}
		if n.PanelMotion != 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.award_panel_put", "this nomination was put to the panel's vote already")
		}
		holders, _, err := governance.HoldersIn(ctx, tx, s.MeetingID)
		if err != nil {
			return err
		}
		persons := slices.Sorted(mapValues(holders))
		conflicted, err := conflictedPersons(ctx, tx, nominationID, slices.Compact(persons))
		if err != nil {
			return err
		}
		var recused []int64
		for seat, person := range holders {
			if conflicted[person] {
				recused = append(recused, seat)
			}
		}
		slices.Sort(recused)
		title := p.Code + " " + strconv.Itoa(r.Year) + " #" + itoa(n.ID)
		if motion, err = governance.OpenMotionIn(ctx, tx, s.MeetingID, title, charter.Ordinary, countedBy, recused); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET panel_motion = $1, updated_at = $2 WHERE id = $3`, motion, tx.Now(), nominationID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.panel.open", ObjectType: "award_nomination", ObjectID: itoa(nominationID), OrgID: p.OrgID,
			After: map[string]any{"meeting": s.MeetingID, "motion": motion, "recused": len(recused)}})
	})
	return motion, err
}

func mapValues(m map[int64]int64) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// ClosePanelVote closes a nomination's motion at the panel and records
// its outcome: the charter's rule decides (governance.CloseMotionIn),
// with the clerk's tally for a motion counted by hand (nil for an
// electronic one). The yes votes and the outcome go into the ranking.
func (svc *Service) ClosePanelVote(ctx context.Context, actor kexie.Actor, nominationID int64, clerk *charter.Tally) (charter.Outcome, error) {
	var out charter.Outcome
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		n, r, p, err := manageNomination(ctx, tx, nominationID)
		if err != nil {
			return err
		}
		if _, err := panelStage(ctx, tx, r, n); err != nil {
			return err
		}
		if n.PanelMotion == 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.award_panel_not_put", "this nomination has not been put to the panel's vote")
		}
		if n.PanelOutcome != "" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_panel_closed", "the panel has voted on this nomination")
		}
		if out, err = governance.CloseMotionIn(ctx, tx, n.PanelMotion, clerk); err != nil {
			return err
		}
		outcome := "failed"
		if out.Passed {
			outcome = "passed"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET panel_votes = $1, panel_outcome = $2, updated_at = $3 WHERE id = $4`,
			out.Tally.Yes, outcome, tx.Now(), nominationID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.panel.close", ObjectType: "award_nomination", ObjectID: itoa(nominationID), OrgID: p.OrgID,
			After: map[string]any{"motion": n.PanelMotion, "yes": out.Tally.Yes, "no": out.Tally.No, "abstain": out.Tally.Abstain,
				"base": out.Base, "required": out.Required, "rule": out.Rule.String(), "outcome": outcome}})
	})
	return out, err
}

// PanelItem is a nomination before the panel as a member sees it: the
// nominee, and the written reviews with their experts named and their
// scores — the anonymity among experts ends at the panel.
type PanelItem struct {
	NominationID int64         `json:"nomination_id"`
	Name         string        `json:"name"`
	Employer     string        `json:"employer"`
	Unit         string        `json:"unit"`
	Field        string        `json:"field"`
	Summary      string        `json:"summary"`
	Score        string        `json:"score,omitempty"`
	Reviews      []PanelReview `json:"reviews"`
	Motion       int64         `json:"motion,omitempty"`
	Outcome      string        `json:"outcome,omitempty"`
	Yes          int           `json:"yes"`
}

// PanelReview is one expert's scored review.
type PanelReview struct {
	Stage  int    `json:"stage"`
	Expert string `json:"expert"`
	Score  string `json:"score"`
}

// PanelView is what the panel sees of a round: its programme and year,
// the panel stage, the nominations before it, and how many are withheld
// from the viewer.
type PanelView struct {
	RoundID     int64       `json:"round_id"`
	Year        int         `json:"year"`
	ProgrammeZH string      `json:"programme_name_zh"`
	ProgrammeEN string      `json:"programme_name_en"`
	Stage       Stage       `json:"stage"`
	Nominations []PanelItem `json:"nominations"`
	Withheld    int         `json:"withheld"`
}

// Panel is what the panel sees of a round at its panel stage: for the
// award office or a holder of a seat at the panel's meeting, the
// nominations that reached it — except those the viewer is in conflict
// with, which they neither see nor vote on (Withheld counts them).
func (svc *Service) Panel(ctx context.Context, actor kexie.Actor, roundID int64) (PanelView, error) {
	s, items, withheld, p, r, err := svc.panel(ctx, actor, roundID)
	if err != nil {
		return PanelView{}, err
	}
	return PanelView{RoundID: r.ID, Year: r.Year, ProgrammeZH: p.NameZH, ProgrammeEN: p.NameEN, Stage: s, Nominations: items, Withheld: withheld}, nil
}

func (svc *Service) panel(ctx context.Context, actor kexie.Actor, roundID int64) (Stage, []PanelItem, int, Programme, Round, error) {
	rd := svc.db.Reader()
	r, err := round(ctx, rd, roundID)
	if err != nil {
		return Stage{}, nil, 0, Programme{}, Round{}, err
	}
	st, err := stages(ctx, rd, roundID)
	if err != nil {
		return Stage{}, nil, 0, Programme{}, Round{}, err
	}
	s := st[len(st)-1]
	if s.Kind != "panel" {
		return s, nil, 0, Programme{}, r, errRound()
	}
	p, err := programme(ctx, rd, r.ProgrammeID)
	if err != nil {
		return s, nil, 0, Programme{}, r, err
	}
	office, err := svc.db.Allowed(ctx, actor, kexie.PermAwardsManage, p.OrgID)
	if err != nil {
		return s, nil, 0, Programme{}, r, err
	}
	gov := governance.New(svc.db)
	person := int64(0)
	if actor.UserID != 0 {
		if person, err = gov.PersonOfUser(ctx, actor.UserID); err != nil {
			return s, nil, 0, Programme{}, r, err
		}
	}
	if !office {
		seated := false
		if person != 0 {
			if seated, err = gov.HoldsSeatAt(ctx, s.MeetingID, person); err != nil {
				return s, nil, 0, Programme{}, r, err
			}
		}
		if !seated {
			return s, nil, 0, Programme{}, r, errRound()
		}
	}
	items := []PanelItem{}
	if r.ReviewStage < s.Seq && r.Stage == "review" || r.Stage == "nomination" || r.Stage == "check" {
		return s, items, 0, p, r, nil
	}
	hidden, err := svc.conflictedViewer(ctx, actor, roundID)
	if err != nil {
		return s, nil, 0, Programme{}, r, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT `+nominationColumns+` WHERE n.round_id = $1 AND n.status = 'accepted' AND n.reached = $2 ORDER BY n.id`, roundID, s.Seq)
	if err != nil {
		return s, nil, 0, Programme{}, r, sqldb.MapErr(err)
	}
	var noms []Nomination
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			rows.Close()
			return s, nil, 0, Programme{}, r, err
		}
		noms = append(noms, n)
	}
	rows.Close()
	withheld := 0
	for _, n := range noms {
		if person != 0 && !hidden[n.ID] {
			var c bool
			if err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
				m, err := conflictedPersons(ctx, tx, n.ID, []int64{person})
				c = m[person]
				return err
			}); err != nil {
				return s, nil, 0, Programme{}, r, err
			}
			hidden[n.ID] = c
		}
		if hidden[n.ID] {
			withheld++
			continue
		}
		it := PanelItem{NominationID: n.ID, Name: n.Name, Employer: n.Employer, Unit: n.UnitCode, Field: n.Field, Summary: n.Summary,
			Motion: n.PanelMotion, Outcome: n.PanelOutcome, Yes: n.PanelVotes, Reviews: []PanelReview{}}
		revs, err := rd.QueryContext(ctx, `SELECT a.stage, x.name, a.score_num, a.score_den FROM award_assignments a JOIN award_experts x ON x.id = a.expert_id
			WHERE a.nomination_id = $1 AND a.status = 'scored' ORDER BY a.stage, x.name, a.id`, n.ID)
		if err != nil {
			return s, nil, 0, Programme{}, r, sqldb.MapErr(err)
		}
		var last []*big.Rat
		lastStage := 0
		for revs.Next() {
			var pr PanelReview
			var num, den string
			if err := revs.Scan(&pr.Stage, &pr.Expert, &num, &den); err != nil {
				revs.Close()
				return s, nil, 0, Programme{}, r, err
			}
			x, ok := new(big.Rat).SetString(num + "/" + den)
			if !ok {
				continue
			}
			pr.Score = x.FloatString(2)
			if pr.Stage != lastStage {
				last, lastStage = nil, pr.Stage
			}
			last = append(last, x)
			it.Reviews = append(it.Reviews, pr)
		}
		revs.Close()
		if m := awardrule.Mean(last); m != nil {
			it.Score = m.FloatString(2)
		}
		items = append(items, it)
	}
	return s, items, withheld, p, r, nil
}

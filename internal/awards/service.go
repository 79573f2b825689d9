// Package awards is the awards domain: programmes established jointly,
// rounds every N years with caps, nominations by recommending units within
// their quotas, the formal check, expert review with conflicts of interest
// and anonymity, the decision within the caps, publicity with real-name
// objections, and the announcement. The rules themselves (caps, ages,
// scores, assignment, the cut) are pure functions in awardrule.
//
// Who may do what: the award secretaries (awards.manage) of a programme's
// administering organisation run it; the staff (membership.write) of a
// recommending unit nominate for it; an expert of the pool (awards.review,
// linked to their account) reviews what is assigned to them; anyone reads
// the publicity and the announcement and may object, by real name.
package awards

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the awards domain over one database.
type Service struct {
	db *sqldb.DB
}

// New returns the awards domain on db.
func New(db *sqldb.DB) *Service { return &Service{db: db} }

// Body is an establishing body: an organisation of the registry (OrgID)
// or an outside body by name.
type Body struct {
	OrgID int64  `json:"org_id,omitempty"`
	Name  string `json:"name"`
}

// Programme is an award programme.
type Programme struct {
	ID          int64                 `json:"id"`
	OrgID       int64                 `json:"org_id"`
	Code        string                `json:"code"`
	NameZH      string                `json:"name_zh"`
	NameEN      string                `json:"name_en"`
	Bodies      []Body                `json:"bodies"`
	CycleYears  int                   `json:"cycle_years"`
	TotalCap    int                   `json:"total_cap"`
	Grades      []awardrule.Grade     `json:"grades"`
	Eligibility awardrule.Eligibility `json:"eligibility"`
	Form        []awardrule.Criterion `json:"form"`
	// Uniqueness: "lifetime" (a winner is never eligible again) or "grade"
	// (never the same grade twice).
	Uniqueness string `json:"uniqueness"`
	COIYears   int    `json:"coi_years"`
	HigherID   int64  `json:"higher_id,omitempty"`
}

// Stages of a round, in order.
var Stages = []string{"nomination", "check", "review", "decision", "publicity", "announced"}

// Unit is a recommending unit of a round and its quota.
type Unit struct {
	OrgID int64  `json:"org_id"`
	Code  string `json:"org_code,omitempty"`
	Quota int    `json:"quota"`
	Used  int    `json:"used"`
}

// Round is a round of a programme.
type Round struct {
	ID            int64      `json:"id"`
	ProgrammeID   int64      `json:"programme_id"`
	Year          int        `json:"year"`
	Stage         string     `json:"stage"`
	NominateFrom  kexie.Date `json:"nominate_from"`
	NominateTo    kexie.Date `json:"nominate_to"`
	CheckBy       kexie.Date `json:"check_by"`
	ReviewBy      kexie.Date `json:"review_by"`
	DecideBy      kexie.Date `json:"decide_by"`
	PublicityDays int        `json:"publicity_days"`
	PublicityFrom kexie.Date `json:"publicity_from"`
	AnnounceOn    kexie.Date `json:"announce_on"`
	HideNominee   bool       `json:"hide_nominee"`
	ExpertsPer    int        `json:"experts_per"`
	Resolution    string     `json:"resolution"`
	ReviewStage   int        `json:"review_stage"` // the review stage under way (1: the first)
	Units         []Unit     `json:"units"`
}

// PublicityEnd is the last day objections are received.
func (r Round) PublicityEnd() kexie.Date {
	if r.PublicityFrom.IsZero() {
		return kexie.Date{}
	}
	return r.PublicityFrom.AddDays(r.PublicityDays - 1)
}

func notFound(key, what string) error {
	return &kexie.Error{Code: kexie.CodeNotFound, Key: key, Message: "no such " + what}
}

var (
	errProgramme  = func() error { return notFound("err.award_programme_not_found", "award programme") }
	errRound      = func() error { return notFound("err.award_round_not_found", "award round") }
	errNomination = func() error { return notFound("err.award_nomination_not_found", "nomination") }
)

func invalid(key, msg string, args ...any) error {
	return kexie.Errorf(kexie.CodeInvalid, key, msg, args...)
}

func clean(s string) (string, error) {
	s = strings.TrimSpace(s)
	if kexie.CleanText(s) != s {
		return "", invalid("err.control_chars", "the text holds control characters")
	}
	return s, nil
}

const programmeColumns = `id, org_id, code, name_zh, name_en, bodies, cycle_years, total_cap, grades, eligibility, form, uniqueness, coi_years, COALESCE(higher_id, 0)`

func scanProgramme(s sqldb.Scanner) (Programme, error) {
	var p Programme
	var bodies, grades, elig, form string
	if err := s.Scan(&p.ID, &p.OrgID, &p.Code, &p.NameZH, &p.NameEN, &bodies, &p.CycleYears, &p.TotalCap, &grades, &elig, &form, &p.Uniqueness, &p.COIYears, &p.HigherID); err != nil {
		return p, err
	}
	for _, x := range []struct {
		s string
		v any
	}{{bodies, &p.Bodies}, {grades, &p.Grades}, {elig, &p.Eligibility}, {form, &p.Form}} {
		if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
			return p, err
		}
	}
	return p, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func programme(ctx context.Context, q querier, id int64) (Programme, error) {
	p, err := scanProgramme(q.QueryRowContext(ctx, `SELECT `+programmeColumns+` FROM award_programmes WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errProgramme()
	}
	return p, sqldb.MapErr(err)
}

const roundColumns = `id, programme_id, year, stage, nominate_from, nominate_to, check_by, review_by, decide_by, publicity_days, publicity_from, announce_on, hide_nominee, experts_per, resolution, review_stage`

func round(ctx context.Context, q querier, id int64) (Round, error) {
	var r Round
	err := q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM award_rounds WHERE id = $1`, id).Scan(&r.ID, &r.ProgrammeID, &r.Year, &r.Stage,
		&r.NominateFrom, &r.NominateTo, &r.CheckBy, &r.ReviewBy, &r.DecideBy, &r.PublicityDays, &r.PublicityFrom, &r.AnnounceOn, &r.HideNominee, &r.ExpertsPer, &r.Resolution, &r.ReviewStage)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errRound()
	}
	if err != nil {
		return r, sqldb.MapErr(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT u.org_id, o.code, u.quota,
		(SELECT COUNT(*) FROM award_nominations n WHERE n.round_id = u.round_id AND n.unit_id = u.org_id AND n.status <> 'withdrawn')
		FROM award_round_units u JOIN orgs o ON o.id = u.org_id WHERE u.round_id = $1 ORDER BY o.code`, id)
	if err != nil {
		return r, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.OrgID, &u.Code, &u.Quota, &u.Used); err != nil {
			return r, err
		}
		r.Units = append(r.Units, u)
	}
	return r, rows.Err()
}

// manage is the object check of the secretary's writes, inside their
// transaction: awards.manage on the programme's administering
// organisation; to anyone else the object does not exist.
func manage(ctx context.Context, tx *sqldb.Tx, programmeID int64, nf error) (Programme, error) {
	p, err := programme(ctx, tx, programmeID)
	if err != nil {
		return p, nf
	}
	return p, tx.Check(ctx, tx.Actor(), kexie.PermAwardsManage, p.OrgID, nf)
}

// manageNomination is manage for nomination id (not found to anyone
// else); it returns the nomination, its round and programme.
func manageNomination(ctx context.Context, tx *sqldb.Tx, id int64) (Nomination, Round, Programme, error) {
	n, err := nomination(ctx, tx, id)
	if err != nil {
		return n, Round{}, Programme{}, err
	}
	r, err := round(ctx, tx, n.RoundID)
	if err != nil {
		return n, r, Programme{}, err
	}
	p, err := manage(ctx, tx, r.ProgrammeID, errNomination())
	return n, r, p, err
}

// manageRound is manage for round id; it returns the round and programme.
func manageRound(ctx context.Context, tx *sqldb.Tx, id int64) (Round, Programme, error) {
	r, err := round(ctx, tx, id)
	if err != nil {
		return r, Programme{}, err
	}
	p, err := manage(ctx, tx, r.ProgrammeID, errRound())
	return r, p, err
}

func today(tx *sqldb.Tx) kexie.Date { return kexie.Today(tx.Now()) }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// wrongStage refuses a step the round's stage does not allow; each stage
// has its own message, so that no stage slug shows in a translation.
func wrongStage(stage string) error {
	switch stage {
	case "nomination":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_nomination", "the round is at the nomination stage")
	case "check":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_check", "the round is at the formal check")
	case "review":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_review", "the round is at the expert review")
	case "decision":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_decision", "the round is at the decision stage")
	case "publicity":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_publicity", "the round is in its publicity period")
	case "announced":
		return kexie.Errorf(kexie.CodeConflict, "err.award_stage_announced", "the round has been announced")
	}
	return kexie.Errorf(kexie.CodeConflict, "err.conflict", "the round's stage does not allow this")
}

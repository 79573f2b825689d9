package awards

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// Decide records the decision of a round in decision: each accepted
// nomination's grade ("" or absent: none), within the caps per grade and
// in total, approved by the resolution named; under "grade" uniqueness
// nobody wins a grade they won before. The publicity period starts today.
func (svc *Service) Decide(ctx context.Context, actor kexie.Actor, roundID int64, grades map[int64]string, resolution string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if resolution, err = clean(resolution); err != nil {
			return err
		}
		if resolution == "" {
			return invalid("err.award_resolution", "a decision is approved by a resolution")
		}
		if r.Stage != "decision" {
			return wrongStage(r.Stage)
		}
		if err := awardrule.CheckCaps(grades, p.Grades, p.TotalCap); err != nil {
			return err
		}
		st, err := stages(ctx, tx, roundID)
		if err != nil {
			return err
		}
		for id, g := range grades {
			if g == "" {
				continue
			}
			n, err := nomination(ctx, tx, id)
			if err != nil || n.RoundID != roundID {
				return errNomination()
			}
			if n.Status != "accepted" {
				return kexie.Errorf(kexie.CodeConflict, "err.award_not_accepted", "nomination %v was not accepted", id)
			}
			// Only a nomination through every review stage — and passed by
			// the panel, where there is one — wins.
			if n.Reached < len(st) || (st[len(st)-1].Kind == "panel" && n.PanelOutcome != "passed") {
				return kexie.Errorf(kexie.CodeConflict, "err.award_not_finalist", "nomination %v is not through every review stage and the panel", id)
			}
			var won bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM award_nominations m JOIN award_rounds r ON r.id = m.round_id
				WHERE r.programme_id = $1 AND m.id_hash = $2 AND m.result = 'winner' AND ($3 = 'lifetime' OR m.grade = $4))`, p.ID, n.idHash, p.Uniqueness, g).Scan(&won); err != nil {
				return err
			}
			if won {
				return kexie.Errorf(kexie.CodeConflict, "err.award_won_before", "%v has won this programme before", n.Name)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET grade = $1, result = 'proposed', updated_at = $2 WHERE id = $3`, g, tx.Now(), id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_rounds SET stage = 'publicity', publicity_from = $1, resolution = $2 WHERE id = $3`, today(tx), resolution, roundID); err != nil {
			return err
		}
		count := 0
		for _, g := range grades {
			if g != "" {
				count++
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.decide", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"stage": r.Stage}, After: map[string]any{"stage": "publicity", "winners": count, "resolution": resolution}})
	})
}

// Proposed is a proposed winner as the public sees it: no identity
// number.
type Proposed struct {
	NominationID int64  `json:"nomination_id"`
	Name         string `json:"name"`
	Employer     string `json:"employer"`
	Summary      string `json:"summary"`
	Grade        string `json:"grade"`
}

// Publicity is a round's public page: the proposed winners (or, once
// announced, the winners) and the objection window. A round before its
// publicity is not found.
type Publicity struct {
	Round     Round             `json:"-"`
	Programme string            `json:"programme"`
	NameEN    string            `json:"programme_en"`
	Year      int               `json:"year"`
	Stage     string            `json:"stage"`
	From      kexie.Date        `json:"from"`
	Until     kexie.Date        `json:"until"`
	Grades    []awardrule.Grade `json:"grades"`
	Winners   []Proposed        `json:"winners"`
}

// PublicityOf is round id's publicity (anyone).
func (svc *Service) PublicityOf(ctx context.Context, id int64) (Publicity, error) {
	rd := svc.db.Reader()
	r, err := round(ctx, rd, id)
	if err != nil {
		return Publicity{}, err
	}
	if r.Stage != "publicity" && r.Stage != "announced" {
		return Publicity{}, errRound()
	}
	p, err := programme(ctx, rd, r.ProgrammeID)
	if err != nil {
		return Publicity{}, err
	}
	out := Publicity{Round: r, Programme: p.NameZH, NameEN: p.NameEN, Year: r.Year, Stage: r.Stage, From: r.PublicityFrom, Until: r.PublicityEnd(), Grades: p.Grades, Winners: []Proposed{}}
	result := "proposed"
	if r.Stage == "announced" {
		result = "winner"
	}
	rows, err := rd.QueryContext(ctx, `SELECT id, name, employer, summary, grade FROM award_nominations WHERE round_id = $1 AND result = $2 ORDER BY grade, id`, id, result)
	if err != nil {
		return out, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var w Proposed
		if err := rows.Scan(&w.NominationID, &w.Name, &w.Employer, &w.Summary, &w.Grade); err != nil {
			return out, err
		}
		out.Winners = append(out.Winners, w)
	}
	// grades in the programme's order
	order := map[string]int{}
	for i, g := range p.Grades {
		order[g.Code] = i
	}
	sortStable(out.Winners, func(a, b Proposed) bool { return order[a.Grade] < order[b.Grade] })
	return out, rows.Err()
}

func sortStable(ws []Proposed, less func(a, b Proposed) bool) {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && less(ws[j], ws[j-1]); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
}

// Objection is an objection to a proposed winner, by real name: an
// individual gives name, identity number and contact; a unit its name,
// a contact person, a contact and a scanned letter with its seal.
type Objection struct {
	ID            int64      `json:"id"`
	NominationID  int64      `json:"nomination_id"`
	Kind          string     `json:"kind"`
	Name          string     `json:"name"`
	IDType        string     `json:"id_type,omitempty"`
	IDNumber      string     `json:"id_number,omitempty"`
	IDMasked      string     `json:"id_masked,omitempty"`
	Contact       string     `json:"contact"`
	ContactPerson string     `json:"contact_person,omitempty"`
	Letter        []byte     `json:"-"`
	HasLetter     bool       `json:"has_letter"`
	GradeOnly     bool       `json:"grade_only"`
	Body          string     `json:"text"`
	ReceivedOn    kexie.Date `json:"received_on"`
	Outcome       string     `json:"outcome"`
	Reason        string     `json:"outcome_reason"`
}

// MaxLetter is the largest scanned letter accepted.
const MaxLetter = 5 << 20

// Object receives an objection during a round's publicity period. An
// anonymous one (no real name, no identity number or letter, no contact)
// and one outside the window are refused with the reason; an objection
// to the grade only is recorded but is not an objection (it holds up
// nothing). actor is the caller as the request knows them (a visitor,
// with the address they wrote from): the audit entry records it.
func (svc *Service) Object(ctx context.Context, actor kexie.Actor, roundID int64, o Objection, sl *seal.Sealer) (Objection, error) {
	var err error
	for _, f := range []*string{&o.Name, &o.Contact, &o.ContactPerson} {
		if *f, err = clean(*f); err != nil {
			return o, err
		}
	}
	if o.Body != kexie.CleanText(o.Body) {
		return o, invalid("err.control_chars", "the text holds control characters")
	}
	o.Body = strings.TrimSpace(o.Body)
	switch o.Kind {
	case "individual":
		if o.Name == "" || strings.TrimSpace(o.IDNumber) == "" || o.Contact == "" {
			return o, invalid("err.award_anonymous", "objections are by real name: an individual gives name, identity number and contact")
		}
	case "unit":
		if o.Name == "" || o.ContactPerson == "" || o.Contact == "" || len(o.Letter) == 0 {
			return o, invalid("err.award_anonymous_unit", "objections are by real name: a unit gives its name, a contact person, a contact and a letter with its seal")
		}
		if len(o.Letter) > MaxLetter {
			return o, invalid("err.award_letter_size", "the letter is over %v MB", MaxLetter>>20)
		}
	default:
		return o, invalid("err.award_anonymous", "objections are by real name: an individual gives name, identity number and contact")
	}
	if o.Body == "" || len(o.Body) > 20000 {
		return o, invalid("err.award_objection_text", "an objection says what it objects to, in up to 20,000 bytes")
	}
	var sealed string
	if o.Kind == "individual" {
		if sl == nil {
			return o, invalid("err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
		}
		if o.IDType == "" {
			o.IDType = "resident_id"
		}
		o.IDNumber = normaliseID(o.IDNumber)
		if sealed, err = sl.Seal(o.IDNumber); err != nil {
			return o, err
		}
		o.IDMasked = kexie.MaskID(o.IDType, o.IDNumber)
		o.IDNumber = ""
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, err := round(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Stage != "publicity" {
			return errRound()
		}
		n, err := nomination(ctx, tx, o.NominationID)
		if err != nil || n.RoundID != roundID || n.Result != "proposed" {
			return errNomination()
		}
		t := today(tx)
		if t.Before(r.PublicityFrom) || t.After(r.PublicityEnd()) {
			return kexie.Errorf(kexie.CodeConflict, "err.award_objection_late", "objections are received from %v to %v", r.PublicityFrom.String(), r.PublicityEnd().String())
		}
		o.ReceivedOn, o.Outcome = t, "open"
		if o.GradeOnly {
			o.Outcome = "recorded"
		}
		letter := ""
		if len(o.Letter) > 0 {
			letter = base64.StdEncoding.EncodeToString(o.Letter)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_objections (nomination_id, kind, name, id_sealed, id_masked, contact, contact_person, letter, grade_only, body, received_on, outcome, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`, o.NominationID, o.Kind, o.Name, sealed, o.IDMasked, o.Contact, o.ContactPerson,
			letter, o.GradeOnly, o.Body, t, o.Outcome, tx.Now()).Scan(&o.ID); err != nil {
			return err
		}
		p, err := programme(ctx, tx, r.ProgrammeID)
		if err != nil {
			return err
		}
		// The objector's identity stays out of the audit log's details.
		return tx.Audit(ctx, sqldb.Change{Action: "award.objection", ObjectType: "award_nomination", ObjectID: itoa(o.NominationID), OrgID: p.OrgID,
			After: map[string]any{"objection": o.ID, "kind": o.Kind, "grade_only": o.GradeOnly}})
	})
	o.HasLetter = len(o.Letter) > 0
	return o, err
}

// Objections lists a round's objections with the objectors' identities:
// the award office only.
func (svc *Service) Objections(ctx context.Context, actor kexie.Actor, roundID int64) ([]Objection, error) {
	if _, _, err := svc.Round(ctx, actor, kexie.PermAwardsManage, roundID); err != nil {
		return nil, err
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT o.id, o.nomination_id, o.kind, o.name, o.id_masked, o.contact, o.contact_person, o.letter <> '', o.grade_only,
		o.body, o.received_on, o.outcome, o.outcome_reason FROM award_objections o JOIN award_nominations n ON n.id = o.nomination_id WHERE n.round_id = $1 ORDER BY o.id`, roundID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Objection{}
	for rows.Next() {
		var o Objection
		if err := rows.Scan(&o.ID, &o.NominationID, &o.Kind, &o.Name, &o.IDMasked, &o.Contact, &o.ContactPerson, &o.HasLetter, &o.GradeOnly,
			&o.Body, &o.ReceivedOn, &o.Outcome, &o.Reason); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

var errObjection = func() error { return notFound("err.award_objection_not_found", "objection") }

// CloseObjection gives an objection its outcome, upheld or dismissed,
// with a reason. An upheld objection takes the nomination off the
// proposed winners.
func (svc *Service) CloseObjection(ctx context.Context, actor kexie.Actor, id int64, upheld bool, reason string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var nomID int64
		var outcome string
		if err := tx.QueryRowContext(ctx, `SELECT nomination_id, outcome FROM award_objections WHERE id = $1`, id).Scan(&nomID, &outcome); err != nil {
			return errObjection()
		}
		n, err := nomination(ctx, tx, nomID)
		if err != nil {
			return err
		}
		r, err := round(ctx, tx, n.RoundID)
		if err != nil {
			return err
		}
		p, err := manage(ctx, tx, r.ProgrammeID, errObjection())
		if err != nil {
			return err
		}
		if reason, err = clean(reason); err != nil {
			return err
		}
		if reason == "" {
			return invalid("err.award_reason", "a reason is required")
		}
		if outcome != "open" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_objection_closed", "the objection is closed")
		}
		if r.Stage != "publicity" {
			return wrongStage(r.Stage)
		}
		result := "dismissed"
		if upheld {
			result = "upheld"
			if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET result = 'withdrawn', updated_at = $1 WHERE id = $2`, tx.Now(), nomID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_objections SET outcome = $1, outcome_reason = $2 WHERE id = $3`, result, reason, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.objection." + result, ObjectType: "award_nomination", ObjectID: itoa(nomID), OrgID: p.OrgID,
			After: map[string]any{"objection": id, "outcome": result, "reason": reason}})
	})
}

// Announce announces a round's winners: only after the publicity window
// has ended and with every objection closed.
func (svc *Service) Announce(ctx context.Context, actor kexie.Actor, roundID int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, p, err := manageRound(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.Stage != "publicity" {
			return wrongStage(r.Stage)
		}
		if !today(tx).After(r.PublicityEnd()) {
			return kexie.Errorf(kexie.CodeConflict, "err.award_publicity_open", "the publicity period runs until %v", r.PublicityEnd().String())
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_objections o JOIN award_nominations n ON n.id = o.nomination_id
			WHERE n.round_id = $1 AND o.outcome = 'open'`, roundID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.award_objections_open", "%v objections are not closed", open)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET result = 'winner', updated_at = $1 WHERE round_id = $2 AND result = 'proposed'`, tx.Now(), roundID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_rounds SET stage = 'announced', announce_on = $1 WHERE id = $2`, today(tx), roundID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.announce", ObjectType: "award_round", ObjectID: itoa(roundID), OrgID: p.OrgID,
			Before: map[string]any{"stage": r.Stage}, After: map[string]any{"stage": "announced"}})
	})
}

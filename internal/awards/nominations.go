package awards

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// Nominee is who a unit nominates and what for.
type Nominee struct {
	PersonID     int64      `json:"person_id,omitempty"` // a person of the register, or 0 for someone new
	Name         string     `json:"name"`
	Gender       string     `json:"gender,omitempty"`
	Birth        kexie.Date `json:"birth_date"`
	IDType       string     `json:"id_type"`
	IDNumber     string     `json:"id_number,omitempty"`
	Employer     string     `json:"employer"`
	EmployerOrg  int64      `json:"employer_org_id,omitempty"`
	Field        string     `json:"field"`
	Region       string     `json:"region"`
	Achievements string     `json:"achievements"`
	Summary      string     `json:"summary"`
	UnitPubFrom  kexie.Date `json:"unit_publicity_from"`
	UnitPubTo    kexie.Date `json:"unit_publicity_to"`
}

// Nomination is a nomination as stored (the identity number masked).
type Nomination struct {
	ID          int64  `json:"id"`
	RoundID     int64  `json:"round_id"`
	UnitID      int64  `json:"unit_id"`
	UnitCode    string `json:"unit_code"`
	IDMasked    string `json:"id_masked"`
	Status      string `json:"status"`
	CheckReason string `json:"check_reason"`
	PanelVotes  int    `json:"panel_votes"`
	// Reached is the review stage the nomination got to (1: the first);
	// PanelMotion its motion at the panel meeting and PanelOutcome that
	// motion's outcome (passed, failed; "" until it closes).
	Reached      int    `json:"reached"`
	PanelMotion  int64  `json:"panel_motion,omitempty"`
	PanelOutcome string `json:"panel_outcome,omitempty"`
	Grade        string `json:"grade"`
	Result       string `json:"result"`
	Nominee
	idHash string
}

const nominationColumns = `n.id, n.round_id, n.unit_id, o.code, COALESCE(n.person_id, 0), n.name, n.gender, n.birth_date, n.id_type, n.id_masked, n.id_hash,
	n.employer, COALESCE(n.employer_org, 0), n.field, n.region, n.achievements, n.summary, n.unit_pub_from, n.unit_pub_to, n.status, n.check_reason,
	n.panel_votes, n.grade, n.result, n.reached, COALESCE(n.panel_motion, 0), n.panel_outcome FROM award_nominations n JOIN orgs o ON o.id = n.unit_id`

func scanNomination(s sqldb.Scanner) (Nomination, error) {
	var n Nomination
	err := s.Scan(&n.ID, &n.RoundID, &n.UnitID, &n.UnitCode, &n.PersonID, &n.Name, &n.Gender, &n.Birth, &n.IDType, &n.IDMasked, &n.idHash,
		&n.Employer, &n.EmployerOrg, &n.Field, &n.Region, &n.Achievements, &n.Summary, &n.UnitPubFrom, &n.UnitPubTo, &n.Status, &n.CheckReason,
		&n.PanelVotes, &n.Grade, &n.Result, &n.Reached, &n.PanelMotion, &n.PanelOutcome)
	return n, err
}

func nomination(ctx context.Context, q querier, id int64) (Nomination, error) {
	n, err := scanNomination(q.QueryRowContext(ctx, `SELECT `+nominationColumns+` WHERE n.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, errNomination()
	}
	return n, sqldb.MapErr(err)
}

// IDHash is the keyed hash a person is matched by: the same as the
// register's (people.id_hash), over the document type and number.
func IDHash(sl *seal.Sealer, idType, number string) string {
	return sl.Hash(kexie.MemberRecord{IDType: idType, IDNumber: normaliseID(number)}.IDKey())
}

func normaliseID(s string) string { return kexie.NormalIDNumber(s) }

// mayNominate: the actor holds membership.write on the unit (its staff)
// or awards.manage on the programme's organisation.
func mayNominate(ctx context.Context, tx *sqldb.Tx, unitID int64, p Programme) (bool, error) {
	if ok, err := tx.Allowed(ctx, tx.Actor(), kexie.PermMembershipWrite, unitID); err != nil || ok {
		return ok, err
	}
	return tx.Allowed(ctx, tx.Actor(), kexie.PermAwardsManage, p.OrgID)
}

// eligibility lists what the nominee fails: the programme's rules, and
// uniqueness (a winner of this programme, matched by identity document,
// is not eligible again; under "grade" uniqueness this is checked at the
// decision, grade by grade).
func eligibility(ctx context.Context, tx *sqldb.Tx, p Programme, r Round, n Nominee, idHash string) ([]awardrule.Unmet, error) {
	var member bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN people pe ON pe.id = m.person_id
		WHERE m.status = 'active' AND (pe.id = $1 OR (pe.id_hash = $2 AND pe.id_hash <> '')))`, n.PersonID, idHash).Scan(&member); err != nil {
		return nil, err
	}
	unmet := p.Eligibility.Eligible(awardrule.Nominee{Birth: n.Birth, Field: n.Field, Region: n.Region, IsMember: member}, r.Year)
	if p.Uniqueness == "lifetime" {
		var year int
		err := tx.QueryRowContext(ctx, `SELECT r.year FROM award_nominations n JOIN award_rounds r ON r.id = n.round_id
			WHERE r.programme_id = $1 AND n.id_hash = $2 AND n.result = 'winner' ORDER BY r.year LIMIT 1`, p.ID, idHash).Scan(&year)
		if err == nil {
			unmet = append(unmet, awardrule.Unmet{Key: "award.unmet.won", Args: []any{year}, Text: "already won this programme"})
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	return unmet, nil
}

// Ineligible is the refusal of a nominee who fails a rule.
func ineligible(unmet []awardrule.Unmet) error {
	texts := make([]string, len(unmet))
	for i, u := range unmet {
		texts[i] = u.Text
	}
	e := kexie.Errorf(kexie.CodeInvalid, "err.award_ineligible", "not eligible: %v", strings.Join(texts, "; "))
	return e
}

// checkNominee cleans and checks a nominee, and seals their identity
// number: the keyed hash they are matched by and the sealed number.
func checkNominee(n *Nominee, sl *seal.Sealer) (idHash, sealed string, err error) {
	for _, f := range []*string{&n.Name, &n.Employer, &n.Field, &n.Region, &n.Summary} {
		if *f, err = clean(*f); err != nil {
			return "", "", err
		}
	}
	if n.Achievements != kexie.CleanText(n.Achievements) {
		return "", "", invalid("err.control_chars", "the text holds control characters")
	}
	n.IDNumber = normaliseID(n.IDNumber)
	if n.IDType == "" {
		n.IDType = "resident_id"
	}
	switch {
	case n.Name == "":
		return "", "", invalid("err.award_nominee_name", "the nominee needs a name")
	case n.IDNumber == "":
		return "", "", invalid("err.award_nominee_id", "the nominee needs an identity document number")
	case sl == nil:
		return "", "", invalid("err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
	case len(n.Achievements) > 100000 || len(n.Summary) > 2000:
		return "", "", invalid("err.award_text_long", "achievements up to 100,000 bytes, the summary up to 2,000")
	case !n.UnitPubFrom.IsZero() && n.UnitPubTo.Before(n.UnitPubFrom):
		return "", "", invalid("err.award_unit_publicity", "the unit's publicity ends before it starts")
	}
	sealed, err = sl.Seal(n.IDNumber)
	return IDHash(sl, n.IDType, n.IDNumber), sealed, err
}

// Nominate records a nomination by unit unitID for round roundID, by its
// staff, within the window and the unit's quota, never by the nominee;
// the nominee must be eligible.
func (svc *Service) Nominate(ctx context.Context, actor kexie.Actor, roundID, unitID int64, n Nominee, sl *seal.Sealer) (Nomination, error) {
	var out Nomination
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		r, err := round(ctx, tx, roundID)
		if err != nil {
			return err
		}
		p, err := programme(ctx, tx, r.ProgrammeID)
		if err != nil {
			return err
		}
		var quota *Unit
		for i := range r.Units {
			if r.Units[i].OrgID == unitID {
				quota = &r.Units[i]
			}
		}
		// Not the unit's staff, or not a recommending unit: no such round.
		if ok, err := mayNominate(ctx, tx, unitID, p); err != nil || !ok || quota == nil {
			if err == nil {
				err = errRound()
			}
			return err
		}
		// The nominee is looked at only once the caller may nominate here:
		// nobody else learns what a valid nomination is.
		idHash, sealed, err := checkNominee(&n, sl)
		if err != nil {
			return err
		}
		t := today(tx)
		if r.Stage != "nomination" || t.Before(r.NominateFrom) || t.After(r.NominateTo) {
			return kexie.Errorf(kexie.CodeConflict, "err.award_window_closed", "nominations are received from %v to %v", r.NominateFrom.String(), r.NominateTo.String())
		}
		if quota.Used >= quota.Quota {
			return kexie.Errorf(kexie.CodeConflict, "err.award_quota", "the unit's quota of %v is used", quota.Quota)
		}
		if u := tx.Actor().UserID; u != 0 {
			var self bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users us JOIN people pe ON pe.id = us.person_id
				WHERE us.id = $1 AND (pe.id = $2 OR pe.id_hash = $3))`, u, n.PersonID, idHash).Scan(&self); err != nil {
				return err
			}
			if self {
				return kexie.Errorf(kexie.CodeForbidden, "err.award_self", "nobody nominates themself")
			}
		}
		if n.PersonID != 0 {
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id = $1)`, n.PersonID).Scan(&ok); err != nil || !ok {
				return kexie.Errorf(kexie.CodeNotFound, "err.person_not_found", "no person %v", n.PersonID)
			}
		}
		var dup bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM award_nominations WHERE round_id = $1 AND id_hash = $2 AND status <> 'withdrawn')`,
			roundID, idHash).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return kexie.Errorf(kexie.CodeConflict, "err.award_nominated_twice", "this person is already nominated in this round")
		}
		unmet, err := eligibility(ctx, tx, p, r, n, idHash)
		if err != nil {
			return err
		}
		if len(unmet) > 0 {
			return ineligible(unmet)
		}
		var person, empOrg any
		if n.PersonID != 0 {
			person = n.PersonID
		}
		if n.EmployerOrg != 0 {
			empOrg = n.EmployerOrg
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_nominations (round_id, unit_id, person_id, name, gender, birth_date, id_type, id_sealed, id_hash, id_masked,
			employer, employer_org, field, region, achievements, summary, unit_pub_from, unit_pub_to, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id`,
			roundID, unitID, person, n.Name, n.Gender, n.Birth, n.IDType, sealed, idHash, kexie.MaskID(n.IDType, n.IDNumber),
			n.Employer, empOrg, n.Field, n.Region, n.Achievements, n.Summary, n.UnitPubFrom, n.UnitPubTo, tx.Actor().UserID, tx.Now()).Scan(&id); err != nil {
			return err
		}
		if out, err = nomination(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.nominate", ObjectType: "award_nomination", ObjectID: itoa(id), OrgID: unitID,
			After: map[string]any{"round": roundID, "name": n.Name, "id": out.IDMasked, "employer": n.Employer}})
	})
	return out, err
}

// Nomination is nomination id for an actor who may see it: the award
// office (awards.manage on the programme's organisation) or its unit's
// staff (membership.write on the unit); not found for anyone else.
func (svc *Service) Nomination(ctx context.Context, actor kexie.Actor, id int64) (Nomination, error) {
	n, err := nomination(ctx, svc.db.Reader(), id)
	if err != nil {
		return n, err
	}
	r, err := round(ctx, svc.db.Reader(), n.RoundID)
	if err != nil {
		return n, err
	}
	p, err := programme(ctx, svc.db.Reader(), r.ProgrammeID)
	if err != nil {
		return n, err
	}
	if ok, err := svc.db.Allowed(ctx, actor, kexie.PermAwardsManage, p.OrgID); err != nil || ok {
		return n, err
	}
	return n, svc.db.Check(ctx, actor, kexie.PermMembershipWrite, n.UnitID, errNomination())
}

// Nominations lists a round's nominations the actor may see (all of them
// for the award office; a unit's own for its staff); not found for
// anyone who neither runs the round nor is staff of one of its units.
func (svc *Service) Nominations(ctx context.Context, actor kexie.Actor, roundID int64) ([]Nomination, error) {
	_, _, manage, err := svc.RoundFor(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	var args []any
	cond := `1 = 1`
	if !manage {
		sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipWrite)
		if err != nil {
			return nil, err
		}
		cond = sc.SQL("n.unit_id", sqldb.Args(&args))
	}
	args = append(args, roundID)
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+nominationColumns+` WHERE `+cond+` AND n.round_id = $`+itoa(int64(len(args)))+` ORDER BY n.id`, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Nomination{}
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// FormalCheck accepts a nomination or does not accept it (不予受理) with a
// reason the unit sees. Eligibility and uniqueness are checked again: an
// ineligible nomination cannot be accepted.
func (svc *Service) FormalCheck(ctx context.Context, actor kexie.Actor, id int64, accept bool, reason string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		n, r, p, err := manageNomination(ctx, tx, id)
		if err != nil {
			return err
		}
		if reason, err = clean(reason); err != nil {
			return err
		}
		if !accept && reason == "" {
			return invalid("err.award_reason", "a reason is required")
		}
		if r.Stage != "check" && r.Stage != "nomination" {
			return wrongStage(r.Stage)
		}
		if n.Status != "submitted" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_checked", "the nomination was already checked")
		}
		status := "not_accepted"
		if accept {
			status = "accepted"
			unmet, err := eligibility(ctx, tx, p, r, n.Nominee, n.idHash)
			if err != nil {
				return err
			}
			if len(unmet) > 0 {
				return ineligible(unmet)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE award_nominations SET status = $1, check_reason = $2, updated_at = $3 WHERE id = $4`, status, reason, tx.Now(), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.check", ObjectType: "award_nomination", ObjectID: itoa(id), OrgID: p.OrgID,
			Before: map[string]any{"status": n.Status}, After: map[string]any{"status": status, "reason": reason}})
	})
}

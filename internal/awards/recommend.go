package awards

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Recommend carries a winner of one of a programme's rounds on to a round
// of its higher programme: a new nomination there by the programme's
// administering organisation, which must be a recommending unit of that
// round (within its quota and window, as any nomination), with the nominee
// and the materials carried along — the identity document as it was
// sealed, its hash and its mask; achievements, summary, employer, field,
// region. Eligibility and uniqueness are those of the higher programme.
// The award office of the lower programme recommends.
func (svc *Service) Recommend(ctx context.Context, actor kexie.Actor, nominationID, toRoundID int64) (Nomination, error) {
	var out Nomination
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		n, _, p, err := manageNomination(ctx, tx, nominationID)
		if err != nil {
			return err
		}
		if n.Result != "winner" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_not_winner", "only an announced winner is recommended on")
		}
		tr, err := round(ctx, tx, toRoundID)
		if err != nil {
			return err
		}
		if p.HigherID == 0 || tr.ProgrammeID != p.HigherID {
			return kexie.Errorf(kexie.CodeInvalid, "err.award_not_higher", "the round is not of this programme's higher programme")
		}
		tp, err := programme(ctx, tx, tr.ProgrammeID)
		if err != nil {
			return err
		}
		var quota *Unit
		for i := range tr.Units {
			if tr.Units[i].OrgID == p.OrgID {
				quota = &tr.Units[i]
			}
		}
		if quota == nil {
			return kexie.Errorf(kexie.CodeConflict, "err.award_not_unit", "this programme's organisation is not a recommending unit of that round")
		}
		t := today(tx)
		if tr.Stage != "nomination" || t.Before(tr.NominateFrom) || t.After(tr.NominateTo) {
			return kexie.Errorf(kexie.CodeConflict, "err.award_window_closed", "nominations are received from %v to %v", tr.NominateFrom.String(), tr.NominateTo.String())
		}
		if quota.Used >= quota.Quota {
			return kexie.Errorf(kexie.CodeConflict, "err.award_quota", "the unit's quota of %v is used", quota.Quota)
		}
		var dup bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM award_nominations WHERE round_id = $1 AND id_hash = $2 AND status <> 'withdrawn')`,
			toRoundID, n.idHash).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return kexie.Errorf(kexie.CodeConflict, "err.award_nominated_twice", "this person is already nominated in this round")
		}
		unmet, err := eligibility(ctx, tx, tp, tr, n.Nominee, n.idHash)
		if err != nil {
			return err
		}
		if len(unmet) > 0 {
			return ineligible(unmet)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_nominations (round_id, unit_id, person_id, name, gender, birth_date, id_type, id_sealed, id_hash, id_masked,
			employer, employer_org, field, region, achievements, summary, unit_pub_from, unit_pub_to, created_by, created_at, updated_at)
			SELECT $1, $2, person_id, name, gender, birth_date, id_type, id_sealed, id_hash, id_masked, employer, employer_org, field, region, achievements, summary,
			unit_pub_from, unit_pub_to, $3, $4, $4 FROM award_nominations WHERE id = $5 RETURNING id`,
			toRoundID, p.OrgID, tx.Actor().UserID, tx.Now(), nominationID).Scan(&id); err != nil {
			return err
		}
		if out, err = nomination(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.recommend", ObjectType: "award_nomination", ObjectID: itoa(id), OrgID: p.OrgID,
			After: map[string]any{"from_nomination": nominationID, "from_programme": p.Code, "to_programme": tp.Code, "round": toRoundID, "name": n.Name}})
	})
	return out, err
}

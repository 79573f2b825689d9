package membership

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// NewDuesStandard is a dues standard to set for an organisation.
type NewDuesStandard struct {
	Type          kexie.MemberType
	AmountFen     int64
	Period        string // "" is a year
	EffectiveFrom string // YYYY-MM-DD
	Note          string
}

const duesStandardColumns = `s.id, s.org_id, o.code, s.member_type, s.amount_fen, s.period, s.effective_from, s.set_by, s.note, s.created_at`

func scanDuesStandard(sc sqldb.Scanner) (kexie.DuesStandard, error) {
	var s kexie.DuesStandard
	err := sc.Scan(&s.ID, &s.OrgID, &s.OrgCode, &s.Type, &s.AmountFen, &s.Period, &s.EffectiveFrom, &s.SetBy, &s.Note, &s.CreatedAt)
	return s, sqldb.MapErr(err)
}

// SetDuesStandard records a dues standard of an organisation for one member
// type from a date on, with its audit entry. Standards are never changed:
// a new amount is a new standard with a later effective date (an earlier
// date may be recorded too, to complete the history). Errors: CodeInvalid
// for a bad type, amount, period or date, or an organisation that has no
// members (a department, affiliated unit or subordinate enterprise);
// CodeNotFound for no such organisation, or one outside the subtrees where
// actor holds membership.write; CodeConflict when the organisation
// already has a standard for that type from that date.
func (svc *Service) SetDuesStandard(ctx context.Context, actor kexie.Actor, orgID int64, n NewDuesStandard) (kexie.DuesStandard, error) {
	var out kexie.DuesStandard
	typ, err := kexie.ParseMemberType(string(n.Type))
	if err != nil {
		return out, err
	}
	if n.AmountFen < 0 || n.AmountFen > MaxDuesFen {
		return out, kexie.Errorf(kexie.CodeInvalid, "err.amount_fen", "amount_fen is a whole number of fen (1/100 yuan), zero to %d", MaxDuesFen)
	}
	period, err := kexie.ParseDuesPeriod(n.Period)
	if err != nil {
		return out, err
	}
	from := strings.TrimSpace(n.EffectiveFrom)
	if d, err := kexie.ParseDate(from); err != nil || d.IsZero() {
		return out, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", n.EffectiveFrom)
	}
	note := strings.TrimSpace(n.Note)
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		o, err := registry.OrgTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		// membership.write on the organisation, as the route declares;
		// outside the actor's subtrees it is not found, exactly as one that
		// does not exist (before the kind is looked at).
		if err := tx.Check(ctx, tx.Actor(), kexie.PermMembershipWrite, o.ID, registry.OrgNotFound(orgID)); err != nil {
			return err
		}
		if !o.Kind.IsMember() {
			return kexie.Errorf(kexie.CodeInvalid, "err.dues_no_members", "%s has no members of its own, so no dues standards", o.Code)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM dues_standards WHERE org_id = $1 AND member_type = $2 AND effective_from = $3)`,
			orgID, string(typ), from).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return kexie.Errorf(kexie.CodeConflict, "err.dues_standard_exists",
				"there is already a standard for this type from %s; standards are not changed: set a new one with a later effective date", from)
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO dues_standards (org_id, member_type, amount_fen, period, effective_from, set_by, note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, orgID, string(typ), n.AmountFen, period, from, tx.Actor().Username, note, tx.Now()).Scan(&id); err != nil {
			return err
		}
		out = kexie.DuesStandard{ID: id, OrgID: orgID, OrgCode: o.Code, Type: typ, AmountFen: n.AmountFen, Period: period, EffectiveFrom: from,
			SetBy: tx.Actor().Username, Note: note, CreatedAt: tx.Now()}
		return tx.Audit(ctx, sqldb.Change{Action: "dues.standard", ObjectType: "dues_standard", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"org": o.Code, "type": string(typ), "amount_fen": n.AmountFen, "period": period, "effective_from": from, "note": note}})
	})
	return out, err
}

// DuesStandards lists an organisation's standards, the whole history: by
// member type, then newest effective date first.
func (svc *Service) DuesStandards(ctx context.Context, orgID int64) ([]kexie.DuesStandard, error) {
	return svc.duesStandards(ctx, `WHERE s.org_id = $1 ORDER BY s.member_type, s.effective_from DESC`, orgID)
}

// DuesStandardFor is the standard in force on day for a membership: its
// organisation's standard for its type, chosen by kexie.StandardInForce.
// ok is false when none has taken effect by then. Errors: CodeNotFound for
// no such membership.
func (svc *Service) DuesStandardFor(ctx context.Context, membershipID int64, on time.Time) (s kexie.DuesStandard, ok bool, err error) {
	var orgID int64
	var typ string
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT org_id, type FROM memberships WHERE id = $1`, membershipID).Scan(&orgID, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
	}
	if err != nil {
		return s, false, sqldb.MapErr(err)
	}
	all, err := svc.duesStandards(ctx, `WHERE s.org_id = $1 AND s.member_type = $2`, orgID, typ)
	if err != nil {
		return s, false, err
	}
	s, ok = kexie.StandardInForce(all, kexie.MemberType(typ), on)
	return s, ok, nil
}

func (svc *Service) duesStandards(ctx context.Context, where string, args ...any) ([]kexie.DuesStandard, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+duesStandardColumns+` FROM dues_standards s JOIN orgs o ON o.id = s.org_id `+where, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []kexie.DuesStandard
	for rows.Next() {
		s, err := scanDuesStandard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, sqldb.MapErr(rows.Err())
}

// MaxDuesFen bounds a dues standard: 1,000,000 yuan a period, far above any
// society's dues, far below what a sum of many could overflow.
const MaxDuesFen = 100_000_000

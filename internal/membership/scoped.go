package membership

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// memberNotFound is the error for a membership that does not exist, and —
// the same error, so that its existence does not leak — for one outside the
// actor's subtrees.
func memberNotFound() error {
	return kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
}

// checkMemberWrite is what every use case that changes a membership (or an
// application) asks inside its transaction, once it has found the
// organisation the membership belongs to: may the transaction's actor write
// members there (membership.write, as the routes declare)? If not, the
// membership is not found, exactly as Member answers, and the caller
// writes nothing. The web handlers load the member first, but a use case
// does not rely on its caller for that.
func checkMemberWrite(ctx context.Context, tx *sqldb.Tx, orgID int64) error {
	return tx.Check(ctx, tx.Actor(), kexie.PermMembershipWrite, orgID, memberNotFound())
}

// Member is the membership id if actor holds p on its organisation; any
// other is not found, exactly as one that does not exist.
func (svc *Service) Member(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Member, error) {
	notFound := memberNotFound()
	m, err := svc.MemberByID(ctx, id)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return m, notFound
	}
	if err != nil {
		return m, err
	}
	return m, svc.db.Check(ctx, actor, p, m.OrgID, notFound)
}

// CardOf is the card of membership id for an actor who may read the
// member, or whose account is linked to its holder (a member's own card);
// no card (an applicant) is not found, as another subtree's is.
func (svc *Service) CardOf(ctx context.Context, actor kexie.Actor, id int64) (Card, error) {
	_, err := svc.Member(ctx, actor, kexie.PermMembershipRead, id)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		own, oerr := svc.holds(ctx, actor, id)
		if oerr != nil {
			return Card{}, oerr
		}
		if !own {
			return Card{}, err
		}
	} else if err != nil {
		return Card{}, err
	}
	c, err := svc.CardByMembership(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Token == "" {
		return c, kexie.Errorf(kexie.CodeNotFound, "err.card_not_found", "no such membership card")
	}
	return c, nil
}

// writableMember is the organisation of membership id, for a write of the
// transaction's actor, who needs membership.write there (checkMemberWrite).
func writableMember(ctx context.Context, tx *sqldb.Tx, id int64) (int64, error) {
	orgID, err := membershipOrg(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	return orgID, checkMemberWrite(ctx, tx, orgID)
}

// holds reports whether actor's account is linked to the holder of
// membership id: their own membership.
func (svc *Service) holds(ctx context.Context, actor kexie.Actor, id int64) (bool, error) {
	if actor.UserID == 0 {
		return false, nil
	}
	var n int
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.person_id = m.person_id
		WHERE m.id = $1 AND u.id = $2`, id, actor.UserID).Scan(&n)
	return n > 0, sqldb.MapErr(err)
}

// PossibleDuplicates lists the other memberships (up to 10) whose holder
// carries the same identity document as membership id's — an application
// that may be someone already on file — among those actor may read: a
// reviewer learns of a duplicate only where they could see it anyway.
// The membership itself must be one actor may read.
func (svc *Service) PossibleDuplicates(ctx context.Context, actor kexie.Actor, id int64) ([]Member, error) {
	if _, err := svc.Member(ctx, actor, kexie.PermMembershipRead, id); err != nil {
		return nil, err
	}
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := sqldb.Args(&args)
	q := `SELECT o.id FROM memberships mine JOIN people pm ON pm.id = mine.person_id
		JOIN people po ON po.id_hash = pm.id_hash JOIN memberships o ON o.person_id = po.id
		WHERE mine.id = ` + arg(id) + ` AND pm.id_hash <> '' AND o.id <> mine.id`
	if !sc.All() {
		q += ` AND ` + sc.SQL("o.org_id", arg)
	}
	rows, err := svc.db.Reader().QueryContext(ctx, q+` ORDER BY o.id LIMIT 10`, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	var ids []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, sqldb.MapErr(err)
		}
		ids = append(ids, o)
	}
	if err := rows.Close(); err != nil {
		return nil, sqldb.MapErr(err)
	}
	var out []Member
	for _, o := range ids {
		m, err := svc.Member(ctx, actor, kexie.PermMembershipRead, o)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

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
// member; no card (an applicant) is not found, as another subtree's is.
func (svc *Service) CardOf(ctx context.Context, actor kexie.Actor, id int64) (Card, error) {
	m, err := svc.Member(ctx, actor, kexie.PermMembershipRead, id)
	if err != nil {
		return Card{}, err
	}
	c, err := svc.CardByMembership(ctx, m.ID)
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

package membership

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
)

// Member is the membership id if actor holds p on its organisation; any
// other is not found, exactly as one that does not exist.
func (svc *Service) Member(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Member, error) {
	notFound := kexie.Errorf(kexie.CodeNotFound, "err.member_not_found", "no such member")
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

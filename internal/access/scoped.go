package access

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
)

// ManagedUser is the account id if actor may manage it (CanManageUser);
// any other is not found, so that its existence does not leak.
func (svc *Service) ManagedUser(ctx context.Context, actor kexie.Actor, id int64) (kexie.User, error) {
	notFound := kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
	if !actor.IsSystem() {
		if actor.UserID == 0 {
			return kexie.User{}, notFound
		}
		ok, err := svc.CanManageUser(ctx, actor.UserID, id)
		if err != nil {
			return kexie.User{}, err
		}
		if !ok {
			return kexie.User{}, notFound
		}
	}
	u, err := svc.UserByID(ctx, id)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return u, notFound
	}
	return u, err
}

package access

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
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

// The accounts' writes check, inside their transaction, whom the actor may
// act on: the system anyone; a user their own account (ownAccount), or an
// account they manage (managedAccount, CanManageUser's rule). To anyone
// else the account does not exist.

var errNoUser = kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")

// ownAccount lets the system, or the account's own user, act.
func ownAccount(tx *sqldb.Tx, userID int64) error {
	if a := tx.Actor(); a.IsSystem() || (a.UserID != 0 && a.UserID == userID) {
		return nil
	}
	return errNoUser
}

// managedAccount lets the system, or a user who manages the account, act.
func managedAccount(ctx context.Context, tx *sqldb.Tx, userID int64) error {
	a := tx.Actor()
	if a.IsSystem() {
		return nil
	}
	if a.UserID == 0 {
		return errNoUser
	}
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = 'sysadmin') OR `+manageable("$1", "$2"),
		a.UserID, userID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNoUser
	}
	return nil
}

// managesOrg lets the system, or a user holding user.manage on orgID, give
// a role there; to anyone else the organisation does not exist.
func managesOrg(ctx context.Context, tx *sqldb.Tx, orgID int64) error {
	return tx.Check(ctx, tx.Actor(), kexie.PermUserManage, orgID, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", orgID))
}

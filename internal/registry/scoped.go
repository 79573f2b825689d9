package registry

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Org is the organisation with this code if actor holds p on it. An
// organisation outside the actor's subtrees is not found, exactly as one
// that does not exist, so its existence does not leak.
func (svc *Service) Org(ctx context.Context, actor kexie.Actor, p kexie.Permission, code string) (kexie.Organisation, error) {
	notFound := kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", code)
	o, err := svc.OrgByCode(ctx, code)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return o, notFound
	}
	if err != nil {
		return o, err
	}
	return o, svc.db.Check(ctx, actor, p, o.ID, notFound)
}

// May reports whether actor holds p on the organisation: what a page asks
// to decide which actions to offer (the use cases check again).
func (svc *Service) May(ctx context.Context, actor kexie.Actor, p kexie.Permission, orgID int64) (bool, error) {
	return svc.db.Allowed(ctx, actor, p, orgID)
}

// writableOrg is organisation orgID for a write of the transaction's actor,
// who needs registry.write on it; outside their subtrees it is not found,
// checked before any rule of the write can describe it.
func writableOrg(ctx context.Context, tx *sqldb.Tx, orgID int64) (kexie.Organisation, error) {
	o, err := OrgTx(ctx, tx, orgID)
	if err != nil {
		return o, err
	}
	return o, tx.Check(ctx, tx.Actor(), kexie.PermRegistryWrite, o.ID, OrgNotFound(orgID))
}

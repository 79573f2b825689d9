package access

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// manageable is the SQL condition "the user whose id is the expression
// target may be managed by the user whose id is the expression manager": a
// system administrator may manage anyone (checked separately); an
// organisation administrator may manage a user who is not a system
// administrator, holds at least one role, and all of whose roles lie within
// the manager's user.manage subtrees. A user with no roles is managed by
// system administrators only.
func manageable(manager, target string) string {
	return `(EXISTS (SELECT 1 FROM role_grants WHERE user_id = ` + target + `)
		AND NOT EXISTS (SELECT 1 FROM role_grants t WHERE t.user_id = ` + target + ` AND (t.role = 'sysadmin' OR NOT EXISTS (
			SELECT 1 FROM org_closure c JOIN role_grants m ON m.org_id = c.ancestor_id
			WHERE c.descendant_id = t.org_id AND m.user_id = ` + manager + ` AND m.role IN ` + sqldb.RoleList(kexie.PermUserManage) + `))))`
}

// CanManageUser reports whether manager may change target's account (see
// manageable).
func (svc *Service) CanManageUser(ctx context.Context, manager, target int64) (bool, error) {
	sys, err := svc.db.IsSysAdmin(ctx, manager)
	if err != nil || sys {
		return sys, err
	}
	var ok bool
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT `+manageable("$1", "$2"), manager, target).Scan(&ok)
	return ok, sqldb.MapErr(err)
}

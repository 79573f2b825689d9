package access

import (
	"context"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
)

// Grantable checks that caller may grant the role named roleName on the
// organisation with this code, and returns both: the organisation must lie
// in a subtree where the caller manages users (outside it, it does not
// exist for them), and nobody but a system administrator makes system
// administrators (kexie.MayGrant). The system may grant anything.
func (svc *Service) Grantable(ctx context.Context, actor kexie.Actor, caller *kexie.User, roleName, code string) (kexie.Role, kexie.Organisation, error) {
	role, err := kexie.ParseRole(roleName)
	if err != nil {
		return "", kexie.Organisation{}, err
	}
	org, err := registry.New(svc.db).Org(ctx, actor, kexie.PermUserManage, strings.TrimSpace(code))
	if err != nil {
		return "", org, err
	}
	by := kexie.RoleOrgAdmin
	if actor.IsSystem() || (caller != nil && IsSysAdmin(caller)) {
		by = kexie.RoleSysAdmin
	}
	if !kexie.MayGrant(by, role) {
		return "", org, kexie.Errorf(kexie.CodeForbidden, "err.grant_forbidden", "you may not grant the role %s", string(role))
	}
	return role, org, nil
}

// IsSysAdmin reports whether the user, as loaded with their grants, is a
// system administrator.
func IsSysAdmin(u *kexie.User) bool {
	for _, g := range u.Grants {
		if g.Role == kexie.RoleSysAdmin {
			return true
		}
	}
	return false
}

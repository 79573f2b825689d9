package kexie

import "slices"

// Role is granted to a user on an organisation and holds for that
// organisation's whole subtree.
type Role string

const (
	RoleSysAdmin Role = "sysadmin"  // system administrator: everything, everywhere
	RoleOrgAdmin Role = "org_admin" // organisation administrator: users and data of a subtree
	RoleStaff    Role = "staff"     // staff: day-to-day data of a subtree
	RoleAuditor  Role = "auditor"   // auditor: read-only, including the audit log
)

// Roles lists the roles in order of decreasing power.
var Roles = []Role{RoleSysAdmin, RoleOrgAdmin, RoleStaff, RoleAuditor}

// ParseRole accepts a role slug.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", Errorf(CodeInvalid, "err.role_unknown", "unknown role %q", s)
	}
	return r, nil
}

// Permission names what a route or use case needs. Every route declares one.
type Permission string

const (
	// PermPublic: anyone, signed in or not.
	PermPublic Permission = "public"
	// PermSignedIn: any signed-in user, whatever their roles. A member's
	// access to their own record and account is of this kind.
	PermSignedIn Permission = "signed_in"
	// PermOrgRead: read organisation data of a subtree.
	PermOrgRead Permission = "org.read"
	// PermOrgWrite: change organisation data of a subtree.
	PermOrgWrite Permission = "org.write"
	// PermUserManage: create users, grant roles, disable users in a subtree.
	PermUserManage Permission = "user.manage"
	// PermAuditRead: read the audit log of a subtree.
	PermAuditRead Permission = "audit.read"
	// PermOps: operational endpoints (metrics) — system administrators, or
	// requests from the loopback interface.
	PermOps Permission = "ops"
)

// rolePermissions is the whole authorisation matrix: what each role may do
// within the subtree it was granted on.
var rolePermissions = map[Role][]Permission{
	RoleSysAdmin: {PermOrgRead, PermOrgWrite, PermUserManage, PermAuditRead, PermOps},
	RoleOrgAdmin: {PermOrgRead, PermOrgWrite, PermUserManage},
	RoleStaff:    {PermOrgRead, PermOrgWrite},
	RoleAuditor:  {PermOrgRead, PermAuditRead},
}

// RoleGrants reports whether role r carries permission p.
func RoleGrants(r Role, p Permission) bool {
	return slices.Contains(rolePermissions[r], p)
}

// RolesWith lists the roles that carry p, for use in SQL IN lists.
func RolesWith(p Permission) []Role {
	var out []Role
	for _, r := range Roles {
		if RoleGrants(r, p) {
			out = append(out, r)
		}
	}
	return out
}

// Grant is one role held by a user on one organisation (and its subtree).
type Grant struct {
	UserID    int64
	Role      Role
	OrgID     int64
	OrgCode   string
	OrgName   string // Chinese name
	OrgNameEN string
}

// OrgLabel is the organisation's name for a language, falling back to the
// Chinese name.
func (g Grant) OrgLabel(lang string) string {
	if lang == "en" && g.OrgNameEN != "" {
		return g.OrgNameEN
	}
	return g.OrgName
}

// MayGrant reports whether a user holding `by` may grant role r: nobody but
// a system administrator creates system administrators, and nobody grants a
// role more powerful than the one they use to grant it.
func MayGrant(by, r Role) bool {
	if r == RoleSysAdmin {
		return by == RoleSysAdmin
	}
	return by == RoleSysAdmin || by == RoleOrgAdmin
}

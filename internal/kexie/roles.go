package kexie

import "slices"

// Role is granted to a user on an organisation and holds for that
// organisation's whole subtree.
type Role string

const (
	RoleSysAdmin       Role = "sysadmin"        // system administrator: everything, everywhere
	RoleOrgAdmin       Role = "org_admin"       // organisation administrator: users and data of a subtree
	RoleStaff          Role = "staff"           // staff: day-to-day registry, members and governance of a subtree
	RoleTreasurer      Role = "treasurer"       // treasurer (出纳): records the books' movements
	RoleAccountant     Role = "accountant"      // accountant (会计): reviews and approves entries, closes periods
	RoleAwardSecretary Role = "award_secretary" // award secretary: runs award programmes and rounds
	RoleReviewer       Role = "reviewer"        // reviewer / juror: reviews the nominations assigned to them
	RoleEditor         Role = "editor"          // editor: publications
	RoleStatistician   Role = "statistician"    // statistician: fills and approves statistical reports
	RoleAuditor        Role = "auditor"         // auditor: read-only, including the books and the audit log
	RoleMember         Role = "member"          // a member's account: nothing in a subtree beyond their own records
)

// Roles lists the roles: the administrators first, then the roles of one
// capability each, the auditor and the member.
var Roles = []Role{RoleSysAdmin, RoleOrgAdmin, RoleStaff, RoleTreasurer, RoleAccountant, RoleAwardSecretary,
	RoleReviewer, RoleEditor, RoleStatistician, RoleAuditor, RoleMember}

// ParseRole accepts a role slug.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", Errorf(CodeInvalid, "err.role_unknown", "unknown role %q", Excerpt(s))
	}
	return r, nil
}

// Permission names what a route or use case needs. Every route declares
// one; a use case checks it on the object's organisation.
type Permission string

const (
	// PermPublic: anyone, signed in or not.
	PermPublic Permission = "public"
	// PermSignedIn: any signed-in user, whatever their roles. A member's
	// access to their own record and account is of this kind.
	PermSignedIn Permission = "signed_in"
	// PermOps: operational endpoints (metrics) — system administrators, or
	// requests from the loopback interface.
	PermOps Permission = "ops"

	// The registry: organisations, their profiles, history and filings.
	PermRegistryRead  Permission = "registry.read"
	PermRegistryWrite Permission = "registry.write"
	// Members: people, memberships, applications, cards, dues, lapse.
	PermMembershipRead  Permission = "membership.read"
	PermMembershipWrite Permission = "membership.write"
	// Governance: charters, bodies, terms, seats, meetings, votes.
	PermGovernanceRead   Permission = "governance.read"
	PermGovernanceManage Permission = "governance.manage"
	// Finance: the books of an organisation.
	PermFinanceRead    Permission = "finance.read"
	PermFinanceRecord  Permission = "finance.record"
	PermFinanceApprove Permission = "finance.approve"
	// Awards: programmes and rounds; reviewing nominations.
	PermAwardsManage Permission = "awards.manage"
	PermAwardsReview Permission = "awards.review"
	// Publications.
	PermPublicationsEdit Permission = "publications.edit"
	// Statistics: filling a level's reports, approving the level below's.
	PermStatisticsFill    Permission = "statistics.fill"
	PermStatisticsApprove Permission = "statistics.approve"
	// Activities: reading them, and entering and running them (programme,
	// registrations, check-in).
	PermActivitiesRead   Permission = "activities.read"
	PermActivitiesManage Permission = "activities.manage"
	// PermUserManage: create users, grant roles, disable users in a subtree.
	PermUserManage Permission = "user.manage"
	// PermAuditRead: read the audit log of a subtree.
	PermAuditRead Permission = "audit.read"
)

// Permissions lists every permission a role can carry.
var Permissions = []Permission{PermRegistryRead, PermRegistryWrite, PermMembershipRead, PermMembershipWrite,
	PermGovernanceRead, PermGovernanceManage, PermFinanceRead, PermFinanceRecord, PermFinanceApprove,
	PermAwardsManage, PermAwardsReview, PermPublicationsEdit, PermStatisticsFill, PermStatisticsApprove,
	PermActivitiesRead, PermActivitiesManage, PermUserManage, PermAuditRead, PermOps}

// rolePermissions is the whole authorisation matrix: what each role may do
// within the subtree it was granted on. The four roles that came first keep
// exactly their old powers: organisation read (now registry, membership and
// governance reads) and organisation write (registry and membership writes,
// governance management). Recording and approving money are separate roles,
// so that nobody approves their own entries.
var rolePermissions = map[Role][]Permission{
	RoleSysAdmin: Permissions,
	RoleOrgAdmin: {PermRegistryRead, PermRegistryWrite, PermMembershipRead, PermMembershipWrite,
		PermGovernanceRead, PermGovernanceManage, PermActivitiesRead, PermActivitiesManage, PermUserManage},
	RoleStaff: {PermRegistryRead, PermRegistryWrite, PermMembershipRead, PermMembershipWrite,
		PermGovernanceRead, PermGovernanceManage, PermActivitiesRead, PermActivitiesManage},
	RoleTreasurer:      {PermRegistryRead, PermFinanceRead, PermFinanceRecord},
	RoleAccountant:     {PermRegistryRead, PermFinanceRead, PermFinanceApprove},
	RoleAwardSecretary: {PermRegistryRead, PermAwardsManage},
	RoleReviewer:       {PermAwardsReview},
	RoleEditor:         {PermRegistryRead, PermPublicationsEdit},
	RoleStatistician:   {PermRegistryRead, PermStatisticsFill, PermStatisticsApprove},
	RoleAuditor:        {PermRegistryRead, PermMembershipRead, PermGovernanceRead, PermFinanceRead, PermActivitiesRead, PermAuditRead},
	RoleMember:         {},
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

// MayOn reports whether the user's grants give p on the organisation whose
// path — its ancestors and itself, in any order — is given: what the
// database's check answers (a role on the organisation or above it; a
// system administrator everywhere), from the grants read with the request,
// so a page deciding which actions to offer on a chain of organisations
// asks nothing more. The grants are the request's own, never kept across
// requests: a revoked role is not seen on the next one.
func (u *User) MayOn(p Permission, path ...int64) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == RoleSysAdmin || (RoleGrants(g.Role, p) && slices.Contains(path, g.OrgID)) {
			return true
		}
	}
	return false
}

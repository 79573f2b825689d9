package accessweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes of this domain's pages and JSON API, each
// with the permission it needs; the toolkit checks it before the handler
// runs, and the handler's use cases check the object.
func (s *handlers) register(k *web.Server) {
	const (
		public   = kexie.PermPublic
		signedIn = kexie.PermSignedIn
	)
	k.Handle("GET", "/login", public, s.loginForm)
	k.Handle("POST", "/login", public, s.login)
	k.Handle("POST", "/logout", signedIn, s.logout)
	k.Handle("GET", "/account", signedIn, s.account)
	k.Handle("GET", "/account/password", signedIn, s.passwordForm)
	k.Handle("POST", "/account/password", signedIn, s.changePassword)
	k.Handle("POST", "/account/tokens", signedIn, s.createToken)
	k.Handle("POST", "/account/tokens/{id}/revoke", signedIn, s.revokeToken)
	k.Handle("GET", "/audit", kexie.PermAuditRead, s.auditPage)
	k.Handle("GET", "/admin/users", kexie.PermUserManage, s.usersPage)
	k.Handle("POST", "/admin/users", kexie.PermUserManage, s.createUserForm)
	k.Handle("POST", "/admin/users/{id}/disable", kexie.PermUserManage, s.disableUserForm)
	k.Handle("POST", "/admin/users/{id}/enable", kexie.PermUserManage, s.enableUserForm)
	k.Handle("POST", "/admin/users/{id}/grants", kexie.PermUserManage, s.grantForm)
	k.Handle("POST", "/admin/users/{id}/member", kexie.PermUserManage, s.linkMemberForm)
	k.Handle("POST", "/admin/users/{id}/password", kexie.PermUserManage, s.resetPasswordForm)
	k.Handle("GET", "/api/v1/me", signedIn, s.apiMe)
	k.Handle("GET", "/api/v1/audit", kexie.PermAuditRead, s.apiAudit)
	k.Handle("GET", "/api/v1/users", kexie.PermUserManage, s.apiUsers)
	k.Handle("POST", "/api/v1/users", kexie.PermUserManage, s.apiCreateUser)
	k.Handle("POST", "/api/v1/users/{id}/disable", kexie.PermUserManage, s.apiDisableUser)
	k.Handle("POST", "/api/v1/users/{id}/enable", kexie.PermUserManage, s.apiEnableUser)
	k.Handle("POST", "/api/v1/users/{id}/grants", kexie.PermUserManage, s.apiGrant)
	k.Handle("GET", "/api/v1/tokens", signedIn, s.apiTokens)
	k.Handle("POST", "/api/v1/tokens", signedIn, s.apiCreateToken)
	k.Handle("DELETE", "/api/v1/tokens/{id}", signedIn, s.apiRevokeToken)
}

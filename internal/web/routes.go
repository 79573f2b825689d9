package web

import (
	"net/http"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// register declares every route with its permission. Object-level checks
// (is this organisation in the caller's subtree?) happen in the handlers.
func (s *Server) register() {
	const (
		public   = kexie.PermPublic
		signedIn = kexie.PermSignedIn
	)
	// Operations.
	s.handle("GET", "/healthz", public, s.healthz)
	s.handle("GET", "/metrics", kexie.PermOps, s.metricsHandler)
	s.handle("GET", "/static/", public, func(w http.ResponseWriter, r *http.Request, _ *request) error {
		if strings.HasSuffix(r.URL.Path, "/") {
			// No directory listings.
			return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		staticFiles().ServeHTTP(w, r)
		return nil
	})
	s.handle("GET", "/api/openapi.json", public, s.openAPI)

	// Pages.
	s.handle("GET", "/{$}", public, s.home)
	s.handle("GET", "/login", public, s.loginForm)
	s.handle("POST", "/login", public, s.login)
	s.handle("POST", "/logout", signedIn, s.logout)
	s.handle("POST", "/lang", public, s.setLang)
	s.handle("GET", "/account", signedIn, s.account)
	s.handle("GET", "/account/password", signedIn, s.passwordForm)
	s.handle("POST", "/account/password", signedIn, s.changePassword)
	s.handle("POST", "/account/tokens", signedIn, s.createToken)
	s.handle("POST", "/account/tokens/{id}/revoke", signedIn, s.revokeToken)
	s.handle("GET", "/orgs", kexie.PermOrgRead, s.orgsPage)
	s.handle("GET", "/orgs/{code}", kexie.PermOrgRead, s.orgPage)
	s.handle("POST", "/orgs/{code}/status", kexie.PermOrgWrite, s.changeStatus)
	s.handle("POST", "/orgs/{code}/profile", kexie.PermOrgWrite, s.editProfile)
	s.handle("GET", "/orgs/{code}/dues", kexie.PermOrgRead, s.duesPage)
	s.handle("POST", "/orgs/{code}/dues", kexie.PermOrgWrite, s.setDuesStandard)
	s.handle("GET", "/import/orgs", kexie.PermOrgWrite, s.importForm)
	s.handleWith("POST", "/import/orgs", kexie.PermOrgWrite, maxUpload, s.importOrgs)
	s.handle("GET", "/import/members", kexie.PermOrgWrite, s.importMembersForm)
	s.handleWith("POST", "/import/members", kexie.PermOrgWrite, maxUpload, s.importMembers)
	s.handle("GET", "/export/{file}", kexie.PermOrgRead, s.exportOrgs)
	s.handle("GET", "/filings", kexie.PermOrgRead, s.filingsPage)
	s.handle("POST", "/filings/{id}/ack", kexie.PermOrgWrite, s.ackFiling)
	s.handle("POST", "/member-filings/{id}/ack", kexie.PermOrgWrite, s.ackMemberFiling)
	s.handle("GET", "/apply/{code}", public, s.applyForm)
	s.handle("POST", "/apply/{code}", public, s.apply)
	s.handle("GET", "/verify/{token}", public, s.verify)
	s.handle("GET", "/applications", kexie.PermOrgRead, s.applicationsPage)
	s.handle("POST", "/applications/{id}/decide", kexie.PermOrgWrite, s.decide)
	s.handle("GET", "/members/{id}/card", kexie.PermOrgRead, s.cardPage)
	s.handle("GET", "/members/{id}/card.png", kexie.PermOrgRead, s.cardQR)
	s.handle("GET", "/members/{id}/card.pdf", kexie.PermOrgRead, s.cardPDF)
	s.handle("GET", "/my/membership", signedIn, s.myMembership)
	s.handle("GET", "/members", kexie.PermOrgRead, s.membersPage)
	s.handle("GET", "/members/{id}", kexie.PermOrgRead, s.memberPage)
	s.handle("POST", "/members/{id}/status", kexie.PermOrgWrite, s.memberAction(s.memberStatus))
	s.handle("POST", "/members/{id}/exemption", kexie.PermOrgWrite, s.memberAction(s.memberExemption))
	s.handle("POST", "/members/{id}/dues", kexie.PermOrgWrite, s.memberAction(s.memberDues))
	s.handle("POST", "/members/{id}/participation", kexie.PermOrgWrite, s.memberAction(s.memberParticipation))
	s.handle("POST", "/members/{id}/reveal", kexie.PermOrgWrite, s.revealID)
	s.handle("GET", "/export/members.csv", kexie.PermOrgRead, s.exportMembers)
	s.handle("GET", "/lapse", kexie.PermOrgRead, s.lapsePage)
	s.handle("POST", "/lapse", kexie.PermOrgWrite, s.lapsePage)
	s.handle("GET", "/audit", kexie.PermAuditRead, s.auditPage)
	s.handle("GET", "/admin/users", kexie.PermUserManage, s.usersPage)
	s.handle("POST", "/admin/users", kexie.PermUserManage, s.createUserForm)
	s.handle("POST", "/admin/users/{id}/disable", kexie.PermUserManage, s.disableUserForm)
	s.handle("POST", "/admin/users/{id}/enable", kexie.PermUserManage, s.enableUserForm)
	s.handle("POST", "/admin/users/{id}/grants", kexie.PermUserManage, s.grantForm)

	// JSON API.
	s.handle("GET", "/api/v1/me", signedIn, s.apiMe)
	s.handle("GET", "/api/v1/audit", kexie.PermAuditRead, s.apiAudit)
	s.handle("GET", "/api/v1/me/memberships", signedIn, s.apiMyMembership)
	s.handle("GET", "/api/v1/members", kexie.PermOrgRead, s.apiMembers)
	s.handle("GET", "/api/v1/members/{id}", kexie.PermOrgRead, s.apiMember)
	s.handle("GET", "/api/v1/members/{id}/card", kexie.PermOrgRead, s.apiCard)
	s.handle("POST", "/api/v1/members/{id}/status", kexie.PermOrgWrite, s.apiMemberStatus)
	s.handle("POST", "/api/v1/members/{id}/exemption", kexie.PermOrgWrite, s.apiMemberExemption)
	s.handle("POST", "/api/v1/members/{id}/dues", kexie.PermOrgWrite, s.apiMemberDues)
	s.handle("POST", "/api/v1/members/{id}/participation", kexie.PermOrgWrite, s.apiMemberParticipation)
	s.handle("POST", "/api/v1/orgs/{code}/applications", public, s.apiApply)
	s.handle("GET", "/api/v1/applications", kexie.PermOrgRead, s.apiApplications)
	s.handle("POST", "/api/v1/applications/{id}/decide", kexie.PermOrgWrite, s.apiDecide)
	s.handle("GET", "/api/v1/verify/{token}", public, s.apiVerify)
	s.handle("GET", "/api/v1/lapse", kexie.PermOrgRead, s.apiLapses)
	s.handle("POST", "/api/v1/lapse", kexie.PermOrgWrite, s.apiApplyLapses)
	s.handle("GET", "/api/v1/orgs", kexie.PermOrgRead, s.apiOrgs)
	s.handle("GET", "/api/v1/orgs/{code}", kexie.PermOrgRead, s.apiOrg)
	s.handle("GET", "/api/v1/orgs/{code}/children", kexie.PermOrgRead, s.apiOrgChildren)
	s.handle("GET", "/api/v1/orgs/{code}/stats", kexie.PermOrgRead, s.apiOrgStats)
	s.handle("GET", "/api/v1/orgs/{code}/dues-standards", kexie.PermOrgRead, s.apiDuesStandards)
	s.handle("POST", "/api/v1/orgs/{code}/dues-standards", kexie.PermOrgWrite, s.apiSetDuesStandard)
	s.handle("GET", "/api/v1/users", kexie.PermUserManage, s.apiUsers)
	s.handle("POST", "/api/v1/users", kexie.PermUserManage, s.apiCreateUser)
	s.handle("POST", "/api/v1/users/{id}/disable", kexie.PermUserManage, s.apiDisableUser)
	s.handle("POST", "/api/v1/users/{id}/enable", kexie.PermUserManage, s.apiEnableUser)
	s.handle("POST", "/api/v1/users/{id}/grants", kexie.PermUserManage, s.apiGrant)
	s.handle("GET", "/api/v1/tokens", signedIn, s.apiTokens)
	s.handle("POST", "/api/v1/tokens", signedIn, s.apiCreateToken)
	s.handle("DELETE", "/api/v1/tokens/{id}", signedIn, s.apiRevokeToken)

	// Anything else: a JSON 404 under /api/, a page 404 elsewhere.
	s.handle("", "/api/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_route", "no such API route")
	})
	s.handle("", "/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	})
}

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
	s.handle("GET", "/orgs", kexie.PermRegistryRead, s.orgsPage)
	s.handle("GET", "/orgs/{code}", kexie.PermRegistryRead, s.orgPage)
	s.handle("POST", "/orgs/{code}/status", kexie.PermRegistryWrite, s.changeStatus)
	s.handle("POST", "/orgs/{code}/profile", kexie.PermRegistryWrite, s.editProfile)
	s.handle("GET", "/orgs/{code}/dues", kexie.PermMembershipRead, s.duesPage)
	s.handle("POST", "/orgs/{code}/dues", kexie.PermMembershipWrite, s.setDuesStandard)
	// Governance: an organisation's bodies, terms and seats; meetings with
	// the clerk's forms; voting by seat holders (signed in, checked in the
	// handler: their own seat and the proxies they hold); minutes.
	s.handle("GET", "/orgs/{code}/governance", kexie.PermGovernanceRead, s.governancePage)
	s.handle("POST", "/orgs/{code}/governance/charter", kexie.PermGovernanceManage, s.govAction(s.govSetCharter))
	s.handle("POST", "/orgs/{code}/governance/bodies", kexie.PermGovernanceManage, s.govAction(s.govCreateBody))
	s.handle("POST", "/orgs/{code}/governance/terms", kexie.PermGovernanceManage, s.govAction(s.govStartTerm))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/extend", kexie.PermGovernanceManage, s.govAction(s.govExtendTerm))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/seats", kexie.PermGovernanceManage, s.govAction(s.govAddSeat))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/meetings", kexie.PermGovernanceManage, s.govAction(s.govCreateMeeting))
	s.handle("POST", "/orgs/{code}/governance/seats/{id}/end", kexie.PermGovernanceManage, s.govAction(s.govEndSeat))
	s.handle("GET", "/meetings/{id}", kexie.PermGovernanceRead, s.meetingPage)
	s.handle("POST", "/meetings/{id}/attendance", kexie.PermGovernanceManage, s.govMeetingAction("flash.attendance_set", s.setAttendanceForm))
	s.handle("POST", "/meetings/{id}/motions", kexie.PermGovernanceManage, s.govMeetingAction("flash.motion_opened", s.openMotionForm))
	s.handle("POST", "/meetings/{id}/elections", kexie.PermGovernanceManage, s.govMeetingAction("flash.election_opened", s.openElectionForm))
	s.handle("POST", "/motions/{id}/close", kexie.PermGovernanceManage, s.closeMotionForm)
	s.handle("POST", "/elections/{id}/close", kexie.PermGovernanceManage, s.closeElectionForm)
	s.handle("GET", "/meetings/{id}/minutes", kexie.PermGovernanceRead, s.minutesPage)
	s.handle("GET", "/meetings/{id}/minutes.pdf", kexie.PermGovernanceRead, s.minutesPDF)
	s.handle("GET", "/meetings/{id}/vote", signedIn, s.votePage)
	s.handle("POST", "/motions/{id}/vote", signedIn, s.castVoteForm)
	s.handle("POST", "/elections/{id}/ballot", signedIn, s.castBallotForm)
	s.handle("GET", "/elections/{id}/ballots", signedIn, s.ballotsPage)
	s.handle("POST", "/elections/{id}/ballots", signedIn, s.ballotsPage) // finding a receipt: posted, so it is in no URL
	s.handle("GET", "/my/meetings", signedIn, s.myMeetings)
	s.handle("GET", "/import/orgs", kexie.PermRegistryWrite, s.importForm)
	s.handleWith("POST", "/import/orgs", kexie.PermRegistryWrite, maxUpload, s.importOrgs)
	s.handle("GET", "/import/members", kexie.PermMembershipWrite, s.importMembersForm)
	s.handleWith("POST", "/import/members", kexie.PermMembershipWrite, maxUpload, s.importMembers)
	s.handle("GET", "/export/{file}", kexie.PermRegistryRead, s.exportOrgs)
	s.handle("GET", "/filings", kexie.PermRegistryRead, s.filingsPage)
	s.handle("POST", "/filings/{id}/ack", kexie.PermRegistryWrite, s.ackFiling)
	s.handle("POST", "/member-filings/{id}/ack", kexie.PermMembershipWrite, s.ackMemberFiling)
	s.handle("GET", "/apply/{code}", public, s.applyForm)
	s.handle("POST", "/apply/{code}", public, s.apply)
	s.handle("GET", "/verify/{token}", public, s.verify)
	s.handle("GET", "/applications", kexie.PermMembershipRead, s.applicationsPage)
	s.handle("POST", "/applications/{id}/decide", kexie.PermMembershipWrite, s.decide)
	s.handle("GET", "/members/{id}/card", kexie.PermMembershipRead, s.cardPage)
	s.handle("GET", "/members/{id}/card.png", kexie.PermMembershipRead, s.cardQR)
	s.handle("GET", "/members/{id}/card.pdf", kexie.PermMembershipRead, s.cardPDF)
	s.handle("GET", "/my/membership", signedIn, s.myMembership)
	s.handle("GET", "/members", kexie.PermMembershipRead, s.membersPage)
	s.handle("GET", "/members/{id}", kexie.PermMembershipRead, s.memberPage)
	s.handle("POST", "/members/{id}/status", kexie.PermMembershipWrite, s.memberAction(s.memberStatus))
	s.handle("POST", "/members/{id}/exemption", kexie.PermMembershipWrite, s.memberAction(s.memberExemption))
	s.handle("POST", "/members/{id}/dues", kexie.PermMembershipWrite, s.memberAction(s.memberDues))
	s.handle("POST", "/members/{id}/participation", kexie.PermMembershipWrite, s.memberAction(s.memberParticipation))
	s.handle("POST", "/members/{id}/reveal", kexie.PermMembershipWrite, s.revealID)
	s.handle("GET", "/export/members.csv", kexie.PermMembershipRead, s.exportMembers)
	s.handle("GET", "/lapse", kexie.PermMembershipRead, s.lapsePage)
	s.handle("POST", "/lapse", kexie.PermMembershipWrite, s.lapsePage)
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
	s.handle("GET", "/api/v1/members", kexie.PermMembershipRead, s.apiMembers)
	s.handle("GET", "/api/v1/members/{id}", kexie.PermMembershipRead, s.apiMember)
	s.handle("GET", "/api/v1/members/{id}/card", kexie.PermMembershipRead, s.apiCard)
	s.handle("POST", "/api/v1/members/{id}/status", kexie.PermMembershipWrite, s.apiMemberStatus)
	s.handle("POST", "/api/v1/members/{id}/exemption", kexie.PermMembershipWrite, s.apiMemberExemption)
	s.handle("POST", "/api/v1/members/{id}/dues", kexie.PermMembershipWrite, s.apiMemberDues)
	s.handle("POST", "/api/v1/members/{id}/participation", kexie.PermMembershipWrite, s.apiMemberParticipation)
	s.handle("POST", "/api/v1/orgs/{code}/applications", public, s.apiApply)
	s.handle("GET", "/api/v1/applications", kexie.PermMembershipRead, s.apiApplications)
	s.handle("POST", "/api/v1/applications/{id}/decide", kexie.PermMembershipWrite, s.apiDecide)
	s.handle("GET", "/api/v1/verify/{token}", public, s.apiVerify)
	s.handle("GET", "/api/v1/lapse", kexie.PermMembershipRead, s.apiLapses)
	s.handle("POST", "/api/v1/lapse", kexie.PermMembershipWrite, s.apiApplyLapses)
	s.handle("GET", "/api/v1/orgs", kexie.PermRegistryRead, s.apiOrgs)
	s.handle("GET", "/api/v1/orgs/{code}", kexie.PermRegistryRead, s.apiOrg)
	s.handle("GET", "/api/v1/orgs/{code}/children", kexie.PermRegistryRead, s.apiOrgChildren)
	s.handle("GET", "/api/v1/orgs/{code}/stats", kexie.PermRegistryRead, s.apiOrgStats)
	s.handle("GET", "/api/v1/orgs/{code}/dues-standards", kexie.PermMembershipRead, s.apiDuesStandards)
	s.handle("POST", "/api/v1/orgs/{code}/dues-standards", kexie.PermMembershipWrite, s.apiSetDuesStandard)
	s.handle("GET", "/api/v1/users", kexie.PermUserManage, s.apiUsers)
	s.handle("POST", "/api/v1/users", kexie.PermUserManage, s.apiCreateUser)
	s.handle("POST", "/api/v1/users/{id}/disable", kexie.PermUserManage, s.apiDisableUser)
	s.handle("POST", "/api/v1/users/{id}/enable", kexie.PermUserManage, s.apiEnableUser)
	s.handle("POST", "/api/v1/users/{id}/grants", kexie.PermUserManage, s.apiGrant)
	s.handle("GET", "/api/v1/tokens", signedIn, s.apiTokens)
	s.handle("POST", "/api/v1/tokens", signedIn, s.apiCreateToken)
	s.handle("DELETE", "/api/v1/tokens/{id}", signedIn, s.apiRevokeToken)

	// Governance API (api_governance.go): staff manage; seat holders vote
	// for their own seat and the seats they hold a proxy for.
	s.handle("GET", "/api/v1/orgs/{code}/governance", kexie.PermGovernanceRead, s.apiGovernance)
	s.handle("GET", "/api/v1/orgs/{code}/charter", kexie.PermGovernanceRead, s.apiCharter)
	s.handle("POST", "/api/v1/orgs/{code}/charter", kexie.PermGovernanceManage, s.apiSetCharter)
	s.handle("POST", "/api/v1/orgs/{code}/bodies", kexie.PermGovernanceManage, s.apiCreateBody)
	s.handle("POST", "/api/v1/bodies/{id}/terms", kexie.PermGovernanceManage, s.apiStartTerm)
	s.handle("POST", "/api/v1/terms/{id}/extensions", kexie.PermGovernanceManage, s.apiExtendTerm)
	s.handle("POST", "/api/v1/terms/{id}/seats", kexie.PermGovernanceManage, s.apiAddSeat)
	s.handle("POST", "/api/v1/seats/{id}/end", kexie.PermGovernanceManage, s.apiEndSeat)
	s.handle("POST", "/api/v1/terms/{id}/meetings", kexie.PermGovernanceManage, s.apiCreateMeeting)
	s.handle("GET", "/api/v1/meetings/{id}", signedIn, s.apiMeeting)
	s.handle("POST", "/api/v1/meetings/{id}/attendance", kexie.PermGovernanceManage, s.apiSetAttendance)
	s.handle("POST", "/api/v1/meetings/{id}/motions", kexie.PermGovernanceManage, s.apiOpenMotion)
	s.handle("POST", "/api/v1/motions/{id}/votes", signedIn, s.apiCastVote)
	s.handle("POST", "/api/v1/motions/{id}/close", kexie.PermGovernanceManage, s.apiCloseMotion)
	s.handle("POST", "/api/v1/meetings/{id}/elections", kexie.PermGovernanceManage, s.apiOpenElection)
	s.handle("GET", "/api/v1/elections/{id}", signedIn, s.apiElection)
	s.handle("POST", "/api/v1/elections/{id}/ballots", signedIn, s.apiCastBallot)
	s.handle("GET", "/api/v1/elections/{id}/ballots", signedIn, s.apiBallots)
	s.handle("POST", "/api/v1/elections/{id}/close", kexie.PermGovernanceManage, s.apiCloseElection)

	// Anything else: a JSON 404 under /api/, a page 404 elsewhere.
	s.handle("", "/api/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_route", "no such API route")
	})
	s.handle("", "/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	})
}

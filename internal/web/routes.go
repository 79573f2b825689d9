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
	// Governance: an organisation's bodies, terms and seats; meetings with
	// the clerk's forms; voting by seat holders (signed in, checked in the
	// handler: their own seat and the proxies they hold); minutes.
	s.handle("GET", "/orgs/{code}/governance", kexie.PermOrgRead, s.governancePage)
	s.handle("POST", "/orgs/{code}/governance/charter", kexie.PermOrgWrite, s.govAction(s.govSetCharter))
	s.handle("POST", "/orgs/{code}/governance/bodies", kexie.PermOrgWrite, s.govAction(s.govCreateBody))
	s.handle("POST", "/orgs/{code}/governance/terms", kexie.PermOrgWrite, s.govAction(s.govStartTerm))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/extend", kexie.PermOrgWrite, s.govAction(s.govExtendTerm))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/seats", kexie.PermOrgWrite, s.govAction(s.govAddSeat))
	s.handle("POST", "/orgs/{code}/governance/terms/{id}/meetings", kexie.PermOrgWrite, s.govAction(s.govCreateMeeting))
	s.handle("POST", "/orgs/{code}/governance/seats/{id}/end", kexie.PermOrgWrite, s.govAction(s.govEndSeat))
	s.handle("GET", "/meetings/{id}", kexie.PermOrgRead, s.meetingPage)
	s.handle("POST", "/meetings/{id}/attendance", kexie.PermOrgWrite, s.govMeetingAction("flash.attendance_set", s.setAttendanceForm))
	s.handle("POST", "/meetings/{id}/motions", kexie.PermOrgWrite, s.govMeetingAction("flash.motion_opened", s.openMotionForm))
	s.handle("POST", "/meetings/{id}/elections", kexie.PermOrgWrite, s.govMeetingAction("flash.election_opened", s.openElectionForm))
	s.handle("POST", "/motions/{id}/close", kexie.PermOrgWrite, s.closeMotionForm)
	s.handle("POST", "/elections/{id}/close", kexie.PermOrgWrite, s.closeElectionForm)
	s.handle("GET", "/meetings/{id}/minutes", kexie.PermOrgRead, s.minutesPage)
	s.handle("GET", "/meetings/{id}/minutes.pdf", kexie.PermOrgRead, s.minutesPDF)
	s.handle("GET", "/meetings/{id}/vote", signedIn, s.votePage)
	s.handle("POST", "/motions/{id}/vote", signedIn, s.castVoteForm)
	s.handle("POST", "/elections/{id}/ballot", signedIn, s.castBallotForm)
	s.handle("GET", "/elections/{id}/ballots", signedIn, s.ballotsPage)
	s.handle("POST", "/elections/{id}/ballots", signedIn, s.ballotsPage) // finding a receipt: posted, so it is in no URL
	s.handle("GET", "/my/meetings", signedIn, s.myMeetings)
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

	// Governance API (api_governance.go): staff manage; seat holders vote
	// for their own seat and the seats they hold a proxy for.
	s.handle("GET", "/api/v1/orgs/{code}/governance", kexie.PermOrgRead, s.apiGovernance)
	s.handle("GET", "/api/v1/orgs/{code}/charter", kexie.PermOrgRead, s.apiCharter)
	s.handle("POST", "/api/v1/orgs/{code}/charter", kexie.PermOrgWrite, s.apiSetCharter)
	s.handle("POST", "/api/v1/orgs/{code}/bodies", kexie.PermOrgWrite, s.apiCreateBody)
	s.handle("POST", "/api/v1/bodies/{id}/terms", kexie.PermOrgWrite, s.apiStartTerm)
	s.handle("POST", "/api/v1/terms/{id}/extensions", kexie.PermOrgWrite, s.apiExtendTerm)
	s.handle("POST", "/api/v1/terms/{id}/seats", kexie.PermOrgWrite, s.apiAddSeat)
	s.handle("POST", "/api/v1/seats/{id}/end", kexie.PermOrgWrite, s.apiEndSeat)
	s.handle("POST", "/api/v1/terms/{id}/meetings", kexie.PermOrgWrite, s.apiCreateMeeting)
	s.handle("GET", "/api/v1/meetings/{id}", signedIn, s.apiMeeting)
	s.handle("POST", "/api/v1/meetings/{id}/attendance", kexie.PermOrgWrite, s.apiSetAttendance)
	s.handle("POST", "/api/v1/meetings/{id}/motions", kexie.PermOrgWrite, s.apiOpenMotion)
	s.handle("POST", "/api/v1/motions/{id}/votes", signedIn, s.apiCastVote)
	s.handle("POST", "/api/v1/motions/{id}/close", kexie.PermOrgWrite, s.apiCloseMotion)
	s.handle("POST", "/api/v1/meetings/{id}/elections", kexie.PermOrgWrite, s.apiOpenElection)
	s.handle("GET", "/api/v1/elections/{id}", signedIn, s.apiElection)
	s.handle("POST", "/api/v1/elections/{id}/ballots", signedIn, s.apiCastBallot)
	s.handle("GET", "/api/v1/elections/{id}/ballots", signedIn, s.apiBallots)
	s.handle("POST", "/api/v1/elections/{id}/close", kexie.PermOrgWrite, s.apiCloseElection)

	// Anything else: a JSON 404 under /api/, a page 404 elsewhere.
	s.handle("", "/api/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_route", "no such API route")
	})
	s.handle("", "/", public, func(http.ResponseWriter, *http.Request, *request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	})
}

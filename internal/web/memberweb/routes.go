package memberweb

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
	k.Handle("GET", "/orgs/{code}/dues", kexie.PermMembershipRead, s.duesPage)
	k.Handle("POST", "/orgs/{code}/dues", kexie.PermMembershipWrite, s.setDuesStandard)
	k.Handle("GET", "/import/members", kexie.PermMembershipWrite, s.importMembersForm)
	k.HandleWith("POST", "/import/members", kexie.PermMembershipWrite, web.MaxUpload, s.importMembers)
	k.Handle("POST", "/member-filings/{id}/ack", kexie.PermMembershipWrite, s.ackMemberFiling)
	k.Handle("GET", "/apply", public, s.applyFind)
	k.Handle("GET", "/apply/{code}", public, s.applyForm)
	k.Handle("POST", "/apply/{code}", public, s.apply)
	k.Handle("GET", "/verify/{token}", public, s.verify)
	k.Handle("GET", "/applications", kexie.PermMembershipRead, s.applicationsPage)
	k.Handle("POST", "/applications/{id}/decide", kexie.PermMembershipWrite, s.decide)
	k.Handle("GET", "/members/{id}/card", signedIn, s.cardPage)
	k.Handle("GET", "/members/{id}/card.png", signedIn, s.cardQR)
	k.Handle("GET", "/members/{id}/card.pdf", signedIn, s.cardPDF)
	k.Handle("GET", "/my/membership", signedIn, s.myMembership)
	k.Handle("GET", "/members", kexie.PermMembershipRead, s.membersPage)
	k.Handle("GET", "/members/{id}", kexie.PermMembershipRead, s.memberPage)
	k.Handle("POST", "/members/{id}/status", kexie.PermMembershipWrite, s.memberAction(s.memberStatus))
	k.Handle("POST", "/members/{id}/exemption", kexie.PermMembershipWrite, s.memberAction(s.memberExemption))
	k.Handle("POST", "/members/{id}/dues", kexie.PermMembershipWrite, s.memberAction(s.memberDues))
	k.Handle("POST", "/members/{id}/participation", kexie.PermMembershipWrite, s.memberAction(s.memberParticipation))
	k.Handle("POST", "/members/{id}/reveal", kexie.PermMembershipWrite, s.revealID)
	k.Handle("GET", "/export/members.csv", kexie.PermMembershipRead, s.exportMembers)
	k.Handle("GET", "/export/members.xlsx", kexie.PermMembershipRead, s.exportMembers)
	k.Handle("GET", "/lapse", kexie.PermMembershipRead, s.lapsePage)
	k.Handle("POST", "/lapse", kexie.PermMembershipWrite, s.lapsePage)
	k.Handle("GET", "/api/v1/me/memberships", signedIn, s.apiMyMembership)
	k.Handle("GET", "/api/v1/members", kexie.PermMembershipRead, s.apiMembers)
	k.Handle("GET", "/api/v1/members/{id}", kexie.PermMembershipRead, s.apiMember)
	k.Handle("GET", "/api/v1/members/{id}/card", kexie.PermMembershipRead, s.apiCard)
	k.Handle("POST", "/api/v1/members/{id}/status", kexie.PermMembershipWrite, s.apiMemberStatus)
	k.Handle("POST", "/api/v1/members/{id}/exemption", kexie.PermMembershipWrite, s.apiMemberExemption)
	k.Handle("POST", "/api/v1/members/{id}/dues", kexie.PermMembershipWrite, s.apiMemberDues)
	k.Handle("POST", "/api/v1/members/{id}/participation", kexie.PermMembershipWrite, s.apiMemberParticipation)
	k.Handle("POST", "/api/v1/orgs/{code}/applications", public, s.apiApply)
	k.Handle("GET", "/api/v1/applications", kexie.PermMembershipRead, s.apiApplications)
	k.Handle("POST", "/api/v1/applications/{id}/decide", kexie.PermMembershipWrite, s.apiDecide)
	k.Handle("GET", "/api/v1/verify/{token}", public, s.apiVerify)
	k.Handle("GET", "/api/v1/lapse", kexie.PermMembershipRead, s.apiLapses)
	k.Handle("POST", "/api/v1/lapse", kexie.PermMembershipWrite, s.apiApplyLapses)
	k.Handle("GET", "/api/v1/orgs/{code}/dues-standards", kexie.PermMembershipRead, s.apiDuesStandards)
	k.Handle("POST", "/api/v1/orgs/{code}/dues-standards", kexie.PermMembershipWrite, s.apiSetDuesStandard)
}

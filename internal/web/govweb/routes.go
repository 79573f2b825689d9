package govweb

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
	k.Handle("GET", "/orgs/{code}/governance", kexie.PermGovernanceRead, s.governancePage)
	k.Handle("POST", "/orgs/{code}/governance/charter", kexie.PermGovernanceManage, s.govAction(s.govSetCharter))
	k.Handle("POST", "/orgs/{code}/governance/bodies", kexie.PermGovernanceManage, s.govAction(s.govCreateBody))
	k.Handle("POST", "/orgs/{code}/governance/terms", kexie.PermGovernanceManage, s.govAction(s.govStartTerm))
	k.Handle("POST", "/orgs/{code}/governance/terms/{id}/extend", kexie.PermGovernanceManage, s.govAction(s.govExtendTerm))
	k.Handle("POST", "/orgs/{code}/governance/terms/{id}/seats", kexie.PermGovernanceManage, s.govAction(s.govAddSeat))
	k.Handle("POST", "/orgs/{code}/governance/terms/{id}/meetings", kexie.PermGovernanceManage, s.govAction(s.govCreateMeeting))
	k.Handle("POST", "/orgs/{code}/governance/seats/{id}/end", kexie.PermGovernanceManage, s.govAction(s.govEndSeat))
	k.Handle("GET", "/meetings/{id}", kexie.PermGovernanceRead, s.meetingPage)
	k.Handle("POST", "/meetings/{id}/attendance", kexie.PermGovernanceManage, s.govMeetingAction("flash.attendance_set", s.setAttendanceForm))
	k.Handle("POST", "/meetings/{id}/motions", kexie.PermGovernanceManage, s.govMeetingAction("flash.motion_opened", s.openMotionForm))
	k.Handle("POST", "/meetings/{id}/elections", kexie.PermGovernanceManage, s.govMeetingAction("flash.election_opened", s.openElectionForm))
	k.Handle("POST", "/motions/{id}/close", kexie.PermGovernanceManage, s.closeMotionForm)
	k.Handle("POST", "/elections/{id}/close", kexie.PermGovernanceManage, s.closeElectionForm)
	k.Handle("GET", "/meetings/{id}/minutes", kexie.PermGovernanceRead, s.minutesPage)
	k.Handle("GET", "/meetings/{id}/minutes.pdf", kexie.PermGovernanceRead, s.minutesPDF)
	k.Handle("GET", "/meetings/{id}/vote", signedIn, s.votePage)
	k.Handle("POST", "/motions/{id}/vote", signedIn, s.castVoteForm)
	k.Handle("POST", "/elections/{id}/ballot", signedIn, s.castBallotForm)
	k.Handle("POST", "/elections/{id}/receipt", signedIn, s.receiptForm)
	k.Handle("GET", "/elections/{id}/ballots", signedIn, s.ballotsPage)
	k.Handle("POST", "/elections/{id}/ballots", signedIn, s.ballotsPage) // finding a receipt: posted, so it is in no URL
	k.Handle("GET", "/my/meetings", signedIn, s.myMeetings)
	k.Handle("GET", "/api/v1/orgs/{code}/governance", kexie.PermGovernanceRead, s.apiGovernance)
	k.Handle("GET", "/api/v1/orgs/{code}/charter", kexie.PermGovernanceRead, s.apiCharter)
	k.Handle("POST", "/api/v1/orgs/{code}/charter", kexie.PermGovernanceManage, s.apiSetCharter)
	k.Handle("POST", "/api/v1/orgs/{code}/bodies", kexie.PermGovernanceManage, s.apiCreateBody)
	k.Handle("POST", "/api/v1/bodies/{id}/terms", kexie.PermGovernanceManage, s.apiStartTerm)
	k.Handle("POST", "/api/v1/terms/{id}/extensions", kexie.PermGovernanceManage, s.apiExtendTerm)
	k.Handle("POST", "/api/v1/terms/{id}/seats", kexie.PermGovernanceManage, s.apiAddSeat)
	k.Handle("POST", "/api/v1/seats/{id}/end", kexie.PermGovernanceManage, s.apiEndSeat)
	k.Handle("POST", "/api/v1/terms/{id}/meetings", kexie.PermGovernanceManage, s.apiCreateMeeting)
	k.Handle("GET", "/api/v1/meetings/{id}", signedIn, s.apiMeeting)
	k.Handle("POST", "/api/v1/meetings/{id}/attendance", kexie.PermGovernanceManage, s.apiSetAttendance)
	k.Handle("POST", "/api/v1/meetings/{id}/motions", kexie.PermGovernanceManage, s.apiOpenMotion)
	k.Handle("POST", "/api/v1/motions/{id}/votes", signedIn, s.apiCastVote)
	k.Handle("POST", "/api/v1/motions/{id}/close", kexie.PermGovernanceManage, s.apiCloseMotion)
	k.Handle("POST", "/api/v1/meetings/{id}/elections", kexie.PermGovernanceManage, s.apiOpenElection)
	k.Handle("GET", "/api/v1/elections/{id}", signedIn, s.apiElection)
	k.Handle("POST", "/api/v1/elections/{id}/ballots", signedIn, s.apiCastBallot)
	k.Handle("GET", "/api/v1/elections/{id}/ballots", signedIn, s.apiBallots)
	k.Handle("POST", "/api/v1/elections/{id}/receipt", signedIn, s.apiReceipt)
	k.Handle("POST", "/api/v1/elections/{id}/close", kexie.PermGovernanceManage, s.apiCloseElection)
}

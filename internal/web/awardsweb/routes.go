package awardsweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes of this domain, each with its permission.
// The award office (awards.manage) runs programmes and rounds; a
// recommending unit's staff (membership.write) nominate; experts
// (awards.review) review their own assignments; a round and its
// nominations are read by the office or by its units' staff (signed in,
// the domain decides); publicity, objections and winners are public.
func (s *handlers) register(k *web.Server) {
	const (
		manage  = kexie.PermAwardsManage
		review  = kexie.PermAwardsReview
		signed  = kexie.PermSignedIn
		public  = kexie.PermPublic
		letters = 8 << 20  // an objection carries a scanned letter
		files   = 15 << 20 // a nomination's PDF attachment (base64 in the API)
	)
	// Pages.
	k.Handle("GET", "/awards", signed, s.deskPage)
	k.Handle("POST", "/award-programmes", manage, s.createProgrammePost)
	k.Handle("GET", "/award-programmes/{id}", manage, s.programmePage)
	k.Handle("POST", "/award-programmes/{id}/rounds", manage, s.createRoundPost)
	k.Handle("POST", "/award-programmes/{id}/experts", manage, s.addExpertPost)
	k.Handle("GET", "/award-rounds/{id}", signed, s.roundPage)
	k.Handle("POST", "/award-rounds/{id}/stage", manage, s.advancePost)
	k.Handle("POST", "/award-rounds/{id}/units", manage, s.unitsPost)
	k.Handle("POST", "/award-rounds/{id}/conflicts", manage, s.conflictPost)
	k.Handle("POST", "/award-rounds/{id}/stages", manage, s.stagesPost)
	k.Handle("POST", "/award-rounds/{id}/review-stage", manage, s.reviewStagePost)
	k.Handle("GET", "/award-rounds/{id}/panel", signed, s.panelPage)
	k.Handle("POST", "/award-nominations/{id}/panel-vote", manage, s.panelPost)
	k.Handle("POST", "/award-programmes/{id}/relations", manage, s.relationPost)
	k.Handle("POST", "/award-rounds/{id}/nominations", signed, s.nominatePost)
	k.Handle("POST", "/award-nominations/{id}/check", manage, s.checkPost)
	k.Handle("POST", "/award-rounds/{id}/assignment", manage, s.assignPost)
	k.Handle("POST", "/award-rounds/{id}/decision", manage, s.decidePost)
	k.Handle("POST", "/award-objections/{id}/outcome", manage, s.outcomePost)
	k.Handle("POST", "/award-rounds/{id}/announcement", manage, s.announcePost)
	k.Handle("POST", "/award-nominations/{id}/recommendation", manage, s.recommendPost)
	k.HandleWith("POST", "/award-nominations/{id}/attachments", signed, files, s.attachPost)
	k.Handle("GET", "/award-attachments/{id}", signed, s.attachmentFile)
	k.Handle("GET", "/award-rounds/{id}/export.xlsx", manage, s.exportXLSX)
	k.Handle("GET", "/award-rounds/{id}/certificates.pdf", manage, s.certificates)
	k.Handle("GET", "/my/reviews", review, s.reviewsPage)
	k.Handle("GET", "/my/reviews/{id}", review, s.reviewPage)
	k.Handle("POST", "/my/reviews/{id}/declaration", review, s.declarePost)
	k.Handle("POST", "/my/reviews/{id}/scores", review, s.scorePost)
	k.Handle("GET", "/awards/publicity", public, s.publicListPage)
	k.Handle("GET", "/award-rounds/{id}/publicity", public, s.publicityPage)
	k.HandleWith("POST", "/award-rounds/{id}/objections", public, letters, s.objectPost)
	// JSON API.
	k.Handle("GET", "/api/v1/award-programmes", manage, s.apiProgrammes)
	k.Handle("POST", "/api/v1/award-programmes", manage, s.apiCreateProgramme)
	k.Handle("GET", "/api/v1/award-programmes/{id}", manage, s.apiProgramme)
	k.Handle("POST", "/api/v1/award-programmes/{id}/rounds", manage, s.apiCreateRound)
	k.Handle("GET", "/api/v1/award-programmes/{id}/experts", manage, s.apiExperts)
	k.Handle("POST", "/api/v1/award-programmes/{id}/experts", manage, s.apiAddExpert)
	k.Handle("POST", "/api/v1/award-experts/{id}/relations", signed, s.apiRelation)
	k.Handle("POST", "/api/v1/award-experts/{id}/conflicts", manage, s.apiConflict)
	k.Handle("GET", "/api/v1/award-rounds", signed, s.apiRounds)
	k.Handle("GET", "/api/v1/award-rounds/{id}", signed, s.apiRound)
	k.Handle("POST", "/api/v1/award-rounds/{id}/units", manage, s.apiUnits)
	k.Handle("POST", "/api/v1/award-rounds/{id}/stage", manage, s.apiAdvance)
	k.Handle("GET", "/api/v1/award-rounds/{id}/nominations", signed, s.apiNominations)
	k.Handle("POST", "/api/v1/award-rounds/{id}/nominations", signed, s.apiNominate)
	k.Handle("GET", "/api/v1/award-nominations/{id}", signed, s.apiNomination)
	k.Handle("POST", "/api/v1/award-nominations/{id}/check", manage, s.apiCheck)
	k.Handle("GET", "/api/v1/award-rounds/{id}/stages", signed, s.apiStages)
	k.Handle("POST", "/api/v1/award-rounds/{id}/stages", manage, s.apiSetStages)
	k.Handle("POST", "/api/v1/award-rounds/{id}/review-stage", manage, s.apiReviewStage)
	k.Handle("GET", "/api/v1/award-rounds/{id}/panel", signed, s.apiPanel)
	k.Handle("POST", "/api/v1/award-nominations/{id}/panel-vote", manage, s.apiPanelVote)
	k.Handle("POST", "/api/v1/award-rounds/{id}/assignment", manage, s.apiAssign)
	k.Handle("GET", "/api/v1/award-reviews", review, s.apiReviews)
	k.Handle("GET", "/api/v1/award-reviews/{id}", review, s.apiReview)
	k.Handle("POST", "/api/v1/award-reviews/{id}/declaration", review, s.apiDeclare)
	k.Handle("POST", "/api/v1/award-reviews/{id}/recusal", review, s.apiRecuse)
	k.Handle("POST", "/api/v1/award-reviews/{id}/scores", review, s.apiScore)
	k.Handle("GET", "/api/v1/award-rounds/{id}/ranking", manage, s.apiRanking)
	k.Handle("POST", "/api/v1/award-rounds/{id}/decision", manage, s.apiDecide)
	k.Handle("GET", "/api/v1/award-rounds/{id}/publicity", public, s.apiPublicity)
	k.HandleWith("POST", "/api/v1/award-rounds/{id}/objections", public, letters, s.apiObject)
	k.Handle("GET", "/api/v1/award-rounds/{id}/objections", manage, s.apiObjections)
	k.Handle("POST", "/api/v1/award-objections/{id}/outcome", manage, s.apiOutcome)
	k.Handle("POST", "/api/v1/award-rounds/{id}/announcement", manage, s.apiAnnounce)
	k.Handle("POST", "/api/v1/award-nominations/{id}/recommendation", manage, s.apiRecommend)
	k.HandleWith("POST", "/api/v1/award-nominations/{id}/attachments", signed, files, s.apiAttach)
	k.Handle("GET", "/api/v1/award-nominations/{id}/attachments", signed, s.apiAttachments)
}

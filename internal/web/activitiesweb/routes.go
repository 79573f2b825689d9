package activitiesweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes, each with the permission it needs.
// Registering and cancelling one's own registration are public: the
// domain decides who may register for what, and a registration's token is
// the right to cancel it.
func (s *handlers) register(k *web.Server) {
	const (
		read   = kexie.PermActivitiesRead
		manage = kexie.PermActivitiesManage
		public = kexie.PermPublic
	)
	k.Handle("GET", "/activities", read, s.listPage)
	k.Handle("GET", "/activities/new", manage, s.newForm)
	k.Handle("POST", "/activities/new", manage, s.newPost)
	k.Handle("GET", "/activities/{code}", read, s.activityPage)
	k.Handle("POST", "/activities/{code}/checkin", manage, s.checkinPost)
	k.Handle("GET", "/api/v1/activities", read, s.apiList)
	k.Handle("POST", "/api/v1/orgs/{code}/activities", manage, s.apiCreate)
	k.Handle("GET", "/api/v1/activities/{code}", read, s.apiActivity)
	k.Handle("POST", "/api/v1/activities/{code}/status", manage, s.apiStatus)
	k.Handle("POST", "/api/v1/activities/{code}/sessions", manage, s.apiSession)
	k.Handle("POST", "/api/v1/activities/{code}/breaks", manage, s.apiBreak)
	k.Handle("POST", "/api/v1/activities/{code}/registrations", public, s.apiRegister)
	k.Handle("POST", "/api/v1/activities/{code}/checkins", manage, s.apiCheckin)
	k.Handle("POST", "/api/v1/registrations/{token}/cancel", public, s.apiCancel)
	// Editing.
	k.Handle("GET", "/activities/{code}/checkins", manage, s.historyPage)
	k.Handle("GET", "/activities/{code}/edit", manage, s.editForm)
	k.Handle("POST", "/activities/{code}/edit", manage, s.editPost)
	k.Handle("POST", "/activities/{code}/organisations", manage, s.rolesPost)
	k.Handle("POST", "/activities/{code}/sessions", manage, s.sessionPost)
	k.Handle("POST", "/activities/{code}/sessions/{id}", manage, s.sessionUpdatePost)
	k.Handle("POST", "/activities/{code}/sessions/{id}/delete", manage, s.sessionDeletePost)
	k.Handle("POST", "/activities/{code}/breaks", manage, s.breakPost)
	k.Handle("POST", "/activities/{code}/breaks/{id}/delete", manage, s.breakDeletePost)
	k.Handle("POST", "/activities/{code}/status", manage, s.statusPost)
	k.Handle("POST", "/activities/{code}/reach", manage, s.figurePost("reach"))
	k.Handle("POST", "/activities/{code}/exhibitors", manage, s.figurePost("exhibitor"))
	k.Handle("POST", "/activities/{code}/teams", manage, s.figurePost("team"))
	k.HandleWith("POST", "/activities/{code}/programme-file", manage, web.MaxUpload, s.programmeFilePost)
	k.HandleWith("POST", "/api/v1/activities/{code}/programme-file", manage, web.MaxUpload, s.apiProgrammeFile)
	k.HandleWith("POST", "/activities/{code}/registration-file", manage, web.MaxUpload, s.registrationFilePost)
	k.Handle("PUT", "/api/v1/activities/{code}", manage, s.apiUpdate)
	k.Handle("PUT", "/api/v1/activities/{code}/organisations", manage, s.apiRoles)
	k.Handle("PUT", "/api/v1/activities/{code}/sessions/{id}", manage, s.apiUpdateSession)
	k.Handle("DELETE", "/api/v1/activities/{code}/sessions/{id}", manage, s.apiDeleteSession)
	k.Handle("DELETE", "/api/v1/activities/{code}/breaks/{id}", manage, s.apiDeleteBreak)
	// The desk.
	k.Handle("GET", "/api/v1/activities/{code}/registrations", manage, s.apiRegistrations)
	for _, action := range []string{"approve", "reject", "cancel"} {
		k.Handle("POST", "/api/v1/activities/{code}/registrations/{reference}/"+action, manage, s.apiDecide(action))
	}
	k.HandleWith("POST", "/api/v1/activities/{code}/registration-list", manage, web.MaxUpload, s.apiRegisterList)
	k.Handle("POST", "/api/v1/activities/{code}/checkin-lists", manage, s.apiAddList)
	k.Handle("GET", "/api/v1/activities/{code}/checkins", manage, s.apiHistory)
	// Figures.
	k.Handle("GET", "/api/v1/orgs/{code}/activity-stats", read, s.apiStats)
	k.Handle("POST", "/api/v1/activities/{code}/sessions/{id}/contributions", manage, s.apiContribution)
	k.Handle("POST", "/api/v1/activities/{code}/sessions/{id}/chairs", manage, s.apiChair)
	k.Handle("POST", "/api/v1/activities/{code}/contributions/{id}/speakers", manage, s.apiSpeaker)
	k.Handle("POST", "/api/v1/activities/{code}/reach", manage, s.apiReach)
	k.Handle("POST", "/api/v1/activities/{code}/exhibitors", manage, s.apiExhibitor)
	k.Handle("POST", "/api/v1/activities/{code}/teams", manage, s.apiTeam)
	k.Handle("GET", "/api/v1/activities/{code}/exhibitors", read, s.apiExhibitors)
	k.Handle("GET", "/api/v1/activities/{code}/teams", read, s.apiTeams)
	// The public side: no account needed.
	k.Handle("GET", "/calendar", public, s.calendar)
	k.Handle("GET", "/calendar.ics", public, s.calendarICS)
	k.Handle("GET", "/calendar/{code}", public, s.publicActivityPage)
	k.Handle("POST", "/calendar/{code}/register", public, s.publicRegister)
	k.Handle("GET", "/series/{code}", public, s.seriesPage)
	k.Handle("GET", "/registrations/{token}", public, s.registrationPage)
	k.Handle("POST", "/registrations/{token}/cancel", public, s.cancelPost)
	k.Handle("GET", "/registrations/{token}/qr.png", public, s.registrationQR)
	k.Handle("GET", "/registrations/{token}/badge.pdf", public, s.badgePDF)
	k.Handle("GET", "/api/v1/calendar", public, s.apiCalendar)
	k.Handle("GET", "/api/v1/series/{code}", public, s.apiSeries)
}

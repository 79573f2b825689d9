// Package activitiesweb serves activities — their records, programmes,
// registrations and check-in: its pages and its part of the JSON API, on
// the web toolkit. Every object is loaded through the activities domain
// with the caller as actor, which answers not_found outside the caller's
// subtrees.
package activitiesweb

import (
	"embed"
	"net/http"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/web"
)

// assets are the package's pages and its part of the OpenAPI document.
//
//go:embed templates/*.html openapi.json
var assets embed.FS

type handlers struct {
	*web.Server
	reg *registry.Service
	act *activities.Service
	// registerLimit bounds visitors' registrations per address: without
	// it a script could take an open activity's every place.
	registerLimit *auth.Limiter
}

// Register adds this domain's routes to a server.
func Register(reg *registry.Service, act *activities.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, reg: reg, act: act, registerLimit: auth.NewLimiter(registrationsPerHour, time.Hour, nil)}
		h.register(k)
	})
}

// registrationsPerHour is how many registrations a visitor's address may
// make in an hour, as for the other public forms. Signed-in members and
// staff are not limited: they answer for what they do under their names.
const registrationsPerHour = 20

// errRegistrationLimit refuses a visitor's registration over the limit.
var errRegistrationLimit = kexie.Errorf(kexie.CodeRateLimited, "err.registration_rate_limited",
	"too many registrations from your address; please try again in an hour")

// takeRegistration counts a visitor's registration against their
// address's limit.
func (s *handlers) takeRegistration(r *http.Request, rq *web.Request) error {
	if rq.Actor(r).UserID != 0 {
		return nil
	}
	if !s.registerLimit.Take("reg:" + rq.Addr) {
		return errRegistrationLimit
	}
	return nil
}

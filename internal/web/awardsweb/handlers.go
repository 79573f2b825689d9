// Package awardsweb serves awards: the award office's programmes,
// rounds, nominations, formal check, assignment, ranking, decision,
// objections and announcement; the recommending units' nominations; the
// experts' reviews; and the public publicity, objection form and winners
// — as pages and JSON API. Handlers keep the route-level permission
// (routes.go); every object is loaded through the awards domain with the
// caller as actor, which answers not_found outside the caller's reach.
package awardsweb

import (
	"embed"
	"time"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/awards"
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
	aw  *awards.Service
	// objectLimit bounds public objections per client address.
	objectLimit *auth.Limiter
}

// Register adds this domain's routes to a server.
func Register(reg *registry.Service, aw *awards.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, reg: reg, aw: aw, objectLimit: auth.NewLimiter(20, time.Hour, nil)}
		h.register(k)
	})
}

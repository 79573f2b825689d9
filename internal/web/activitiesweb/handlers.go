// Package activitiesweb serves activities — their records, programmes,
// registrations and check-in: its pages and its part of the JSON API, on
// the web toolkit. Every object is loaded through the activities domain
// with the caller as actor, which answers not_found outside the caller's
// subtrees.
package activitiesweb

import (
	"embed"

	"github.com/kexie/kexie/internal/activities"
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
}

// Register adds this domain's routes to a server.
func Register(reg *registry.Service, act *activities.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, reg: reg, act: act}
		h.register(k)
	})
}

// Package govweb serves governance — bodies, terms, seats, meetings, motions,
// secret ballots and minutes: its pages and its part of the JSON
// API, on the web toolkit. Handlers keep the route-level permission
// (declared in routes.go); every object they touch is loaded through the
// domain's use cases with the caller as actor, which answer not_found
// outside the caller's subtrees.
package govweb

import (
	"embed"

	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/web"
)

// assets are the package's pages and its part of the OpenAPI document.
//
//go:embed templates/*.html openapi.json
var assets embed.FS

// handlers are this package's pages and API handlers: the toolkit
// (rendering, JSON, sessions) and the use cases they call.
type handlers struct {
	*web.Server
	db   *sqldb.DB
	reg  *registry.Service
	mem  *membership.Service
	gov  *governance.Service
	vote *governance.Voting
}

// Register adds this domain's routes to a server (web.New takes it as a
// web.Domain).
func Register(reg *registry.Service, mem *membership.Service, gov *governance.Service, vote *governance.Voting) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, db: k.DB(), reg: reg, mem: mem, gov: gov, vote: vote}
		h.register(k)
	})
}

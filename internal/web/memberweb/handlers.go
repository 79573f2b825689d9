// Package memberweb serves members — lists, records, applications, cards, dues,
// imports and lapse: its pages and its part of the JSON
// API, on the web toolkit. Handlers keep the route-level permission
// (declared in routes.go); every object they touch is loaded through the
// domain's use cases with the caller as actor, which answer not_found
// outside the caller's subtrees.
package memberweb

import (
	"embed"
	"github.com/kexie/kexie/internal/finance"
	"time"

	"github.com/kexie/kexie/internal/auth"
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
	db  *sqldb.DB
	reg *registry.Service
	mem *membership.Service
	// fin posts dues payments to the books: membership does not know the
	// books (finance imports membership, never the reverse), so the pages
	// and API that record dues, where the two meet, call the books.
	fin *finance.Service
	// applyLimit bounds public applications per client address.
	applyLimit *auth.Limiter
}

// Register adds this domain's routes to a server (web.New takes it as a
// web.Domain).
func Register(reg *registry.Service, mem *membership.Service, fin *finance.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, db: k.DB(), reg: reg, mem: mem, fin: fin}
		h.applyLimit = auth.NewLimiter(20, time.Hour, nil)
		h.register(k)
	})
}

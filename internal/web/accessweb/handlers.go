// Package accessweb serves sign-in, accounts, API tokens, user management and the
// audit log: its pages and its part of the JSON
// API, on the web toolkit. Handlers keep the route-level permission
// (declared in routes.go); every object they touch is loaded through the
// domain's use cases with the caller as actor, which answer not_found
// outside the caller's subtrees.
package accessweb

import (
	"embed"

	"github.com/kexie/kexie/internal/access"
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
	acc *access.Service
	reg *registry.Service
	mem *membership.Service // linking an account to a member
	// Failed sign-ins are bounded per account and client address, per
	// address, and per account across all addresses (a much higher bound).
	byAccount, byAddress, byAccountAll *auth.Limiter
}

// Register adds this domain's routes to a server (web.New takes it as a
// web.Domain).
func Register(acc *access.Service, reg *registry.Service, mem *membership.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, db: k.DB(), acc: acc, reg: reg, mem: mem}
		h.byAccount = auth.NewLimiter(k.Config().LoginLimitAccount, k.Config().LoginWindow, nil)
		h.byAddress = auth.NewLimiter(k.Config().LoginLimitAddress, k.Config().LoginWindow, nil)
		h.byAccountAll = auth.NewLimiter(20*k.Config().LoginLimitAccount, k.Config().LoginWindow, nil)
		h.register(k)
	})
}

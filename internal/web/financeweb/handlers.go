// Package financeweb serves the books — an organisation's journal, its
// funds and accounts, approval by a second person, closing, and the
// statements: its pages and its part of the JSON API, on the web toolkit.
// Every route declares its permission (routes.go); every object is loaded
// through the finance domain with the caller as actor, which answers
// not_found outside the caller's subtrees.
package financeweb

import (
	"embed"

	"github.com/kexie/kexie/internal/finance"
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
	fin *finance.Service
}

// Register adds this domain's routes to a server (web.New takes it as a
// web.Domain).
func Register(reg *registry.Service, fin *finance.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, reg: reg, fin: fin}
		h.register(k)
	})
}

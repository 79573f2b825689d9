package web

import (
	"net/http"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// registerKit declares the toolkit's own routes: operations, static files,
// the OpenAPI document, the home page and the language switch. Each domain
// declares its own (Domain); the catch-alls come last (registerFallbacks).
func (s *Server) registerKit() {
	const (
		public   = kexie.PermPublic
		signedIn = kexie.PermSignedIn
	)
	// Operations.
	s.Handle("GET", "/healthz", public, s.healthz)
	s.Handle("GET", "/metrics", kexie.PermOps, s.metricsHandler)
	s.Handle("GET", "/static/", public, func(w http.ResponseWriter, r *http.Request, _ *Request) error {
		if strings.HasSuffix(r.URL.Path, "/") {
			// No directory listings.
			return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		staticFiles().ServeHTTP(w, r)
		return nil
	})
	s.Handle("GET", "/api/openapi.json", public, s.openAPI)

	// Pages.
	s.Handle("GET", "/{$}", public, s.home)
	s.Handle("POST", "/lang", public, s.setLang)
}

// registerFallbacks answers anything else: a JSON 404 under /api/, a page
// 404 elsewhere.
func (s *Server) registerFallbacks() {
	const public = kexie.PermPublic
	s.Handle("", "/api/", public, func(http.ResponseWriter, *http.Request, *Request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_route", "no such API route")
	})
	s.Handle("", "/", public, func(http.ResponseWriter, *http.Request, *Request) error {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	})
}

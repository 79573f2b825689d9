// Package web is the toolkit kexie serves HTTP with: the router, where
// every route is declared with the permission it needs (Handle is the only
// way to register one); identity (sessions, API tokens), CSRF, security
// headers and metrics; the layout and rendering of HTML pages (working
// without JavaScript) and of JSON under /api/v1; errors mapped to statuses;
// paging; the scoped loaders. Each domain's pages and API live in a package
// of their own (accessweb, registryweb, memberweb, govweb) and join a
// server as a Domain; package site puts them all together.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openAPIDoc []byte

// Config tunes a Server.
type Config struct {
	Sessions access.SessionPolicy
	// SecureCookies forces the Secure attribute (set it behind a TLS
	// terminating proxy); requests over TLS get it anyway.
	SecureCookies bool
	// LoginLimitAccount and LoginLimitAddress bound failed sign-ins per
	// account and per client address within LoginWindow.
	LoginLimitAccount int
	LoginLimitAddress int
	LoginWindow       time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed. Behind a proxy on the same host, set 127.0.0.1/32: otherwise
	// every client looks like loopback (sharing one sign-in limit and
	// reaching /metrics).
	TrustedProxies []netip.Prefix
	// Sealer opens sealed ID numbers for the audited "reveal"; nil when no
	// data key is configured.
	Sealer *seal.Sealer
	// PublicURL is the address people reach kexie at (https://host, no
	// trailing slash): printed cards carry their verification link under
	// it. Empty: the address of each request (fine without a proxy).
	PublicURL string
	Logger    *slog.Logger
	Version   string
}

// DefaultConfig is what `kexie serve` uses unless told otherwise.
func DefaultConfig() Config {
	return Config{
		Sessions:          access.DefaultSessionPolicy,
		LoginLimitAccount: 5,
		LoginLimitAddress: 30,
		LoginWindow:       15 * time.Minute,
		Version:           "dev",
	}
}

// Server is the HTTP side of kexie. It holds no global state: everything a
// handler needs hangs off it.
type Server struct {
	db     *sqldb.DB
	acc    *access.Service
	cfg    Config
	log    *slog.Logger
	bundle *i18n.Bundle
	pages  map[string]*template.Template
	// templates are the sets of pages: the toolkit's, then each domain's.
	templates []fs.FS
	csrfKey   []byte
	// openAPIParts are the domains' parts of the OpenAPI document, merged
	// into openAPIDoc when the server is built.
	openAPIParts [][]byte
	openAPIDoc   []byte
	metrics      *metrics
	routes       []Route
	mux          *http.ServeMux
	handler      http.Handler
	// kept: answers of HandleKept routes (keep.go).
	kept keptAnswers
}

// Route is one registered pattern and the permission it requires.
type Route struct {
	Method  string
	Path    string
	Perm    kexie.Permission
	API     bool
	Handler HandlerFunc
	// MaxBody bounds the request body of state-changing requests (1 MiB
	// unless the route says otherwise, as file uploads do).
	MaxBody int64
	// Kept: its answers may be kept between requests (HandleKept).
	Kept bool
}

// Pattern is the ServeMux pattern of the route.
func (r Route) Pattern() string {
	if r.Method == "" {
		return r.Path
	}
	return r.Method + " " + r.Path
}

// A Domain adds a domain's pages and JSON API to the server: it declares
// its routes with Handle (each with its permission) and keeps the use
// cases its handlers call.
type Domain func(s *Server) error

// New builds a server on an open, migrated database: the toolkit's own
// routes, then each domain's, then the catch-alls. acc identifies callers
// (sessions, API tokens).
func New(ctx context.Context, db *sqldb.DB, acc *access.Service, cfg Config, domains ...Domain) (*Server, error) {
	s := &Server{db: db, acc: acc, cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.bundle, err = i18n.Load(); err != nil {
		return nil, err
	}
	if s.csrfKey, err = db.Secret(ctx, "csrf"); err != nil {
		return nil, fmt.Errorf("csrf key: %w", err)
	}
	s.metrics = newMetrics(db)
	s.mux = http.NewServeMux()
	s.registerKit()
	for _, d := range domains {
		if err := d(s); err != nil {
			return nil, err
		}
	}
	s.registerFallbacks()
	if s.pages, err = parseTemplates(append([]fs.FS{templateFS}, s.templates...)); err != nil {
		return nil, err
	}
	if s.openAPIDoc, err = mergeOpenAPI(openAPIDoc, s.openAPIParts); err != nil {
		return nil, err
	}
	s.handler = s.securityHeaders(s.crossOrigin(s.mux))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route (for tests and the OpenAPI check).
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// DB is the database the server runs on.
func (s *Server) DB() *sqldb.DB { return s.db }

// Config is the server's configuration.
func (s *Server) Config() Config { return s.cfg }

// Bundle is the message catalogs.
func (s *Server) Bundle() *i18n.Bundle { return s.bundle }

// Logger is the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// Registry returns the Prometheus registry of this server.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// Handle registers a route. It is the only way to add one, so a route
// without a permission cannot exist: Handle panics on an empty one at
// start-up, and a test walks the list.
func (s *Server) Handle(method, path string, perm kexie.Permission, h HandlerFunc) {
	s.HandleWith(method, path, perm, 1<<20, h)
}

// HandleWith is Handle with a body limit of the route's own.
func (s *Server) HandleWith(method, path string, perm kexie.Permission, maxBody int64, h HandlerFunc) {
	s.add(Route{Method: method, Path: path, Perm: perm, API: strings.HasPrefix(path, "/api/"), Handler: h, MaxBody: maxBody})
}

// add registers a route.
func (s *Server) add(rt Route) {
	if rt.Perm == "" {
		panic("web: route " + rt.Method + " " + rt.Path + " declares no permission")
	}
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.Pattern(), s.wrap(rt))
}

// PurgeLoop deletes expired sessions every interval until ctx ends.
func (s *Server) PurgeLoop(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.acc.PurgeSessions(ctx, s.cfg.Sessions); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("purge sessions", "err", err)
			} else if n > 0 {
				s.log.Info("expired sessions purged", "count", n)
			}
		}
	}
}

func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}

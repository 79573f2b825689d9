// Package site assembles the whole web application: the toolkit with every
// domain's pages and JSON API. It is the one place that knows them all.
package site

import (
	"context"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/web"
	"github.com/kexie/kexie/internal/web/accessweb"
	"github.com/kexie/kexie/internal/web/activitiesweb"
	"github.com/kexie/kexie/internal/web/awardsweb"
	"github.com/kexie/kexie/internal/web/financeweb"
	"github.com/kexie/kexie/internal/web/govweb"
	"github.com/kexie/kexie/internal/web/memberweb"
	"github.com/kexie/kexie/internal/web/registryweb"
)

// Domains are the use cases the site serves, wired once per database by
// the caller (the command line, or a test).
type Domains struct {
	DB         *sqldb.DB
	Access     *access.Service
	Registry   *registry.Service
	Membership *membership.Service
	Governance *governance.Service
	Voting     *governance.Voting
	Finance    *finance.Service
	Awards     *awards.Service
	Activities *activities.Service
}

// New builds the server with every domain's routes.
func New(ctx context.Context, d Domains, cfg web.Config) (*web.Server, error) {
	return web.New(ctx, d.DB, d.Access, cfg,
		accessweb.Register(d.Access, d.Registry, d.Membership),
		registryweb.Register(d.Registry, d.Membership, d.Governance),
		memberweb.Register(d.Registry, d.Membership, d.Finance),
		govweb.Register(d.Registry, d.Membership, d.Governance, d.Voting),
		financeweb.Register(d.Registry, d.Finance),
		awardsweb.Register(d.Registry, d.Awards),
		activitiesweb.Register(d.Registry, d.Activities),
	)
}

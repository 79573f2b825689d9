// Package awardsweb serves awards: the award office's programmes and
// rankings and the public publicity of a round, as JSON API. Handlers
// keep the route-level permission (routes.go); every object is loaded
// through the awards domain with the caller as actor, which answers
// not_found outside the caller's subtrees.
package awardsweb

import (
	"embed"
	"net/http"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// assets are the package's part of the OpenAPI document.
//
//go:embed openapi.json
var assets embed.FS

type handlers struct {
	*web.Server
	aw *awards.Service
}

// Register adds this domain's routes to a server.
func Register(aw *awards.Service) web.Domain {
	return web.Mount(assets, func(k *web.Server) {
		h := &handlers{Server: k, aw: aw}
		h.register(k)
	})
}

// apiProgrammes lists the programmes the caller's award office runs.
func (s *handlers) apiProgrammes(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ps, err := s.aw.Programmes(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"programmes": ps})
}

// apiRanking is a round's ranked list with the cut at the caps; the
// caller's conflicted nominations are withheld.
func (s *handlers) apiRanking(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	list, ties, err := s.aw.Ranking(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	if ties == nil {
		ties = []awardrule.Tie{}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"round_id": id, "ranking": list, "ties": ties})
}

// apiPublicity is a round's public list of proposed (or announced)
// winners: never an identity number.
func (s *handlers) apiPublicity(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return kexie.Errorf(kexie.CodeNotFound, "err.award_round_not_found", "no such award round")
	}
	p, err := s.aw.PublicityOf(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

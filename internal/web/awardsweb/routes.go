package awardsweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes of this domain, each with its permission.
func (s *handlers) register(k *web.Server) {
	k.Handle("GET", "/api/v1/award-programmes", kexie.PermAwardsManage, s.apiProgrammes)
	k.Handle("GET", "/api/v1/award-rounds/{id}/ranking", kexie.PermAwardsManage, s.apiRanking)
	k.Handle("GET", "/api/v1/award-rounds/{id}/publicity", kexie.PermPublic, s.apiPublicity)
}

package registryweb

import (
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// register declares the routes of this domain's pages and JSON API, each
// with the permission it needs; the toolkit checks it before the handler
// runs, and the handler's use cases check the object.
func (s *handlers) register(k *web.Server) {
	const (
		public   = kexie.PermPublic
		signedIn = kexie.PermSignedIn
	)
	k.Handle("GET", "/orgs", kexie.PermRegistryRead, s.orgsPage)
	k.HandleKept("/orgs/{code}", kexie.PermRegistryRead, s.orgPage)
	k.Handle("POST", "/orgs/{code}/status", kexie.PermRegistryWrite, s.changeStatus)
	k.Handle("POST", "/orgs/{code}/profile", kexie.PermRegistryWrite, s.editProfile)
	k.Handle("GET", "/import/orgs", kexie.PermRegistryWrite, s.importForm)
	k.HandleWith("POST", "/import/orgs", kexie.PermRegistryWrite, web.MaxUpload, s.importOrgs)
	k.Handle("GET", "/export/{file}", kexie.PermRegistryRead, s.exportOrgs)
	k.Handle("GET", "/filings", kexie.PermRegistryRead, s.filingsPage)
	k.Handle("POST", "/filings/{id}/ack", kexie.PermRegistryWrite, s.ackFiling)
	k.Handle("GET", "/api/v1/orgs", kexie.PermRegistryRead, s.apiOrgs)
	k.HandleKept("/api/v1/orgs/{code}", kexie.PermRegistryRead, s.apiOrg)
	k.Handle("GET", "/api/v1/orgs/{code}/children", kexie.PermRegistryRead, s.apiOrgChildren)
	k.HandleKept("/api/v1/orgs/{code}/stats", kexie.PermRegistryRead, s.apiOrgStats)
}

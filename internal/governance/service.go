package governance

import (
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the governance domain over one database: charters, bodies,
// terms and seats, meetings with attendance and proxies, motions, secret
// ballots (Voting), and the charter's findings.
type Service struct {
	db  *sqldb.DB
	reg *registry.Service
	mem *membership.Service
}

// New returns the governance domain on db (secret ballots: NewVoting).
func New(db *sqldb.DB) *Service {
	return &Service{db: db, reg: registry.New(db), mem: membership.New(db)}
}

package governance

import (
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the governance domain over one database: charters, bodies,
// terms and seats, meetings with attendance and proxies, motions, secret
// ballots, and the charter's findings.
type Service struct {
	db  *sqldb.DB
	reg *registry.Service
	mem *membership.Service
	box *ballotBox
}

// New returns the governance domain on db. Its ballot box batches the
// ballots cast through it in a goroutine of its own, started by the first
// ballot and stopped when db closes; a Service that takes no ballot (the
// demo, a command) starts none.
func New(db *sqldb.DB) *Service {
	return &Service{db: db, reg: registry.New(db), mem: membership.New(db), box: &ballotBox{}}
}

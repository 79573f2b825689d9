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

// New returns the governance domain on db. Make one per database: its
// ballot box is a goroutine that batches ballots, stopped when db closes.
func New(db *sqldb.DB) *Service {
	svc := &Service{db: db, reg: registry.New(db), mem: membership.New(db), box: &ballotBox{}}
	db.OnClose(svc.box.stop)
	return svc
}

package membership

import (
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the membership domain over one database: people and their
// memberships, applications, cards, dues, participation, lapse, and the
// bulk import of member files.
type Service struct {
	db  *sqldb.DB
	reg *registry.Service
}

// New returns the membership domain on db.
func New(db *sqldb.DB) *Service { return &Service{db: db, reg: registry.New(db)} }

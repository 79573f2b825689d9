package registry

import "github.com/kexie/kexie/internal/sqldb"

// Service is the registry domain over one database.
type Service struct {
	db *sqldb.DB
}

// New returns the registry domain on db.
func New(db *sqldb.DB) *Service { return &Service{db: db} }

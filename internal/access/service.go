package access

import "github.com/kexie/kexie/internal/sqldb"

// Service is the access domain over one database.
type Service struct {
	db *sqldb.DB
}

// New returns the access domain on db.
func New(db *sqldb.DB) *Service { return &Service{db: db} }

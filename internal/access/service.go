package access

import "github.com/kexie/kexie/internal/sqldb"

// Service is the access domain over one database.
type Service struct {
	db  *sqldb.DB
	who *whoCache // callers kept between requests (who.go)
}

// New returns the access domain on db.
func New(db *sqldb.DB) *Service { return &Service{db: db, who: &whoCache{}} }

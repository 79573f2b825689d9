// Package activities is the activities domain: academic exchange, science
// popularisation, training and the rest — activities with their series,
// the organisations holding roles in them, their programmes (sessions in
// rooms, breaks for every room), registrations that never overbook, and
// check-in that feeds members' participation records.
//
// An activity belongs to the organisations of the registry holding a role
// in it: staff of each of them read it (activities.read); its owning
// organisation, the first sponsor of the registry, manages it
// (activities.manage). Outside those subtrees it is not found.
package activities

import (
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the activities domain over one database.
type Service struct {
	db  *sqldb.DB
	reg *registry.Service
	mem *membership.Service
	// desk writes registrations and scans that arrive together in one
	// transaction (batch.go).
	desk *deskQueue
}

// New returns the activities domain on db.
func New(db *sqldb.DB) *Service {
	return &Service{db: db, reg: registry.New(db), mem: membership.New(db), desk: newDeskQueue(db)}
}

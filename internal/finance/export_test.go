package finance

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// HoldWriter keeps the group writer of an organisation's ledger busy (in a
// group of its own) until release is called, so that the postings handed
// in meanwhile wait in its queue, in the order they came, and are then
// written as one group. queued is how many wait.
func (svc *Service) HoldWriter(ctx context.Context, orgID int64) (queued func() int, release func()) {
	started, gate, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- svc.grouped(ctx, kexie.SystemActor("test.hold"), pinned(orgID), func(context.Context, *sqldb.Tx, *group) error {
			close(started)
			<-gate
			return nil
		})
	}()
	<-started
	return func() int { return svc.group.Waiting(uint64(orgID)) }, func() { close(gate); <-done }
}

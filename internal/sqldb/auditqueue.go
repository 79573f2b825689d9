package sqldb

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
)

// AuditQueue holds the audit entries of a transaction that runs many
// callers' work (group commit), to be appended in one go at its end: the
// chain's head is read and moved once per transaction instead of once per
// entry, and on PostgreSQL the head row is locked only for the last moment
// of the transaction. Each entry keeps its actor and its place in the
// order the work ran.
type AuditQueue struct {
	changes []Change
	actors  []kexie.Actor
}

// Queued is the same transaction with its audit entries (Audit, its As
// copies included) held in q instead of written.
func (tx *Tx) Queued(q *AuditQueue) *Tx {
	c := *tx
	c.audits = q
	return &c
}

// Len is how many entries wait.
func (q *AuditQueue) Len() int { return len(q.changes) }

// Truncate drops the entries past the first n: the work that queued them
// was rolled back (to its savepoint).
func (q *AuditQueue) Truncate(n int) {
	clear(q.changes[n:])
	q.changes, q.actors = q.changes[:n], q.actors[:n]
}

// Append writes the waiting entries to the chain in tx, in order, and
// empties the queue.
func (q *AuditQueue) Append(ctx context.Context, tx *Tx) error {
	err := tx.AuditMany(ctx, q.changes, q.actors)
	q.changes, q.actors = nil, nil
	return err
}

package finance

import (
	"context"
	"fmt"
	"sync"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Group commit. On SQLite every write transaction ends with a commit the
// disk makes durable (synchronous=FULL), one at a time: postings that
// arrive together — a desk issuing receipts, scripts posting through the
// API — spent most of their time waiting for each other's commit (122
// entries/s from 64 clients). Postings made through grouped therefore
// join whatever others wait: one goroutine runs them in one transaction,
// each under a savepoint of its own (a refused one rolls back only its own
// work and gets its own error), and commits them together. Each caller
// still returns only once its posting is durable, or with its error. On
// PostgreSQL, whose connections write side by side, each runs alone.

// maxGroup bounds the postings one transaction carries.
const maxGroup = 128

type groupJob struct {
	actor kexie.Actor
	fn    func(tx *sqldb.Tx) error
	done  chan error
}

type grouper struct {
	once    sync.Once
	jobs    chan groupJob
	stop    chan struct{}
	stopped chan struct{}
}

// grouped runs fn as Write would, in a transaction shared with the
// postings that wait at the same moment (SQLite).
func (svc *Service) grouped(ctx context.Context, actor kexie.Actor, fn func(tx *sqldb.Tx) error) error {
	if svc.db.Dialect() != sqldb.SQLite {
		return svc.db.Write(ctx, actor, fn)
	}
	g := svc.group
	g.once.Do(func() {
		g.jobs, g.stop, g.stopped = make(chan groupJob), make(chan struct{}), make(chan struct{})
		go svc.runGroups()
		svc.db.OnClose(func() { close(g.stop); <-g.stopped })
	})
	j := groupJob{actor: actor, fn: fn, done: make(chan error, 1)}
	select {
	case g.jobs <- j:
	case <-g.stopped:
		return svc.db.Write(ctx, actor, fn)
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once taken, the job is in a transaction that may commit: wait for
	// its outcome whatever the caller's context does.
	return <-j.done
}

func (svc *Service) runGroups() {
	g := svc.group
	defer close(g.stopped)
	for {
		var batch []groupJob
		select {
		case j := <-g.jobs:
			batch = append(batch, j)
		case <-g.stop:
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		svc.commitGroup(batch)
	}
}

func (svc *Service) commitGroup(batch []groupJob) {
	ctx := context.Background()
	if len(batch) == 1 {
		batch[0].done <- svc.db.Write(ctx, batch[0].actor, safely(batch[0].fn))
		return
	}
	errs := make([]error, len(batch))
	err := svc.db.Write(ctx, kexie.SystemActor("finance.group"), func(tx *sqldb.Tx) error {
		for i, j := range batch {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT posting`); err != nil {
				return err
			}
			if err := safely(j.fn)(tx.As(j.actor)); err != nil {
				errs[i] = sqldb.MapErr(err)
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT posting`); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT posting`); err != nil {
				return err
			}
		}
		return nil
	})
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- errs[i]
		}
	}
}

// safely turns a panic of one posting into its error, so the goroutine
// that runs the groups goes on for the others.
func safely(fn func(tx *sqldb.Tx) error) func(tx *sqldb.Tx) error {
	return func(tx *sqldb.Tx) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("posting panicked: %v", r)
			}
		}()
		return fn(tx)
	}
}

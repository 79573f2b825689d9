package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Generations. What a request reads — who asks, with their grants, and a
// page built from the registry — may be kept between requests only while
// nothing it was read from has changed. Every change is audited, and every
// audited transaction moves the audit chain's head (audit_head) in the
// same transaction: so "has anything changed since?" is "has the head
// moved?", and a value kept with the generation read before it is good for
// as long as the generation is the same. Nothing is kept by age.
//
//   - SQLite: the generation is the head's sequence number, read (one
//     indexed row, a kept statement) on each request. That sees every
//     process's commits, the command line's included, the moment they
//     commit.
//   - PostgreSQL: a round trip per request would cost what keeping saves.
//     The head's update notifies (a trigger, migration 0054: NOTIFY is
//     delivered when the transaction commits, never before; the channel is
//     named after the schema), a listening
//     connection counts the notifications, and this process counts its own
//     commits the moment they return, before the request that made them
//     answers. A change made here is therefore seen by the next request; a
//     change made by another process (the command line) is seen once its
//     notification arrives, a moment after its commit. When the listening
//     connection is down, notifications may be lost: nothing counts as
//     fresh until it listens again.
//
// The generation read before a value is what the value is kept under: a
// change that commits between the two leaves a value kept under a
// generation that is already past, which is never used.

// Generation is a reading of the database's change counter.
type Generation struct {
	N  int64
	OK bool // false: nothing may be kept (PostgreSQL not listening)
}

// fresh is the PostgreSQL side's counters, shared by every DB made from
// one Open (At).
type fresh struct {
	owner   *DB // the DB Open returned: the listener closes with it
	once    sync.Once
	local   atomic.Int64 // commits made by this process
	heard   atomic.Int64 // notifications heard, and reconnections
	live    atomic.Bool  // listening now
	stop    context.CancelFunc
	stopped chan struct{}
}

// headChannel is the channel the audit head's trigger notifies, followed by
// the head's schema.
const headChannel = "kexie_head:"

// Generation reads the change counter (see above).
func (db *DB) Generation(ctx context.Context) (Generation, error) {
	if db.dialect == SQLite {
		var seq int64
		if err := db.Reader().QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil {
			return Generation{}, MapErr(err)
		}
		return Generation{N: seq, OK: true}, nil
	}
	f := db.fresh
	f.once.Do(func() { f.owner.listen() })
	if !f.live.Load() {
		return Generation{}, nil
	}
	// Two counters that only grow: their sum changes when either does.
	return Generation{N: f.local.Load() + f.heard.Load(), OK: true}, nil
}

// committed counts a commit made by this process (PostgreSQL).
func (db *DB) committed() {
	if db.fresh != nil {
		db.fresh.local.Add(1)
	}
}

// listen starts the listening connection and stops it when db closes.
func (db *DB) listen() {
	f := db.fresh
	ctx, cancel := context.WithCancel(context.Background())
	f.stop, f.stopped = cancel, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(f.stopped)
		var once sync.Once
		for ctx.Err() == nil {
			err := db.listenOnce(ctx, func() { once.Do(func() { close(ready) }) })
			f.live.Store(false)
			if ctx.Err() != nil {
				return
			}
			db.log.Warn("listening for changes", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}()
	db.OnClose(func() { cancel(); <-f.stopped })
	// The first request waits (briefly) for the connection to listen, so
	// that a server's first requests already keep what they may.
	select {
	case <-ready:
	case <-time.After(2 * time.Second):
	}
}

// listenOnce holds one connection of the pool, LISTENs on it and counts
// notifications until the connection fails or ctx ends. The connection is
// then discarded, never returned to the pool still listening.
func (db *DB) listenOnce(ctx context.Context, ready func()) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	f := db.fresh
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("listen: driver connection %T", dc)
		}
		pc := c.Conn()
		var schema string
		if err := pc.QueryRow(ctx, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.oid = 'audit_head'::regclass`).Scan(&schema); err != nil {
			return errors.Join(err, driver.ErrBadConn)
		}
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{headChannel + schema}.Sanitize()); err != nil {
			return errors.Join(err, driver.ErrBadConn)
		}
		// Whatever was notified while nobody listened is unknown: count a
		// change, so that nothing kept before is used again.
		f.heard.Add(1)
		f.live.Store(true)
		ready()
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				f.live.Store(false)
				return errors.Join(err, driver.ErrBadConn)
			}
			f.heard.Add(1)
		}
	})
}

package sqldb

import (
	"context"
	"sync"

	"github.com/kexie/kexie/internal/kexie"
)

// Batcher gathers the jobs that many requests hand in at about the same
// time into batches, each written by one call of its write function (in
// one transaction: group commit). A rush then pays a commit per batch,
// not per request. It runs writers side by side, each with its own queue
// (a lane) plus one queue any of them takes from; a caller that pins its
// job to a lane keeps the jobs that touch the same rows in one writer,
// where writers side by side would wait for each other's row locks.
//
// The writers start with the first job handed in and stop when the
// database closes (DB.OnClose), after the batches they are writing; a job
// handed in and not written by then is given to refuse, and a job handed
// in later is refused by Put. Answering each job (its done channel, say)
// is write's and refuse's work: Put returns once the job is handed in.
// write must not hand jobs to its own batcher (nor ask Waiting): a Put
// waiting for room holds the batcher's read lock, and closing, waiting for
// it, would wait for write to return.
type Batcher[J any] struct {
	max    int
	lanes  func(*DB) int
	write  func(ctx context.Context, batch []J)
	refuse func(J)

	// mu is held for reading while a job is handed in, and for writing to
	// close: once closed, no job is left in a queue nobody reads.
	mu      sync.RWMutex
	started bool
	closed  bool
	any     chan J
	in      []chan J
	quit    chan struct{}
	gone    chan struct{}
}

// ErrBatcherClosed is Put's answer once the database is closing.
var ErrBatcherClosed = kexie.Errorf(kexie.CodeUnavailable, "err.unavailable", "database unavailable")

// NewBatcher returns a batcher whose batches carry at most max jobs,
// written by lanes(db) writers side by side (at least one), each batch by
// write; refuse answers a job left unwritten when the database closed.
func NewBatcher[J any](max int, lanes func(*DB) int, write func(ctx context.Context, batch []J), refuse func(J)) *Batcher[J] {
	return &Batcher[J]{max: max, lanes: lanes, write: write, refuse: refuse}
}

// Put hands j to the writer of lane (modulo the writers).
func (b *Batcher[J]) Put(ctx context.Context, db *DB, lane uint64, j J) error {
	return b.put(ctx, db, func() chan J { return b.in[lane%uint64(len(b.in))] }, j)
}

// PutAny hands j to whichever writer gathers a batch first.
func (b *Batcher[J]) PutAny(ctx context.Context, db *DB, j J) error {
	return b.put(ctx, db, func() chan J { return b.any }, j)
}

func (b *Batcher[J]) put(ctx context.Context, db *DB, queue func() chan J, j J) error {
	b.mu.RLock()
	if !b.started && !b.closed {
		b.mu.RUnlock()
		b.start(db)
		b.mu.RLock()
	}
	defer b.mu.RUnlock()
	if b.closed {
		return ErrBatcherClosed
	}
	select {
	case queue() <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Waiting is how many jobs wait in lane's queue (0 before the first Put).
func (b *Batcher[J]) Waiting(lane uint64) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if len(b.in) == 0 {
		return 0
	}
	return len(b.in[lane%uint64(len(b.in))])
}

// start starts the writers, once (not after the database closed).
func (b *Batcher[J]) start(db *DB) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started || b.closed {
		return
	}
	b.started = true
	b.any, b.quit, b.gone = make(chan J, b.max), make(chan struct{}), make(chan struct{})
	for range max(1, b.lanes(db)) {
		b.in = append(b.in, make(chan J, b.max))
	}
	db.OnClose(b.stop)
	go b.run()
}

func (b *Batcher[J]) run() {
	defer close(b.gone)
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, in := range b.in {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var batch []J
				select {
				case j := <-in:
					batch = append(batch, j)
				case j := <-b.any:
					batch = append(batch, j)
				case <-b.quit:
					return
				}
			more:
				for len(batch) < b.max {
					select {
					case j := <-in:
						batch = append(batch, j)
					case j := <-b.any:
						batch = append(batch, j)
					default:
						break more
					}
				}
				b.write(ctx, batch)
			}
		}()
	}
	wg.Wait()
	// Closed, so no job comes in any more (stop held mu while it closed):
	// whatever was handed in and not written is answered.
	for _, in := range append([]chan J{b.any}, b.in...) {
		for len(in) > 0 {
			b.refuse(<-in)
		}
	}
}

// stop ends the writers after the batches they are writing; jobs handed
// in later are refused.
func (b *Batcher[J]) stop() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	started := b.started
	b.mu.Unlock()
	if started {
		close(b.quit)
		<-b.gone
	}
}

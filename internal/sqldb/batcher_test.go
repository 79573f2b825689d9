package sqldb

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type batchJob struct {
	lane uint64
	hold chan struct{} // write waits for it to close (nil: no wait)
	done chan string   // "written" or "refused", once
}

func batcherDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newTestBatcher's batches take at least pause each to write.
func newTestBatcher(max, lanes int, pause time.Duration, batches chan<- int) *Batcher[*batchJob] {
	return NewBatcher(max, func(*DB) int { return lanes },
		func(_ context.Context, batch []*batchJob) {
			if batches != nil {
				batches <- len(batch)
			}
			time.Sleep(pause)
			for _, j := range batch {
				if j.hold != nil {
					<-j.hold
				}
				j.done <- "written"
			}
		},
		func(j *batchJob) { j.done <- "refused" })
}

// TestBatcherLanes: jobs pinned to a lane wait while its writer is busy,
// and are then written together (at most max to a batch), while another
// lane's job goes through meanwhile; after the database closed, Put
// refuses.
func TestBatcherLanes(t *testing.T) {
	ctx := context.Background()
	db := batcherDB(t)
	batches := make(chan int, 100)
	b := newTestBatcher(4, 2, 0, batches)
	newJob := func(lane uint64) *batchJob { return &batchJob{lane: lane, done: make(chan string, 1)} }

	held := newJob(0)
	held.hold = make(chan struct{})
	if err := b.Put(ctx, db, 0, held); err != nil {
		t.Fatal(err)
	}
	if n := <-batches; n != 1 {
		t.Fatalf("first batch: %d jobs", n)
	}
	var waiting []*batchJob
	for range 6 {
		j := newJob(2) // lane 2 of 2 writers: lane 0's
		waiting = append(waiting, j)
		go func() {
			if err := b.Put(ctx, db, j.lane, j); err != nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Waiting(0) != 4 { // the queue holds max; two Puts wait to hand in
		if time.Now().After(deadline) {
			t.Fatalf("lane 0 holds %d jobs, want 4", b.Waiting(0))
		}
		time.Sleep(time.Millisecond)
	}
	other := newJob(1)
	if err := b.Put(ctx, db, 1, other); err != nil {
		t.Fatal(err)
	}
	if got := <-other.done; got != "written" {
		t.Fatalf("lane 1's job while lane 0 is busy: %s", got)
	}
	if n := <-batches; n != 1 {
		t.Fatalf("lane 1's batch: %d jobs", n)
	}
	close(held.hold)
	<-held.done
	for _, j := range waiting {
		if got := <-j.done; got != "written" {
			t.Fatalf("waiting job: %s", got)
		}
	}
	// The first four together, then the two that waited to hand in (one
	// batch or two, as they arrived).
	if n := <-batches; n != 4 {
		t.Fatalf("batch after the hold: %d jobs, want 4", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.PutAny(ctx, db, newJob(0)); !errors.Is(err, ErrBatcherClosed) {
		t.Fatalf("Put after close: %v", err)
	}
}

// TestBatcherAnswersEveryJobOnce: jobs handed in from many goroutines
// while the database closes are each answered exactly once (written, or
// refused at the close), and a Put that failed is never answered: no job
// is left in a queue nobody reads, not even one handed in by a Put that
// waited for room while the writers stopped.
func TestBatcherAnswersEveryJobOnce(t *testing.T) {
	for round := range 20 {
		ctx := context.Background()
		db := batcherDB(t)
		b := newTestBatcher(8, 3, 100*time.Microsecond, nil) // queues full, Puts waiting to hand in
		var (
			mu       sync.Mutex
			accepted []*batchJob
			refused  []*batchJob
			wg       sync.WaitGroup
		)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 200 {
					j := &batchJob{lane: uint64(g + i), done: make(chan string, 2)}
					var err error
					if i%3 == 0 {
						err = b.PutAny(ctx, db, j)
					} else {
						err = b.Put(ctx, db, j.lane, j)
					}
					mu.Lock()
					if err == nil {
						accepted = append(accepted, j)
					} else if errors.Is(err, ErrBatcherClosed) {
						refused = append(refused, j)
					} else {
						t.Error(err)
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(round%5) * time.Millisecond)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for _, j := range accepted {
			select {
			case <-j.done:
			case <-time.After(10 * time.Second):
				t.Fatalf("round %d: a job handed in was never answered", round)
			}
			if len(j.done) != 0 {
				t.Fatalf("round %d: a job answered twice", round)
			}
		}
		for _, j := range refused {
			if len(j.done) != 0 {
				t.Fatalf("round %d: a job Put refused was answered", round)
			}
		}
		if len(accepted)+len(refused) != 1600 {
			t.Fatalf("round %d: %d accepted + %d refused", round, len(accepted), len(refused))
		}
	}
}

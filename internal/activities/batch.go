package activities

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// The desk's writes (registrations and scans that arrive together) are
// written together: one transaction, one commit and one step of the
// audit chain for the lot instead of one each. A write per transaction
// made a rush wait on the commit (on SQLite the WAL's fsync, on
// PostgreSQL the audit head row, which every write moves) thousands of
// times; a batch pays it once. Each request keeps its own answer: its
// work runs under its own actor, in the order the
// requests arrived, so the activity's conditional place update decides
// confirmed or waitlisted one request after the other exactly as separate
// transactions would, and a request that fails leaves nothing of itself
// and does not fail the others (see commit).

// deskJob is one request's work: run writes it in tx (whose actor is the
// request's) and hands its audit entries to audit.
type deskJob struct {
	// order sorts a batch: the activity's code, then for a scan what was
	// scanned (registrations keep their order of arrival).
	order string
	actor kexie.Actor
	// bulk, when set, is a visitor's registration that a batch may write
	// with the others of its activity (registerBulk) instead of by run.
	bulk *bulkReg
	// scan, when set, is a scan that a batch may write with the others
	// of its activity (checkInBulk) instead of by run.
	scan *bulkScan
	run  func(ctx context.Context, tx *sqldb.Tx, audit func(sqldb.Change) error) error
	done chan error
}

// deskQueue is the activities service's batch writer (sqldb.Batcher),
// started at its first request and stopped when the database closes.
type deskQueue struct {
	*sqldb.Batcher[*deskJob]
}

func newDeskQueue(db *sqldb.DB) *deskQueue {
	q := &deskQueue{}
	q.Batcher = sqldb.NewBatcher(deskBatch, deskWriters,
		func(ctx context.Context, batch []*deskJob) { q.commit(ctx, db, batch) },
		func(j *deskJob) { j.done <- sqldb.ErrBatcherClosed })
	return q
}

// deskBatch bounds a batch: enough to absorb a rush through a few hundred
// connections, small enough that a batch's transaction stays short.
const deskBatch = 256

// write hands run to the queue and waits for its batch to commit: its
// error is run's own, or the batch's when the transaction failed.
func (q *deskQueue) write(ctx context.Context, db *sqldb.DB, actor kexie.Actor, order string, pin bool,
	run func(ctx context.Context, tx *sqldb.Tx, audit func(sqldb.Change) error) error) error {
	return q.writeJob(ctx, db, &deskJob{order: order, actor: actor}, pin, run)
}

// writeJob is write for a job made by the caller (with its bulk part).
func (q *deskQueue) writeJob(ctx context.Context, db *sqldb.DB, j *deskJob, pin bool,
	run func(ctx context.Context, tx *sqldb.Tx, audit func(sqldb.Change) error) error) error {
	j.run, j.done = run, make(chan error, 1)
	var err error
	if pin {
		// An activity's registrations and scans go to one writer: its
		// batches are as large as the rush makes them, instead of
		// several writers each waiting for the activity's row (or the
		// audit head) the others hold. (Scans pinned so took a
		// PostgreSQL check-in rush from 3.6–5.9 s to 3.0–4.1 s.)
		h := fnv.New32a()
		code, _, _ := strings.Cut(j.order, "\x00")
		h.Write([]byte(code))
		err = q.Put(ctx, db, uint64(h.Sum32()), j)
	} else {
		err = q.PutAny(ctx, db, j)
	}
	if err != nil {
		return err
	}
	// Once handed in, the job is answered whatever happens to the caller:
	// a client that went away does not undo what was written.
	return <-j.done
}

// deskWriters is how many batches are written at once. SQLite has one
// writer connection: one batch at a time, the next gathering meanwhile.
// PostgreSQL runs statements of several transactions side by side (and
// groups their commits itself): a single writer would wait on every
// round trip in turn, so a few batches are written at once; they meet
// only at the rows they share, taken in one order (see commit).
func deskWriters(db *sqldb.DB) int {
	if db.Dialect() == sqldb.Postgres {
		return 8
	}
	return 1
}

// commit runs a batch in one transaction and answers each job. It tries
// the batch first without savepoints (two statements less per job, which
// on PostgreSQL are two round trips): a rush is mostly requests that
// succeed — a duplicate scan or a waitlisted place is an answer, not a
// failure. When a job fails, the attempt is rolled back and the batch is
// written again with each job in its own savepoint, so the failure leaves
// nothing of itself and the others go through.
func (q *deskQueue) commit(ctx context.Context, db *sqldb.DB, batch []*deskJob) {
	// Batches written at once take the rows they share (an activity's
	// row, a registration's check-in) in one order: none waits for
	// another that waits for it.
	slices.SortStableFunc(batch, func(a, b *deskJob) int { return strings.Compare(a.order, b.order) })
	results := make([]error, len(batch))
	err := q.attempt(ctx, db, batch, results, false)
	if errors.Is(err, errJobFailed) {
		clear(results)
		err = q.attempt(ctx, db, batch, results, true)
	}
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- sqldb.MapErr(results[i])
		}
	}
}

// errJobFailed ends an attempt without savepoints at a job's failure.
var errJobFailed = errors.New("a job of the batch failed")

func (q *deskQueue) attempt(ctx context.Context, db *sqldb.DB, batch []*deskJob, results []error, savepoints bool) error {
	ctx = context.WithValue(ctx, memoKey{}, &deskMemo{managed: map[managedKey]activityRow{}, lists: map[listKey]checkinList{}})
	err := db.Write(ctx, kexie.SystemActor("activities-desk"), func(tx *sqldb.Tx) error {
		var changes []sqldb.Change
		var actors []kexie.Actor
		done := make([]bool, len(batch))
		if !savepoints {
			// Visitors' registrations for the same activity, side by side
			// in the sorted batch, are written together; so are the scans
			// of one activity.
			for i := 0; i < len(batch); {
				k := i + 1
				for k < len(batch) && sameBulk(batch[i], batch[k]) {
					k++
				}
				if k-i < 2 {
					i++
					continue
				}
				add := func(j *deskJob, c sqldb.Change) {
					changes, actors = append(changes, c), append(actors, j.actor)
				}
				var err error
				if batch[i].bulk != nil {
					err = registerBulk(ctx, tx, batch[i:k], results[i:k], add)
				} else {
					err = checkInBulk(ctx, tx, batch[i:k], results[i:k], add)
				}
				if err != nil {
					return err
				}
				for n := i; n < k; n++ {
					done[n] = true
				}
				i = k
			}
		}
		for i, j := range batch {
			if done[i] {
				continue
			}
			var mine []sqldb.Change
			collect := func(c sqldb.Change) error { mine = append(mine, c); return nil }
			if !savepoints || len(batch) == 1 {
				if err := j.run(ctx, tx.As(j.actor), collect); err != nil {
					if len(batch) == 1 {
						// Alone, its failure is the transaction's.
						return err
					}
					return errJobFailed
				}
			} else {
				if _, err := tx.ExecContext(ctx, `SAVEPOINT desk_job`); err != nil {
					return err
				}
				if err := j.run(ctx, tx.As(j.actor), collect); err != nil {
					results[i], mine = err, nil
					if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT desk_job`); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT desk_job`); err != nil {
					return err
				}
			}
			for _, c := range mine {
				changes, actors = append(changes, c), append(actors, j.actor)
			}
		}
		return tx.AuditMany(ctx, changes, actors)
	})
	if errors.Is(err, errJobFailed) {
		return errJobFailed
	}
	return err
}

// sameBulk tells whether a and b may be written together: visitors'
// registrations for one activity, or scans of one activity.
func sameBulk(a, b *deskJob) bool {
	switch {
	case a.bulk != nil && b.bulk != nil:
		return a.bulk.code == b.bulk.code
	case a.scan != nil && b.scan != nil:
		return a.scan.code == b.scan.code
	}
	return false
}

// deskMemo keeps, for one batch, what its jobs read alike: a rush scans
// the same activity's same list under the same desk accounts, and reading
// the activity, the caller's permission on it and the list once per batch
// instead of once per scan halves a scan's statements. The batch is one
// transaction: what it read at its first scan holds for its last as it
// would inside any transaction. Only what was found is kept.
type deskMemo struct {
	managed map[managedKey]activityRow
	lists   map[listKey]checkinList
}

type memoKey struct{}

type managedKey struct {
	user   int64
	system bool
	code   string
	row    bool // rowOf's row, read for anyone
}

type listKey struct {
	activity int64
	name     string
}

type checkinList struct {
	id     int64
	policy string
}

func memoOf(ctx context.Context) *deskMemo {
	m, _ := ctx.Value(memoKey{}).(*deskMemo)
	return m
}

// rowOnce is rowOf, read once per batch (a registration's checks and the
// place it takes are its own: the place is taken by the conditional
// update, never from what was read).
func rowOnce(ctx context.Context, tx *sqldb.Tx, code string) (activityRow, error) {
	m := memoOf(ctx)
	if m == nil {
		return rowOf(ctx, tx, code)
	}
	k := managedKey{code: code, row: true}
	if a, ok := m.managed[k]; ok {
		return a, nil
	}
	a, err := rowOf(ctx, tx, code)
	if err == nil {
		m.managed[k] = a
	}
	return a, err
}

// managedOnce is managed, read once per batch for the same caller and
// activity.
func managedOnce(ctx context.Context, tx *sqldb.Tx, code string) (activityRow, error) {
	m := memoOf(ctx)
	if m == nil {
		return managed(ctx, tx, code)
	}
	k := managedKey{user: tx.Actor().UserID, system: tx.Actor().System, code: code}
	if a, ok := m.managed[k]; ok {
		return a, nil
	}
	a, err := managed(ctx, tx, code)
	if err == nil {
		m.managed[k] = a
	}
	return a, err
}

package finance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Group commit. Postings that arrive together — a desk issuing receipts,
// dues coming in, scripts recording and approving entries through the
// API — are written together: a writer goroutine runs the postings waiting
// for it in one transaction and commits them at once. A transaction per
// posting made a rush wait on each commit (on SQLite the disk's write, one
// at a time: 122 entries/s from 64 clients; on PostgreSQL the ledger's row
// lock, which every posting to the ledger holds until its commit: 40/s).
//
// What a group shares (group): each ledger's state — its row locked and
// its head, chart and funds read once, at its first posting in the group,
// and kept up to date as each posting changes it — the permission checks
// already made for an actor, and the writes that can wait for the group's
// end: the monthly balances, the receipt series' last numbers, the chain's
// head and the audit entries, each written once per group instead of once
// per posting. Each posting still runs its own checks against that state,
// in the order the postings arrived, exactly as separate transactions
// would one after another: a refused posting gets its own error and leaves
// nothing, the others go through; the same idempotency key twice posts
// once (the second finds the first's entry, in the same transaction);
// receipts are numbered without gaps and the hash chain runs on from one
// posting to the next.
//
// A group is first written without savepoints (two statements less per
// posting; on PostgreSQL two round trips). When a posting fails, that
// attempt is rolled back whole and the group written again with each
// posting under a savepoint of its own: a failure rolls back its own
// work, in the database and in the group's state, and the others go on.
// Each caller returns once its group has committed, with its own answer.
//
// SQLite has one writer: one group at a time, the next gathering
// meanwhile. On PostgreSQL a few writers run side by side, each ledger's
// postings pinned to one of them, so a ledger's postings share a
// transaction rather than queue on its row lock.

// maxGroup bounds the postings one transaction carries.
const maxGroup = 128

// postFn is a posting's work in a group's transaction: tx acts for the
// caller; g is the group's shared state.
type postFn func(ctx context.Context, tx *sqldb.Tx, g *group) error

type groupJob struct {
	actor kexie.Actor
	fn    postFn
	done  chan error
	// key: the idempotency key the posting's entry would carry in ledger
	// org ("" none), read for the whole group at once (keyUnused).
	org int64
	key string
}

// grouper is the service's group writers (sqldb.Batcher), started at the
// first posting and stopped when the database closes.
type grouper = sqldb.Batcher[groupJob]

func newGrouper(svc *Service) *grouper {
	return sqldb.NewBatcher(maxGroup, groupWriters,
		func(ctx context.Context, batch []groupJob) { svc.commitGroup(ctx, batch) },
		func(j groupJob) { j.done <- sqldb.ErrBatcherClosed })
}

// groupWriters is how many groups are written at once: SQLite has one
// writer connection; PostgreSQL writes several transactions side by side,
// and postings to different ledgers need not wait for each other.
func groupWriters(db *sqldb.DB) int {
	if db.Dialect() == sqldb.Postgres {
		return 4
	}
	return 1
}

// grouped runs fn in a group's transaction and returns its outcome once
// the group has committed. pin tells which ledger the posting writes to
// (asked only when there are several writers): a ledger's postings go to
// one writer, so groups written at once never wait for each other's ledger
// rows. The ledger's row lock still puts its postings one after another
// whatever the answer: a wrong one (a member moved to another organisation
// between the pin and the posting) costs speed, at worst a deadlock
// PostgreSQL breaks by failing one of the groups (its callers get
// err.unavailable, to try again).
func (svc *Service) grouped(ctx context.Context, actor kexie.Actor, pin func() int64, fn postFn) error {
	return svc.enqueue(ctx, pin, groupJob{actor: actor, fn: fn})
}

// groupedKeyed is grouped for a posting to ledger orgID whose entry
// carries an idempotency key: the group reads which of its postings' keys
// the ledger holds, in one query, and a posting may skip its own look-up
// (keyUnused).
func (svc *Service) groupedKeyed(ctx context.Context, actor kexie.Actor, orgID int64, key string, fn postFn) error {
	return svc.enqueue(ctx, pinned(orgID), groupJob{actor: actor, fn: fn, org: orgID, key: key})
}

func (svc *Service) enqueue(ctx context.Context, pin func() int64, j groupJob) error {
	var ledger int64
	if groupWriters(svc.db) > 1 {
		ledger = pin()
	}
	j.done = make(chan error, 1)
	if err := svc.group.Put(ctx, svc.db, uint64(ledger), j); err != nil {
		return err
	}
	// Once handed in, the job is in a transaction that may commit: wait
	// for its outcome whatever the caller's context does.
	return <-j.done
}

// pinned is a pin for a posting whose ledger is known.
func pinned(orgID int64) func() int64 { return func() int64 { return orgID } }

// errJobFailed ends an attempt without savepoints at a posting's failure.
var errJobFailed = errors.New("a posting of the group failed")

func (svc *Service) commitGroup(ctx context.Context, batch []groupJob) {
	results := make([]error, len(batch))
	err := svc.attemptGroup(ctx, batch, results, false)
	if errors.Is(err, errJobFailed) {
		clear(results)
		err = svc.attemptGroup(ctx, batch, results, true)
	}
	for i, j := range batch {
		if err != nil {
			j.done <- err
		} else {
			j.done <- results[i]
		}
	}
}

// attemptGroup writes a group in one transaction. Alone, a posting's
// error is the transaction's.
func (svc *Service) attemptGroup(ctx context.Context, batch []groupJob, results []error, savepoints bool) error {
	g := &group{svc: svc, batch: batch, ledgers: map[int64]*state{}, allowed: map[allowKey]string{}, held: map[idemKey]bool{}}
	audits := &sqldb.AuditQueue{}
	return svc.db.Write(ctx, kexie.SystemActor("finance.group"), func(tx *sqldb.Tx) error {
		qtx := tx.Queued(audits)
		for i, j := range batch {
			g.current = i
			jtx := qtx.As(j.actor)
			if !savepoints {
				if err := safely(j.fn)(ctx, jtx, g); err != nil {
					if len(batch) == 1 {
						return err
					}
					return errJobFailed
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT posting`); err != nil {
				return err
			}
			g.marks, g.audits = map[int64]*ledgerMark{}, audits.Len()
			if err := safely(j.fn)(ctx, jtx, g); err != nil {
				results[i] = sqldb.MapErr(err)
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT posting`); err != nil {
					return err
				}
				g.rollBack()
				audits.Truncate(g.audits)
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT posting`); err != nil {
				return err
			}
		}
		g.marks = nil
		if err := g.flush(ctx, tx); err != nil {
			return err
		}
		return audits.Append(ctx, tx)
	})
}

// safely turns a panic of one posting into its error, so the goroutine
// that runs the groups goes on for the others.
func safely(fn postFn) postFn {
	return func(ctx context.Context, tx *sqldb.Tx, g *group) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("posting panicked: %v", r)
			}
		}()
		return fn(ctx, tx, g)
	}
}

// group is what the postings of one transaction share.
type group struct {
	svc     *Service
	batch   []groupJob
	current int                 // the posting running
	held    map[idemKey]bool    // the postings' keys the ledgers held when loaded
	ledgers map[int64]*state    // by organisation, loaded at its first posting
	allowed map[allowKey]string // permissions found held: the organisation's code
	// marks: with savepoints, each ledger's state as the running posting
	// found it (nil: loaded by that posting), to go back to when it fails.
	marks  map[int64]*ledgerMark
	audits int // the audit entries queued before the running posting
}

type idemKey struct {
	org int64
	key string
}

// keyUnused tells the running posting that its idempotency key is used
// nowhere: its ledger did not hold it when the group loaded it (under its
// lock: nothing else writes the ledger meanwhile), and no posting before
// it in the group carried it. Otherwise it looks the key up itself, in
// the transaction, and finds what an earlier posting wrote with it.
func (g *group) keyUnused() bool {
	j := g.batch[g.current]
	k := idemKey{j.org, j.key}
	if j.key == "" || g.held[k] {
		return false
	}
	for _, o := range g.batch[:g.current] {
		if o.org == j.org && o.key == j.key {
			return false
		}
	}
	return true
}

// readKeys notes which of the group's postings' keys ledger orgID holds,
// in queries of a power of two keys (a few texts, each kept prepared),
// the last key repeated to fill one.
func (g *group) readKeys(ctx context.Context, tx *sqldb.Tx, orgID int64) error {
	var keys []string
	for _, j := range g.batch {
		if j.org == orgID && j.key != "" {
			keys = append(keys, j.key)
		}
	}
	for len(keys) > 0 {
		n := 1
		for n < len(keys) && n < maxGroup {
			n *= 2
		}
		chunk := keys[:min(n, len(keys))]
		keys = keys[len(chunk):]
		args := []any{orgID}
		arg := sqldb.Args(&args)
		var in strings.Builder
		for i := range n {
			if i > 0 {
				in.WriteString(", ")
			}
			in.WriteString(arg(chunk[min(i, len(chunk)-1)]))
		}
		rows, err := tx.QueryContext(ctx, `SELECT idem_key FROM ledger_entries WHERE org_id = $1 AND idem_key IN (`+in.String()+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			g.held[idemKey{orgID, k}] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

type allowKey struct {
	user   int64
	system bool
	p      kexie.Permission
	org    int64
}

type ledgerMark struct {
	head    Head
	balance map[int64]kexie.Money
	def     *deferred
}

// org checks that tx's actor holds p on organisation orgID, as ledgerOrg,
// once per actor in a group: a grant taken away meanwhile counts from the
// next group (a transaction sees one state of the grants anyway).
func (g *group) org(ctx context.Context, tx *sqldb.Tx, orgID int64, p kexie.Permission) (string, error) {
	a := tx.Actor()
	k := allowKey{a.UserID, a.System, p, orgID}
	if code := g.allowed[k]; code != "" { // "": not checked, or by check
		return code, nil
	}
	code, err := ledgerOrg(ctx, tx, orgID, p)
	if err == nil {
		g.allowed[k] = code
	}
	return code, err
}

// check is tx.Check(tx.Actor(), p, orgID, notFound), once per actor in a
// group.
func (g *group) check(ctx context.Context, tx *sqldb.Tx, orgID int64, p kexie.Permission, notFound error) error {
	a := tx.Actor()
	k := allowKey{a.UserID, a.System, p, orgID}
	if _, ok := g.allowed[k]; ok {
		return nil
	}
	err := tx.Check(ctx, a, p, orgID, notFound)
	if err == nil {
		g.allowed[k] = ""
	}
	return err
}

// ledger is the state of an organisation's ledger in the group, loaded
// (its row locked) at its first posting. code "" is looked up.
func (g *group) ledger(ctx context.Context, tx *sqldb.Tx, orgID int64, code string) (*state, error) {
	st, ok := g.ledgers[orgID]
	if ok {
		if g.marks != nil {
			if _, marked := g.marks[orgID]; !marked {
				g.marks[orgID] = &ledgerMark{head: st.head, balance: clone(st.balance), def: st.def.clone()}
			}
		}
		return st, nil
	}
	if code == "" {
		if err := tx.QueryRowContext(ctx, `SELECT code FROM orgs WHERE id = $1`, orgID).Scan(&code); err != nil {
			return nil, err
		}
	}
	st, err := g.svc.loadState(ctx, tx, orgID, code)
	if err != nil {
		return nil, err
	}
	if err := g.readKeys(ctx, tx, orgID); err != nil {
		return nil, err
	}
	st.def = &deferred{balances: map[balanceKey][2]kexie.Money{}, series: map[seriesKey]int64{}}
	g.ledgers[orgID] = st
	if g.marks != nil {
		g.marks[orgID] = nil
	}
	return st, nil
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// rollBack puts the ledgers the failed posting touched back as it found
// them. One it loaded is forgotten: its lock and its row went back with
// the savepoint, and the next posting loads it again. Balances the posting
// wrote out for an earlier posting (flushBalances) are waiting again, as
// the savepoint undid their writing too.
func (g *group) rollBack() {
	for id, m := range g.marks {
		if m == nil {
			delete(g.ledgers, id)
			continue
		}
		st := g.ledgers[id]
		st.head, st.balance, st.def = m.head, m.balance, m.def
	}
}

// flush writes what the group's postings left waiting, ledger by ledger.
func (g *group) flush(ctx context.Context, tx *sqldb.Tx) error {
	ids := make([]int64, 0, len(g.ledgers))
	for id := range g.ledgers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := g.ledgers[id].flushDeferred(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// deferred is what a group's postings to one ledger changed and did not
// write yet: the monthly balances (summed), the last number taken in each
// receipt series, whether the head moved. Nothing a posting reads is
// among them without being written first: a restricted fund's balance read
// from the database writes the balances first (flushBalances); the series
// and the head are read from here.
type deferred struct {
	balances map[balanceKey][2]kexie.Money
	order    []balanceKey
	series   map[seriesKey]int64
	sorder   []seriesKey
	moved    bool
}

type seriesKey struct {
	series string
	year   int
}

func (d *deferred) clone() *deferred {
	if d == nil {
		return nil
	}
	return &deferred{balances: clone(d.balances), order: slices.Clone(d.order), series: clone(d.series), sorder: slices.Clone(d.sorder), moved: d.moved}
}

// addBalance adds a posting's sum for one month, account and fund.
func (d *deferred) addBalance(k balanceKey, s [2]kexie.Money) {
	b, seen := d.balances[k]
	if !seen {
		d.order = append(d.order, k)
	}
	d.balances[k] = [2]kexie.Money{b[0] + s[0], b[1] + s[1]}
}

// flushBalances writes the balances that wait.
func (st *state) flushBalances(ctx context.Context, tx *sqldb.Tx) error {
	d := st.def
	for _, k := range d.order {
		s := d.balances[k]
		if _, err := tx.ExecContext(ctx, upsertBalance, st.orgID, k.month, k.account, k.fund, k.closing, s[0], s[1]); err != nil {
			return err
		}
	}
	d.balances, d.order = map[balanceKey][2]kexie.Money{}, nil
	return nil
}

// flushDeferred writes everything that waits: balances, series, head.
func (st *state) flushDeferred(ctx context.Context, tx *sqldb.Tx) error {
	if err := st.flushBalances(ctx, tx); err != nil {
		return err
	}
	d := st.def
	for _, k := range d.sorder {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_receipt_series (org_id, series, year, last) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, series, year) DO UPDATE SET last = excluded.last`, st.orgID, k.series, k.year, d.series[k]); err != nil {
			return err
		}
	}
	d.series, d.sorder = map[seriesKey]int64{}, nil
	if d.moved {
		if _, err := tx.ExecContext(ctx, `UPDATE ledgers SET seq = $1, head_hash = $2 WHERE org_id = $3`, st.head.Seq, st.head.Hash, st.orgID); err != nil {
			return err
		}
		d.moved = false
	}
	return nil
}

// nextNumber takes the next number of a receipt series for the ledger (whose
// row the transaction has locked, so numbers are taken one at a time). In
// a group the last number is read once and counted here, written at the
// group's end; a posting that fails gives its number back with the rest
// of its state (rollBack), so the series has no gaps.
func (st *state) nextNumber(ctx context.Context, tx *sqldb.Tx, series string, year int) (int64, error) {
	if st.def == nil {
		var n int64
		err := tx.QueryRowContext(ctx, `INSERT INTO ledger_receipt_series (org_id, series, year, last) VALUES ($1, $2, $3, 1)
			ON CONFLICT (org_id, series, year) DO UPDATE SET last = ledger_receipt_series.last + 1 RETURNING last`, st.orgID, series, year).Scan(&n)
		return n, err
	}
	k := seriesKey{series, year}
	n, ok := st.def.series[k]
	if !ok {
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last), 0) FROM ledger_receipt_series WHERE org_id = $1 AND series = $2 AND year = $3`,
			st.orgID, series, year).Scan(&n)
		if err != nil {
			return 0, err
		}
		st.def.sorder = append(st.def.sorder, k)
	}
	st.def.series[k] = n + 1
	return n + 1, nil
}

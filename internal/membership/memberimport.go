package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// MemberImportOptions tune ImportMembers.
type MemberImportOptions struct {
	DryRun bool
	// Progress, when set, is called after each batch with the number of
	// rows written so far.
	Progress func(done int)
	// Source names the file, for the audit log.
	Source string
	// Timing, when set, receives where the writing time went.
	Timing *ImportTiming
}

// ImportTiming splits a bulk import's database time: writing new rows in
// bulk (multi-row INSERT or COPY) and building the indexes put off until
// the end.
type ImportTiming struct {
	Writing, Indexing time.Duration
}

// MemberSource feeds ImportMembers: it calls emit with every checked row
// (sealed with SealMember), in file order, and returns when it is done or
// emit fails. It runs on a goroutine of its own, so reading, checking and
// sealing (one core) overlap writing (the other).
type MemberSource func(emit func(kexie.MemberRecord) error) error

// MemberRecords is a source over rows in memory, sealing each and marking
// documents already seen on an earlier row.
func MemberRecords(rows []kexie.MemberRecord, sl *seal.Sealer) MemberSource {
	return func(emit func(kexie.MemberRecord) error) error {
		first := map[string]int{}
		for i, m := range rows {
			if err := SealMember(&m, sl); err != nil {
				return err
			}
			if m.IDHash != "" {
				if p, seen := first[m.IDHash]; seen {
					m.IDFirst = p
				} else {
					first[m.IDHash] = i + 1
				}
			}
			if err := emit(m); err != nil {
				return err
			}
		}
		return nil
	}
}

// SealMember fills a row's sealed identity number, its keyed hash and its
// masked form. A row with a number and no sealer is an error: the number
// is never stored in clear.
func SealMember(m *kexie.MemberRecord, sl *seal.Sealer) error {
	if m.IDNumber == "" {
		return nil
	}
	if sl == nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
	}
	var err error
	m.IDHash = sl.Hash(m.IDKey())
	m.IDSealed, err = sl.Seal(m.IDNumber)
	m.IDMasked = kexie.MaskID(m.IDType, m.IDNumber)
	return err
}

// importBatch is how many rows travel from the reader to the writer at a
// time and how many new rows the writer holds before writing them.
const importBatch = 512

// ImportMembers upserts memberships by (org_code, member_no) in one
// transaction, reading rows from src while it writes. A row without
// member_no matches the organisation's member with the same identity
// document (or, without one, the same name, birth date, e-mail and phone),
// else gets the next number. A row is rejected when its organisation does
// not exist (or is outside the importing user's subtrees), or its identity document is
// already another member's in that organisation. The same person across
// organisations is one holder (matched by identity document).
//
// Rows new to an organisation that held no members when the import began
// take the fast path: no lookups, written in bulk. Everything else is
// looked up, a batch of rows at a time where it can (import_lookup.go),
// and updates are written at the end of each batch. Updates are audited
// one by one with before and after; creations with one entry per
// organisation (how many, which ids, from which file) rather than a
// million entries for a million rows.
func (svc *Service) ImportMembers(ctx context.Context, actor kexie.Actor, src MemberSource, opt MemberImportOptions) (kexie.ImportOutcome, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []kexie.MemberRecord, 4)
	srcDone := make(chan error, 1)
	go func() {
		defer close(batches)
		batch := make([]kexie.MemberRecord, 0, importBatch)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]kexie.MemberRecord, 0, importBatch)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := src(func(m kexie.MemberRecord) error {
			if batch = append(batch, m); len(batch) == importBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		srcDone <- err
	}()
	var out kexie.ImportOutcome
	srcErr := error(nil)
	srcRead := false
	err := svc.db.BulkWrite(ctx, actor, opt.DryRun, func(tx *sqldb.Tx) error {
		w, err := newMemberWriter(ctx, tx, opt, &out)
		if err != nil {
			return err
		}
		defer w.close()
		done := 0
		for batch := range batches {
			if err := w.orgsOf(batch); err != nil {
				return err
			}
			if err := w.prefetch(batch); err != nil {
				return err
			}
			for _, m := range batch {
				if err := w.row(m); err != nil {
					return err
				}
			}
			if err := w.endBlock(); err != nil {
				return err
			}
			done += len(batch)
			if opt.Progress != nil {
				opt.Progress(done)
			}
		}
		srcErr, srcRead = <-srcDone, true
		if srcErr != nil {
			return srcErr
		}
		return w.finish()
	})
	// The reader stops when the writer has failed; wait for it, so the
	// caller may close what it reads.
	cancel()
	for range batches {
	}
	if !srcRead {
		srcErr = <-srcDone
	}
	if err == nil {
		err = srcErr
	}
	if err != nil && srcErr != nil && !errors.Is(srcErr, context.Canceled) {
		err = srcErr
	}
	sort.Slice(out.Rejected, func(i, j int) bool { return out.Rejected[i].Line < out.Rejected[j].Line })
	return out, err
}

// importOrg is what an import knows of one organisation it writes to.
type importOrg struct {
	id        int64
	code      string
	refusal   string // why its rows are rejected, if they are
	fresh     bool   // it held no memberships when the import began
	generated bool   // the import has assigned it a member number
	// lookup: a fresh organisation whose numbers are looked up in the
	// table rather than kept in memory (the file gave one too large).
	lookup  bool
	created int
	firstID int64
	lastID  int64
	// nextNo…lastNo: sequence numbers taken from the counter in a block
	// and not yet given (block: how many the last block took); issuedFrom:
	// the first this import took. given: the sequence numbers the file
	// gave in the counter's form, a bit each (fresh organisations).
	nextNo, lastNo, block, issuedFrom int64
	given                             []uint64
}

type memberWriter struct {
	ctx          context.Context
	tx           *sqldb.Tx
	editScope    *sqldb.Scope // where the actor may write memberships, read once (mayEditPerson)
	opt          MemberImportOptions
	out          *kexie.ImportOutcome
	orgs         map[string]*importOrg
	touched      []*importOrg
	peopleHadIDs bool
	// fresh: the import began on an empty register, so every holder and
	// membership it can match is one it wrote itself, and the maps below
	// answer instead of indexes (which SQLite then builds once, at the end,
	// by sorting, instead of row by row).
	fresh   bool
	holders []int64             // by the position of a document's first row: its holder
	unnamed map[[2]uint64]int64 // in fresh organisations: org, name, birth, e-mail, phone of a member without document → membership
	// firstMember is the first membership id this import allocated (0:
	// none yet): ids from it on were written by this import. matched are
	// the stored memberships earlier rows matched (unchanged or updated).
	firstMember int64
	matched     map[int64]bool
	seed        maphash.Seed
	pos         int // rows received
	flushAt     int // pending new rows that make a write
	jobs        chan [3][][]any
	inflight    sync.WaitGroup
	flushed     chan struct{}
	failed      atomic.Pointer[error]
	writing     atomic.Int64 // nanoseconds spent writing batches
	// connMu: on PostgreSQL the flusher's COPY and the writer's lookups
	// share one connection, which takes one command at a time. (A
	// lookup that must see pending rows flushes first and waits anyway.)
	connMu sync.Mutex
	// look: the stored members, holders and memberships a block of rows
	// asked for at once (import_lookup.go); the dirty sets: what this
	// import has changed since (keys it numbered, documents whose holder
	// it made or changed, people it changed or gave a membership), which
	// the block's answers no longer tell. stmts, audits: updates queued
	// for the block's one pipeline.
	look        *blockLook
	dirtyNo     map[orgNo]bool
	dirtyHash   map[string]bool
	dirtyPerson map[int64]bool
	stmts       []sqldb.Stmt
	audits      []sqldb.Change

	deferred  *sqldb.DeferredIndexes
	personIDs sqldb.IDAllocator
	memberIDs sqldb.IDAllocator
	eventIDs  sqldb.IDAllocator // PostgreSQL, whose events go with their memberships
	people    *sqldb.BulkWriter
	members   *sqldb.BulkWriter
	events    *sqldb.BulkWriter
}

var (
	bulkPeople = sqldb.BulkTable{Name: "people", Cols: []string{"id", "name", "name_en", "pinyin", "search_key", "initials", "gender", "birth_date", "nationality",
		"id_type", "id_sealed", "id_hash", "id_masked", "discipline", "title", "employer", "front_line", "email", "phone", "credit_code", "contact_person"},
		Shared: []string{"created_at", "updated_at"}}
	bulkMemberships = sqldb.BulkTable{Name: "memberships", Cols: []string{"id", "org_id", "person_id", "member_no", "type", "status", "joined",
		"last_dues_paid", "last_activity"}, Shared: []string{"created_at", "updated_at"}}
	bulkEvents = sqldb.BulkTable{Name: "membership_events", Cols: []string{"membership_id", "status"},
		Shared: []string{"happened", "reason", "actor", "created_at"}}
	// bulkEventsWithIDs: a first load on PostgreSQL gives the events ids it
	// claimed (IDAllocator.Locked) rather than have COPY draw each one.
	bulkEventsWithIDs = sqldb.BulkTable{Name: "membership_events", Cols: append([]string{"id"}, bulkEvents.Cols...), Shared: bulkEvents.Shared}
)

func newMemberWriter(ctx context.Context, tx *sqldb.Tx, opt MemberImportOptions, out *kexie.ImportOutcome) (_ *memberWriter, err error) {
	w := &memberWriter{ctx: ctx, tx: tx, opt: opt, out: out, orgs: map[string]*importOrg{},
		personIDs: sqldb.NewIDAllocator(tx, "people"), memberIDs: sqldb.NewIDAllocator(tx, "memberships"),
		eventIDs: sqldb.NewIDAllocator(tx, "membership_events")}
	if tx.Conn() != nil {
		// Before deferIndexes locks the tables (sqldb.IDAllocator says why).
		var seq *sql.Conn
		if seq, err = tx.DB().Writer().Conn(ctx); err != nil {
			return nil, err
		}
		w.personIDs.Seq, w.memberIDs.Seq, w.eventIDs.Seq = seq, seq, seq
		defer func() {
			if err != nil {
				seq.Close()
			}
		}()
	}
	const held = `SELECT EXISTS (SELECT 1 FROM people WHERE id_hash <> ''), NOT EXISTS (SELECT 1 FROM people)`
	inTx := func() (bool, error) {
		err := tx.QueryRowContext(ctx, held).Scan(&w.peopleHadIDs, &w.fresh)
		return w.fresh, err
	}
	if tx.Conn() == nil {
		// SQLite: the transaction already holds every other writer off.
		if _, err := inTx(); err != nil {
			return nil, err
		}
	} else {
		// PostgreSQL: a first look outside the transaction (on seq): a
		// read inside it would hold a lock on people that a first load
		// begun meanwhile, dropping its indexes, would wait for while
		// this one waits for its lock — a deadlock. A first load then
		// keeps every other writer out of the member tables until it
		// commits (its ids are claimed from the sequences a block at a
		// time) and looks again under the lock: another load or a writer
		// may have come between, and then it goes on as an import into a
		// register that holds members, unlocked.
		if err := w.personIDs.Seq.QueryRowContext(ctx, held).Scan(&w.peopleHadIDs, &w.fresh); err != nil {
			return nil, err
		}
		// (A register that holds members stays so: people are never
		// deleted. Its first look is not made again: when no one holds an
		// identity hash, it is a scan of people.)
		if w.fresh {
			if w.fresh, err = tx.LockForLoad(ctx, inTx, "people", "memberships", "membership_events"); err != nil {
				return nil, err
			}
		}
		w.personIDs.Locked, w.memberIDs.Locked, w.eventIDs.Locked = w.fresh, w.fresh, w.fresh
	}
	if w.fresh {
		w.holders = make([]int64, 0, 1024)
		d, err := sqldb.DeferIndexes(ctx, tx, "people", "memberships", "membership_events")
		if err != nil {
			return nil, err
		}
		w.deferred = d
	}
	// Each COPY costs a round trip and a look at the table's columns: on
	// PostgreSQL fewer, larger writes.
	w.flushAt = importBatch
	if tx.Conn() != nil {
		w.flushAt = 16 * importBatch
	}
	w.unnamed, w.seed, w.matched = map[[2]uint64]int64{}, maphash.MakeSeed(), map[int64]bool{}
	w.dirtyNo, w.dirtyHash, w.dirtyPerson = map[orgNo]bool{}, map[string]bool{}, map[int64]bool{}
	w.jobs, w.flushed = make(chan [3][][]any, 2), make(chan struct{})
	go w.flusher()
	w.people = sqldb.NewBulkWriter(tx, bulkPeople, tx.Now(), tx.Now())
	w.members = sqldb.NewBulkWriter(tx, bulkMemberships, tx.Now(), tx.Now())
	events := bulkEvents
	if w.eventIDs.Locked {
		events = bulkEventsWithIDs
	}
	w.events = sqldb.NewBulkWriter(tx, events, kexie.Today(tx.Now()).String(), kexie.EventReason("event.import"), tx.Actor().Username, tx.Now())
	return w, nil
}

// close stops the flusher (after what it was given) and closes the
// statements; the transaction ends after that.
func (w *memberWriter) close() {
	close(w.jobs)
	<-w.flushed
	w.people.Close()
	w.members.Close()
	w.events.Close()
	if w.personIDs.Seq != nil {
		w.personIDs.Seq.Close()
	}
}

// submit hands the pending new rows to the flusher and goes on: the
// database writes one batch while the next is prepared.
func (w *memberWriter) submit() error {
	if err := w.flushErr(); err != nil {
		return err
	}
	if w.people.Pending()+w.members.Pending()+w.events.Pending() == 0 {
		return nil
	}
	job := [3][][]any{w.people.Take(), w.members.Take(), w.events.Take()}
	w.inflight.Add(1)
	w.jobs <- job
	return nil
}

// flush writes the pending new rows and waits until they are written, so
// that a query sees them.
func (w *memberWriter) flush() error {
	if err := w.submit(); err != nil {
		return err
	}
	w.inflight.Wait()
	if err := w.flushErr(); err != nil {
		return err
	}
	return w.drain()
}

// flusher writes the submitted batches in order, parents first, on a
// goroutine of its own.
func (w *memberWriter) flusher() {
	defer close(w.flushed)
	for job := range w.jobs {
		w.write(job)
		w.inflight.Done()
	}
}

// write writes one batch of new rows, parents first; the first failure
// stops every later write.
func (w *memberWriter) write(job [3][][]any) {
	if w.flushErr() != nil {
		return
	}
	// A PostgreSQL connection takes one command at a time.
	w.connMu.Lock()
	defer w.connMu.Unlock()
	start := time.Now()
	defer func() { w.writing.Add(int64(time.Since(start))) }()
	for i, b := range []*sqldb.BulkWriter{w.people, w.members, w.events} {
		if err := b.Write(w.ctx, job[i]); err != nil {
			w.failed.CompareAndSwap(nil, &err)
			return
		}
	}
}

func (w *memberWriter) flushErr() error {
	if e := w.failed.Load(); e != nil {
		return *e
	}
	return nil
}

func (w *memberWriter) reject(m kexie.MemberRecord, reason string) {
	w.out.Rejected = append(w.out.Rejected, kexie.Rejection{Line: m.Line, Code: m.MemberNo, Reason: reason})
}

// warn notes a row that was taken but not all of it.
func (w *memberWriter) warn(m kexie.MemberRecord, reason string) {
	w.out.Warnings = append(w.out.Warnings, kexie.Rejection{Line: m.Line, Code: m.MemberNo, Reason: reason})
}

// org resolves an organisation code once per import.
func (w *memberWriter) org(code string) (*importOrg, error) {
	if o, ok := w.orgs[code]; ok {
		return o, nil
	}
	o := &importOrg{code: code}
	w.orgs[code] = o
	w.connMu.Lock()
	defer w.connMu.Unlock()
	err := w.tx.QueryRowContext(w.ctx, `SELECT id FROM orgs WHERE code = $1`, code).Scan(&o.id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		o.refusal = "unknown org_code " + code
		return o, nil
	case err != nil:
		return nil, err
	}
	if a := w.tx.Actor(); !a.IsSystem() {
		ok, err := w.tx.Can(w.ctx, a.UserID, kexie.PermMembershipWrite, o.id)
		if err != nil {
			return nil, err
		}
		if !ok {
			o.refusal = "not permitted: outside the organisations you may change"
			return o, nil
		}
	}
	if w.fresh {
		// An empty register: every organisation is fresh. (And the query
		// would scan: a first load has put off the indexes on org_id.)
		o.fresh = true
		return o, nil
	}
	var held bool
	if err := w.tx.QueryRowContext(w.ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1)`, o.id).Scan(&held); err != nil {
		return nil, err
	}
	o.fresh = !held
	return o, nil
}

func (w *memberWriter) row(m kexie.MemberRecord) error {
	w.pos++
	if w.fresh {
		w.holders = append(w.holders, 0)
	}
	o, err := w.org(m.OrgCode)
	if err != nil {
		return err
	}
	if o.refusal != "" {
		w.reject(m, o.refusal)
		return nil
	}
	if m.IDNumber != "" && m.IDHash == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
	}
	if o.fresh {
		return w.freshRow(o, m)
	}
	return w.slowRow(o, m)
}

// freshRow handles a row for an organisation that held no members when
// the import began: only the file's own earlier rows can match, and the
// reading side has rejected those with the same number or document, so
// nothing is looked up but the holder of a document seen before. Numbers
// are kept in memory: the ones the organisation's counter gave out, and
// the ones the file gave in the counter's own form (CODE-000123), the only
// ones an assigned number could collide with.
func (w *memberWriter) freshRow(o *importOrg, m kexie.MemberRecord) error {
	if m.MemberNo != "" && o.lookup && o.generated {
		// A number too large to keep in memory came before: numbers are
		// looked up in the table.
		return w.slowRow(o, m)
	}
	if m.MemberNo == "" && m.IDHash == "" {
		k := w.unnamedKey(o.id, m)
		if _, dup := w.unnamed[k]; dup {
			w.reject(m, "the same member (name, birth date, e-mail and phone) as an earlier row of this file")
			return nil
		}
	}
	switch {
	case m.MemberNo == "" && o.lookup:
		// The number to assign must not be one a row of the file carries:
		// those written, looked up by their index.
		if err := w.keys(); err != nil {
			return err
		}
		if err := w.giveBack(o); err != nil {
			return err
		}
		no, err := nextMemberNo(w.ctx, w.tx, o.id)
		if err != nil {
			return err
		}
		m.MemberNo, o.generated = no, true
	case m.MemberNo == "":
		no, err := w.counted(o)
		if err != nil {
			return err
		}
		m.MemberNo, o.generated = no, true
	case !o.lookup:
		if n, ok := counterSeq(o.code, m.MemberNo); ok {
			if o.issued(n) {
				w.reject(m, "the same member "+m.MemberNo+" as an earlier row of this file")
				return nil
			}
			if !o.give(n) {
				o.lookup = true
			}
		}
	}
	var personID int64
	if m.IDHash != "" && (w.fresh || w.peopleHadIDs || m.IDFirst > 0) {
		var err error
		if personID, err = w.person(m); err != nil {
			return err
		}
	}
	return w.create(o, m, personID)
}

// counterSeq reads a member number written the way the organisation's
// counter writes them (memberNo) and returns its sequence number.
func counterSeq(code, no string) (int64, bool) {
	rest, ok := strings.CutPrefix(no, code+"-")
	if !ok || len(rest) < 6 || len(rest) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n < 0 || memberNo(code, n) != no {
		return 0, false
	}
	return n, true
}

// maxGiven bounds the sequence numbers a fresh organisation keeps in
// memory (a bit each: 2 MiB at most); past it numbers are looked up.
const maxGiven = 1 << 24

// give notes that the file gave the sequence number n in the counter's
// form, so that the counter skips it; false when n is too large to keep.
func (o *importOrg) give(n int64) bool {
	if n >= maxGiven {
		return false
	}
	for int64(len(o.given)) <= n>>6 {
		o.given = append(o.given, 0)
	}
	o.given[n>>6] |= 1 << (n & 63)
	return true
}

func (o *importOrg) isGiven(n int64) bool {
	return n >= 0 && n>>6 < int64(len(o.given)) && o.given[n>>6]&(1<<(n&63)) != 0
}

// issued reports whether the counter gave n to a row of this import.
func (o *importOrg) issued(n int64) bool {
	return o.issuedFrom != 0 && n >= o.issuedFrom && n < o.nextNo && !o.isGiven(n)
}

// counted gives the organisation's next number from its counter, passing
// over those the file gave, taken in blocks (16 at first, doubling up to
// 4,096): on PostgreSQL each move of the counter is a round trip waiting
// for the COPY on the same connection, and a new version of the counter's
// row that every later move walks past until the commit (a million moves
// one by one take quadratic time).
func (w *memberWriter) counted(o *importOrg) (string, error) {
	for {
		if o.nextNo == 0 || o.nextNo > o.lastNo {
			o.block = min(max(2*o.block, 16), 4096)
			w.connMu.Lock() // the connection may be in the middle of a COPY
			first, err := reserveMemberNos(w.ctx, w.tx, o.id, o.block)
			w.connMu.Unlock()
			if err != nil {
				return "", err
			}
			if o.issuedFrom == 0 {
				o.issuedFrom = first
			}
			o.nextNo, o.lastNo = first, first+o.block-1
		}
		n := o.nextNo
		o.nextNo++
		if !o.isGiven(n) {
			return memberNo(o.code, n), nil
		}
	}
}

// giveBack sets the organisation's counter back to the first number of
// its block not given, so that numbers stay without gaps. (The counter's
// row is this transaction's since it took the block: no one else moved
// it.) The connection must be free: after a flush.
func (w *memberWriter) giveBack(o *importOrg) error {
	if o.nextNo == 0 || o.nextNo > o.lastNo {
		return nil
	}
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE member_counters SET next_no = $1 WHERE org_id = $2`, o.nextNo, o.id); err != nil {
		return err
	}
	o.nextNo, o.lastNo = 0, -1
	return nil
}

// keys writes the pending rows and makes sure members can be looked up by
// organisation and number: a first load on PostgreSQL puts the UNIQUE
// constraint off with the indexes, and adds it back (one sort of the rows
// so far) the first time a row needs such a lookup — a number given after
// the import numbered rows of its own, or a number to assign where the
// file gave some.
func (w *memberWriter) keys() error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.deferred.RestoreKeys(w.ctx)
}

// holder finds the person holding the row's document: in a fresh import
// from the row that brought the document first, else through the index.
func (w *memberWriter) holder(m kexie.MemberRecord) (int64, error) {
	if w.fresh {
		return w.holders[w.docSlot(m)], nil
	}
	if id, ok := w.lookHolder(m.IDHash); ok {
		return id, nil
	}
	if err := w.flush(); err != nil {
		return 0, err
	}
	var id int64
	err := w.tx.QueryRowContext(w.ctx, `SELECT id FROM people WHERE id_hash = $1 ORDER BY id LIMIT 1`, m.IDHash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// docSlot is where a fresh import keeps the holder of a row's document:
// at the position of the document's first row.
func (w *memberWriter) docSlot(m kexie.MemberRecord) int {
	if m.IDFirst > 0 && m.IDFirst <= len(w.holders) {
		return m.IDFirst - 1
	}
	return w.pos - 1
}

// unnamedKey identifies a member without document the way the import
// matches one (org, name, birth date, e-mail, phone), as a 128-bit hash.
func (w *memberWriter) unnamedKey(orgID int64, m kexie.MemberRecord) [2]uint64 {
	var k [2]uint64
	for i := range k {
		var h maphash.Hash
		h.SetSeed(w.seed)
		h.WriteByte(byte(i))
		h.WriteString(strconv.FormatInt(orgID, 10) + "\x00" + m.Name)
		for _, c := range []struct{ col, v string }{{"birth_date", m.BirthDate}, {"email", m.Email}, {"phone", m.Phone}} {
			if m.Has == nil || m.Has[c.col] {
				h.WriteString("\x00" + c.col + "=" + c.v)
			}
		}
		k[i] = h.Sum64()
	}
	return k
}

// person finds the holder of the row's identity document, written before
// or earlier in this import. A holder an earlier row of this file wrote
// keeps what that row said (a later row that says otherwise is a
// warning); one from before the import is brought up to date with the
// row's columns, audited.
func (w *memberWriter) person(m kexie.MemberRecord) (int64, error) {
	id, err := w.holder(m)
	if err != nil || id == 0 {
		return 0, err
	}
	stored, storedHash, ok := w.lookPerson(id)
	if !ok {
		if err := w.flush(); err != nil {
			return 0, err
		}
		if stored, storedHash, err = personRecord(w.ctx, w.tx, id); err != nil {
			return 0, err
		}
	}
	if m.IDFirst > 0 {
		if !samePerson(m, stored) {
			w.warn(m, "the holder of this identity document was given other details on an earlier row (line of its first appearance kept); this row's are ignored")
		}
		return id, nil
	}
	merged, _ := mergeAbsentMember(m, stored, storedHash, m.IDHash, m.Has)
	if samePerson(merged, stored) {
		return id, nil
	}
	if ok, err := w.mayEditPerson(id); err != nil || !ok {
		if err == nil {
			w.warn(m, personKept)
		}
		return id, err
	}
	before := personSnapshot(stored)
	orgID := int64(0)
	if o, ok := w.orgs[m.OrgCode]; ok {
		orgID = o.id
	}
	w.queue([]sqldb.Stmt{personUpdate(w.tx, id, merged, m.IDHash, m.IDSealed, m.IDMasked)}, sqldb.Change{Action: "person.update",
		ObjectType: "person", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID, Before: before, After: personSnapshot(merged)})
	w.touchPerson(id, storedHash, m.IDHash)
	return id, nil
}

// create queues a new membership (and, without personID, a new holder).
func (w *memberWriter) create(o *importOrg, m kexie.MemberRecord, personID int64) error {
	ctx := w.ctx
	if personID == 0 {
		id, err := w.personIDs.Take(ctx)
		if err != nil {
			return err
		}
		personID = id
		key, initials := searchTerms(m)
		w.people.Add(id, m.Name, m.NameEN, m.Pinyin, key, initials, m.Gender, m.BirthDate, m.Nationality, m.IDType, m.IDSealed, m.IDHash,
			m.IDMasked, m.Discipline, m.Title, m.Employer, m.FrontLine, m.Email, m.Phone, m.CreditCode, m.ContactPerson)
		if w.fresh && m.IDHash != "" {
			w.holders[w.docSlot(m)] = id
		}
	}
	if !w.fresh {
		w.touchPerson(personID, m.IDHash)
		w.dirtyNo[orgNo{o.id, m.MemberNo}] = true
	}
	id, err := w.memberIDs.Take(ctx)
	if err != nil {
		return err
	}
	w.members.Add(id, o.id, personID, m.MemberNo, string(m.Type), string(m.Status), m.Joined, m.LastDuesPaid, m.LastActivity)
	if w.tx.Conn() != nil {
		// (On SQLite: firstEvents, at the end.)
		if !w.eventIDs.Locked {
			w.events.Add(id, string(m.Status))
		} else if eid, err := w.eventIDs.Take(ctx); err != nil {
			return err
		} else {
			w.events.Add(eid, id, string(m.Status))
		}
	}
	if o.fresh && m.IDHash == "" {
		if k := w.unnamedKey(o.id, m); w.unnamed[k] == 0 {
			w.unnamed[k] = id
		}
	}
	if w.firstMember == 0 {
		w.firstMember = id
	}
	if o.created == 0 {
		o.firstID = id
		w.touched = append(w.touched, o)
	}
	o.created++
	o.lastID = id
	w.out.Created++
	if w.members.Pending() >= w.flushAt {
		return w.submit()
	}
	return nil
}

// foundErr is what a row look-up answered from the block would have
// returned: nil when found, else sql.ErrNoRows.
func foundErr(found bool) error {
	if found {
		return nil
	}
	return sql.ErrNoRows
}

// slowRow handles a row that may match a stored membership.
func (w *memberWriter) slowRow(o *importOrg, m kexie.MemberRecord) error {
	ctx, tx := w.ctx, w.tx
	idHash := m.IDHash
	var was storedMember
	var err error
	switch {
	case m.MemberNo != "":
		if sm, found, ok := w.lookNo(o, m.MemberNo); ok {
			was, err = sm, foundErr(found)
			break
		}
		if err := w.keys(); err != nil {
			return err
		}
		was, err = scanMember(tx.QueryRowContext(ctx, `SELECT `+storedColumns+memberFrom+` WHERE m.org_id = $1 AND m.member_no = $2`, o.id, m.MemberNo))
	case idHash != "":
		err = sql.ErrNoRows
		if pid, herr := w.holder(m); herr != nil {
			return herr
		} else if pid != 0 {
			if sm, found, ok := w.lookHeld(o, pid); ok {
				was, err = sm, foundErr(found)
				break
			}
			if err := w.keys(); err != nil {
				return err
			}
			was, err = scanMember(tx.QueryRowContext(ctx, `SELECT `+storedColumns+memberFrom+` WHERE m.org_id = $1 AND m.person_id = $2`, o.id, pid))
		}
	default:
		if err := w.keys(); err != nil {
			return err
		}
		// Without number or document: the first member of the same name,
		// and the same birth date, e-mail and phone where the file has
		// those columns.
		q := `SELECT ` + storedColumns + memberFrom + ` WHERE m.org_id = $1 AND p.name = $2 AND p.id_hash = ''`
		args := []any{o.id, m.Name}
		for _, c := range []struct{ col, v string }{{"birth_date", m.BirthDate}, {"email", m.Email}, {"phone", m.Phone}} {
			if m.Has == nil || m.Has[c.col] {
				args = append(args, c.v)
				q += ` AND p.` + c.col + ` = $` + strconv.Itoa(len(args))
			}
		}
		was, err = scanMember(tx.QueryRowContext(ctx, q+` ORDER BY m.id LIMIT 1`, args...))
	}
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if found && ((w.firstMember != 0 && was.membershipID >= w.firstMember) || w.matched[was.membershipID]) {
		// An earlier row of this file wrote this member: two rows for one
		// member, and re-importing would flip between them.
		w.reject(m, "the same member "+was.rec.MemberNo+" as an earlier row of this file")
		return nil
	}
	if found {
		m, idHash = mergeAbsentMember(m, was.rec, was.idHash, idHash, m.Has)
		if m.MemberNo == "" {
			m.MemberNo = was.rec.MemberNo
		}
		if m.IDFirst > 0 && !samePerson(m, was.rec) {
			// The holder's details come from the row where the document
			// first appeared.
			keepPerson(&m, was.rec)
			idHash = was.idHash
			w.warn(m, "the holder of this identity document was given other details on an earlier row; this row's are ignored")
		}
	}
	// The identity document may not be another member's here.
	if idHash != "" {
		// One holder per document: the stored member's own, or (a document
		// the row brings) whoever holds it.
		pid := was.personID
		if !found || idHash != was.idHash {
			if pid, err = w.holder(m); err != nil {
				return err
			}
		}
		other := was.twin
		if !found || pid != was.personID {
			var ok bool
			if other, ok = w.lookOther(o, pid, was.membershipID); !ok {
				if err := w.keys(); err != nil {
					return err
				}
				err = tx.QueryRowContext(ctx, `SELECT member_no FROM memberships WHERE org_id = $1 AND person_id = $2 AND id <> $3 ORDER BY id LIMIT 1`,
					o.id, pid, was.membershipID).Scan(&other)
				if errors.Is(err, sql.ErrNoRows) {
					other = ""
				} else if err != nil {
					return err
				}
			}
		}
		if other != "" {
			w.reject(m, "the same identity document is already member "+other+"'s in "+m.OrgCode)
			return nil
		}
	}
	if found && (!samePerson(m, was.rec) || idHash != was.idHash) {
		// The holder's details are changed only by someone who may write
		// every membership they hold; anyone else's row keeps them.
		ok, err := w.mayEditPerson(was.personID)
		if err != nil {
			return err
		}
		if !ok {
			keepPerson(&m, was.rec)
			idHash, m.IDSealed, m.IDMasked = was.idHash, "", was.rec.IDMasked
			w.warn(m, personKept)
		}
	}
	switch {
	case found && sameMember(m, was.rec, idHash, was.idHash):
		w.out.Unchanged++
		w.matched[was.membershipID] = true
		return nil
	case found:
		w.out.Updated++
		w.matched[was.membershipID] = true
		if w.fresh && idHash != "" {
			w.holders[w.docSlot(m)] = was.personID
		}
		w.queue(memberUpdate(tx, o.id, was, m, idHash, m.IDSealed, m.IDMasked))
		if m.IDSealed != "" {
			w.touchPerson(was.personID, was.idHash, idHash)
		} else {
			w.touchPerson(was.personID)
		}
		return nil
	}
	if m.MemberNo == "" {
		if err := w.keys(); err != nil {
			return err
		}
		if err := w.giveBack(o); err != nil {
			return err
		}
		if m.MemberNo, err = nextMemberNo(ctx, tx, o.id); err != nil {
			return err
		}
		o.generated = true
	}
	var personID int64
	if m.IDHash != "" {
		if personID, err = w.person(m); err != nil {
			return err
		}
	}
	return w.create(o, m, personID)
}

// finish writes what is pending and one audit entry per organisation that
// gained members.
func (w *memberWriter) finish() error {
	if err := w.flush(); err != nil {
		return err
	}
	for _, o := range w.orgs {
		if err := w.giveBack(o); err != nil {
			return err
		}
	}
	if err := w.firstEvents(); err != nil {
		return err
	}
	start := time.Now()
	if err := w.deferred.Restore(w.ctx); err != nil {
		return err
	}
	if t := w.opt.Timing; t != nil {
		t.Writing, t.Indexing = time.Duration(w.writing.Load()), time.Since(start)
	}
	if err := w.analyze(); err != nil {
		return err
	}
	// One entry per organisation, appended together (on PostgreSQL in one
	// pipeline: a first load into a thousand organisations wrote them one
	// round trip after another).
	changes := make([]sqldb.Change, len(w.touched))
	actors := make([]kexie.Actor, len(w.touched))
	for i, o := range w.touched {
		changes[i] = sqldb.Change{Action: "member.import", ObjectType: "org", ObjectID: o.code, OrgID: o.id,
			After: map[string]any{"created": o.created, "first_membership_id": strconv.FormatInt(o.firstID, 10),
				"last_membership_id": strconv.FormatInt(o.lastID, 10), "source": w.opt.Source}}
		actors[i] = w.tx.Actor()
	}
	return w.tx.AuditMany(w.ctx, changes, actors)
}

// analyzeAfter is how many new members make PostgreSQL's statistics of
// the member tables stale enough to refresh them before the next import.
const analyzeAfter = 1000

// analyze refreshes, on PostgreSQL, the planner's statistics of the tables
// a large import filled (its documentation: run ANALYZE after loading data).
// Without it the next import into organisations that now hold members
// plans its look-ups by number and by document on the statistics of the
// empty tables until autovacuum comes by. Run in the import's transaction,
// it counts the rows this transaction wrote and commits with them.
// SQLite's planner needs no statistics for those look-ups (unique indexes).
func (w *memberWriter) analyze() error {
	if w.tx.DB().Dialect() != sqldb.Postgres || w.out.Created < analyzeAfter {
		return nil
	}
	_, err := w.tx.ExecContext(w.ctx, `ANALYZE people, memberships, membership_events`)
	return err
}

// firstEvents writes, on SQLite, the first history event of every
// membership this import created, by one INSERT … SELECT instead of a
// bound row each: a third of the rows a member costs, with values the
// membership rows already hold. The ids from firstMember on are exactly
// this import's (it holds the write lock and counts ids on from the
// largest). PostgreSQL's events went with the COPY of their memberships.
func (w *memberWriter) firstEvents() error {
	if w.tx.Conn() != nil || w.firstMember == 0 {
		return nil
	}
	b := w.events
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO membership_events (membership_id, status, `+strings.Join(b.Table().Shared, ", ")+`)
		SELECT id, status, $1, $2, $3, $4 FROM memberships WHERE id >= $5 ORDER BY id`, append(b.SharedValues(), w.firstMember)...)
	if err != nil {
		return fmt.Errorf("history of imported members: %w", err)
	}
	return nil
}

// mayEditPerson is mayEditPerson with the actor's scope read once per
// import, not once per row.
func (w *memberWriter) mayEditPerson(personID int64) (bool, error) {
	if w.editScope == nil {
		sc, err := w.tx.DB().ScopeOf(w.ctx, w.tx.Actor(), kexie.PermMembershipWrite)
		if err != nil {
			return false, err
		}
		w.editScope = &sc
	}
	if !w.editScope.All() {
		// The query must see this import's memberships, on a free
		// connection.
		if err := w.keys(); err != nil {
			return false, err
		}
	}
	return mayEditPerson(w.ctx, w.tx, *w.editScope, personID)
}

package finance

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Line is one line of a journal entry: an account, optionally a fund, a
// debit or a credit in fen (one side only), optionally a counterparty.
type Line struct {
	Account      string      `json:"account"`
	Fund         string      `json:"fund,omitempty"`
	Debit        kexie.Money `json:"debit"`
	Credit       kexie.Money `json:"credit"`
	Counterparty string      `json:"counterparty,omitempty"`
}

// Entry kinds: recorded by a person (manual, reversal), imported, made by
// receipts, or made by the system (release, closing).
const (
	KindManual   = "manual"
	KindImport   = "import"
	KindReceipt  = "receipt"
	KindRelease  = "release"
	KindClosing  = "closing"
	KindReversal = "reversal"
)

// Entry statuses: pending approval, posted to the journal, or rejected.
const (
	StatusPending  = "pending"
	StatusPosted   = "posted"
	StatusRejected = "rejected"
)

// Entry is a journal entry.
type Entry struct {
	ID           int64       `json:"id"`
	OrgID        int64       `json:"-"`
	OrgCode      string      `json:"org"`
	Date         kexie.Date  `json:"date"`
	Reference    string      `json:"reference"`
	Memo         string      `json:"memo"`
	Kind         string      `json:"kind"`
	Status       string      `json:"status"`
	Key          string      `json:"idempotency_key,omitempty"`
	ReversesID   int64       `json:"reverses,omitempty"`
	CauseID      int64       `json:"cause,omitempty"`
	Total        kexie.Money `json:"total"`
	RecordedBy   string      `json:"recorded_by"`
	RecordedByID int64       `json:"-"`
	RecordedAt   time.Time   `json:"recorded_at"`
	DecidedBy    string      `json:"decided_by,omitempty"`
	DecidedAt    *time.Time  `json:"decided_at,omitempty"`
	DecisionNote string      `json:"decision_note,omitempty"`
	Seq          int64       `json:"seq,omitempty"`
	Hash         string      `json:"hash,omitempty"`
	Lines        []Line      `json:"lines"`
}

// NewEntry is an entry to record.
type NewEntry struct {
	Date      string // YYYY-MM-DD, Beijing calendar
	Reference string
	Memo      string
	Lines     []Line
	// Key makes the write idempotent: an entry with the same key in the
	// same ledger is the one returned, and nothing new is written.
	Key string
}

// clean checks the entry's text and shape (not yet the ledger's rules).
func (n NewEntry) clean() (NewEntry, kexie.Date, error) {
	var err error
	d, err := kexie.ParseDay(n.Date)
	if err == nil && d.IsZero() {
		err = kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", "")
	}
	if err != nil {
		return n, d, err
	}
	if n.Reference, err = text("reference", n.Reference, 100); err != nil {
		return n, d, err
	}
	if n.Memo, err = text("memo", n.Memo, 500); err != nil {
		return n, d, err
	}
	if n.Key, err = text("idempotency_key", n.Key, 200); err != nil {
		return n, d, err
	}
	lines := make([]Line, len(n.Lines))
	for i, l := range n.Lines {
		l.Account, l.Fund = strings.TrimSpace(l.Account), strings.TrimSpace(l.Fund)
		if l.Counterparty, err = text("counterparty", l.Counterparty, 200); err != nil {
			return n, d, err
		}
		lines[i] = l
	}
	n.Lines = lines
	return n, d, nil
}

// state is what posting to one ledger needs, read once per transaction and
// kept up to date as entries post: the head, the chart, the funds and the
// restricted funds' balances.
type state struct {
	orgID   int64
	orgCode string
	head    Head
	chart   Chart
	funds   map[string]Fund
	byID    map[int64]Fund
	balance map[int64]kexie.Money // restricted funds' balances, read when first needed
	today   kexie.Date
	stmts   map[string]*sql.Stmt // prepared in the transaction (SQLite), by text
	batch   *batch               // an import on SQLite: rows written in bulk
	def     *deferred            // a group's postings: some writes wait for its end (group.go)
}

// batch is what an import has posted and not yet written: the
// entries and lines go in multi-row inserts of a few hundred entries, the
// balances and the head once at the end. Nothing the import reads is
// among them: its entries' keys are kept here, and a fund's balance read
// from the database first writes what waits (flush). An entry is checked
// and chained exactly as one posted alone; only the writing is grouped,
// in the one transaction of the import, so each entry is still there whole
// or not at all.
type batch struct {
	ids            sqldb.IDAllocator
	entries, lines *sqldb.BulkWriter
	balances       map[balanceKey][2]kexie.Money
	order          []balanceKey
	keys           map[string]int64 // posted by the import, not written yet
	known          map[string]int64 // in the books before: looked up a chunk at a time
	moved          bool             // the head moved: written at the end
}

// lookUpKeys reads which of the references of the next entries are in
// the books already, in one query for them all rather than one each. The
// query has a parameter for each of batchEntries references whatever
// their number (the last one repeated), so that its text is prepared once.
func (st *state) lookUpKeys(ctx context.Context, tx *sqldb.Tx, entries []ImportEntry) error {
	b := st.batch
	b.known = map[string]int64{}
	if len(entries) == 0 {
		return nil
	}
	args := []any{st.orgID}
	arg := sqldb.Args(&args)
	var in strings.Builder
	for i := range max(len(entries), batchEntries) {
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString(arg(entries[min(i, len(entries)-1)].Ref))
	}
	q := `SELECT idem_key, id FROM ledger_entries WHERE org_id = $1 AND idem_key IN (` + in.String() + `)`
	var rows *sql.Rows
	var err error
	if s := st.stmt(ctx, tx, q); s != nil {
		rows, err = s.QueryContext(ctx, args...)
	} else {
		rows, err = tx.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return err
		}
		b.known[k] = id
	}
	return rows.Err()
}

type balanceKey struct {
	month, account string
	fund           int64
	closing        int
}

var (
	bulkEntries = sqldb.BulkTable{Name: "ledger_entries",
		Cols:   []string{"id", "date", "reference", "memo", "kind", "idem_key", "reverses_id", "cause_id", "total", "seq", "prev_hash", "hash"},
		Shared: []string{"org_id", "status", "recorded_by", "recorded_by_id", "recorded_at", "decided_by", "decided_by_id", "decided_at"}}
	bulkLines = sqldb.BulkTable{Name: "ledger_lines",
		Cols:   []string{"entry_id", "line_no", "date", "account", "fund_id", "debit", "credit", "counterparty"},
		Shared: []string{"org_id"}}
)

// batchEntries is how many entries wait before they are written.
const batchEntries = 256

// startBatch makes the state write in bulk: on SQLite multi-row inserts;
// on PostgreSQL COPY, which needs the transaction on a connection of its
// own (sqldb.BulkWrite) and ids drawn on another (returned by done).
func (st *state) startBatch(ctx context.Context, tx *sqldb.Tx) (done func(), err error) {
	done = func() {}
	ids := sqldb.NewIDAllocator(tx, "ledger_entries")
	if tx.DB().Dialect() != sqldb.SQLite {
		if tx.Conn() == nil {
			return done, nil // not a bulk transaction: entry by entry
		}
		if ids.Seq, err = tx.DB().Writer().Conn(ctx); err != nil {
			return done, err
		}
		done = func() { ids.Seq.Close() }
	}
	a := tx.Actor()
	st.batch = &batch{ids: ids,
		entries:  sqldb.NewBulkWriter(tx, bulkEntries, st.orgID, StatusPosted, a.Username, a.UserID, tx.Now(), a.Username, a.UserID, tx.Now()),
		lines:    sqldb.NewBulkWriter(tx, bulkLines, st.orgID),
		balances: map[balanceKey][2]kexie.Money{}, keys: map[string]int64{}}
	return done, nil
}

// flush writes what the batch holds: the entries, their lines and, when
// all, the balances and the head.
func (st *state) flush(ctx context.Context, tx *sqldb.Tx, all bool) error {
	b := st.batch
	if b == nil {
		return nil
	}
	if err := b.entries.Write(ctx, b.entries.Take()); err != nil {
		return err
	}
	if err := b.lines.Write(ctx, b.lines.Take()); err != nil {
		return err
	}
	if !all {
		return nil
	}
	for _, k := range b.order {
		s := b.balances[k]
		if _, err := st.exec(ctx, tx, upsertBalance, st.orgID, k.month, k.account, k.fund, k.closing, s[0], s[1]); err != nil {
			return err
		}
	}
	b.balances, b.order = map[balanceKey][2]kexie.Money{}, nil
	if b.moved {
		if _, err := st.exec(ctx, tx, `UPDATE ledgers SET seq = $1, head_hash = $2 WHERE org_id = $3`, st.head.Seq, st.head.Hash, st.orgID); err != nil {
			return err
		}
		b.moved = false
	}
	return nil
}

const upsertBalance = `INSERT INTO ledger_balances (org_id, month, account, fund_id, closing, debit, credit) VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (org_id, month, account, fund_id, closing) DO UPDATE SET debit = ledger_balances.debit + excluded.debit, credit = ledger_balances.credit + excluded.credit`

// maxStmts bounds the statements a state keeps: the lines' insert has a
// text per number of lines, and past this they run unprepared.
const maxStmts = 64

// exec runs a statement of the posting path. On SQLite each text is
// prepared once per transaction and kept until it ends: an import posts
// hundreds of thousands of entries with the same few statements, and
// parsing them again each time took three quarters of its time. The
// PostgreSQL driver keeps its own cache per connection.
func (st *state) exec(ctx context.Context, tx *sqldb.Tx, q string, args ...any) (sql.Result, error) {
	if s := st.stmt(ctx, tx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// queryRow is exec for a statement that returns a row.
func (st *state) queryRow(ctx context.Context, tx *sqldb.Tx, q string, args ...any) *sql.Row {
	if s := st.stmt(ctx, tx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

func (st *state) stmt(ctx context.Context, tx *sqldb.Tx, q string) *sql.Stmt {
	// Outside an import the writer's statements are kept across
	// transactions already (sqldb's keptTx): preparing them again here
	// cost a group of postings a parse of each.
	if tx.DB().Dialect() != sqldb.SQLite || st.batch == nil {
		return nil
	}
	if s, ok := st.stmts[q]; ok {
		return s
	}
	if len(st.stmts) >= maxStmts {
		return nil
	}
	s, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return nil // run unprepared, to report its own error
	}
	if st.stmts == nil {
		st.stmts = map[string]*sql.Stmt{}
	}
	st.stmts[q] = s
	return s
}

func (svc *Service) loadState(ctx context.Context, tx *sqldb.Tx, orgID int64, orgCode string) (*state, error) {
	h, err := lockLedger(ctx, tx, orgID)
	if err != nil {
		return nil, err
	}
	st := &state{orgID: orgID, orgCode: orgCode, head: h, balance: map[int64]kexie.Money{}, byID: map[int64]Fund{}, today: kexie.Today(tx.Now())}
	if st.chart, err = chartTx(ctx, tx, orgID); err != nil {
		return nil, err
	}
	if st.funds, err = fundsTx(ctx, tx, orgID); err != nil {
		return nil, err
	}
	for _, f := range st.funds {
		st.byID[f.ID] = f
	}
	return st, nil
}

// fundBalance is what remains of a fund: its income (credits less debits on
// income accounts) and its net assets lines (a release takes from it; a
// year's closing moves its income there) — read from the stored balances.
func (st *state) fundBalance(ctx context.Context, tx *sqldb.Tx, f Fund) (kexie.Money, error) {
	if b, ok := st.balance[f.ID]; ok || f.ID == 0 {
		return b, nil
	}
	if err := st.flush(ctx, tx, true); err != nil {
		return 0, err
	}
	if st.def != nil {
		if err := st.flushBalances(ctx, tx); err != nil {
			return 0, err
		}
	}
	var b kexie.Money
	err := st.queryRow(ctx, tx, `SELECT COALESCE(SUM(credit - debit), 0) FROM ledger_balances
		WHERE org_id = $1 AND fund_id = $2 AND ((account >= '4' AND account < '5') OR account = '3102')`, st.orgID, f.ID).Scan(&b)
	st.balance[f.ID] = b
	return b, err
}

// opened reports whether a date is in an open period of the ledger.
func (st *state) opened(d kexie.Date) bool {
	return (st.head.ClosedThrough == "" || monthOf(d) > st.head.ClosedThrough) && d.Year() > st.head.ClosedYear
}

// check applies the rules every entry meets before it posts, each refused
// with its reason: it balances (Σdebit = Σcredit > 0; each line one side
// only, positive); its accounts exist and take postings (leaves; the net
// assets accounts only for closing and release entries); its date is
// real, not in the future and in an open period; its restricted funds
// exist, pay only their purpose accounts within their time window, and
// never go below zero. It returns the entry's total and, per restricted
// fund, what the entry spends from it (expenses charged to it, to be
// released) and what it leaves (balance after).
func (st *state) check(ctx context.Context, tx *sqldb.Tx, kind string, d kexie.Date, lines []Line) (kexie.Money, map[int64]kexie.Money, error) {
	if len(lines) < 2 {
		return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_no_lines", "an entry has at least two lines, one debit and one credit")
	}
	if len(lines) > MaxLines {
		return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_too_many_lines", "an entry has at most %v lines", MaxLines)
	}
	if d.After(st.today) && kind != KindClosing {
		return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_date_future", "the date %v is in the future", d.String())
	}
	if kind == KindClosing {
		if d.Year() <= st.head.ClosedYear {
			return 0, nil, kexie.Errorf(kexie.CodeConflict, "err.ledger_period_closed", "%v is in a closed period (closed through %v)", d.String(), st.closedLabel())
		}
	} else if !st.opened(d) {
		return 0, nil, kexie.Errorf(kexie.CodeConflict, "err.ledger_period_closed", "%v is in a closed period (closed through %v)", d.String(), st.closedLabel())
	}
	var debits, credits kexie.Money
	spent := map[int64]kexie.Money{}
	change := map[int64]kexie.Money{}
	for i, l := range lines {
		n := i + 1
		if l.Debit < 0 || l.Credit < 0 || l.Debit > MaxLineFen || l.Credit > MaxLineFen || (l.Debit == 0) == (l.Credit == 0) {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_line_side", "line %v: a line is either a debit or a credit, positive, not both", n)
		}
		debits += l.Debit
		credits += l.Credit
		acc, ok := st.chart[l.Account]
		if !ok {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_unknown", "line %v: no account %v in this ledger", n, kexie.Excerpt(l.Account))
		}
		if !acc.Leaf {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_parent", "line %v: account %v has sub-accounts; post to one of them", n, l.Account)
		}
		if (acc.Code == AccountUnrestricted || acc.Code == AccountRestricted) && kind != KindClosing && kind != KindRelease {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_net_assets", "line %v: only closing and release entries post to %v", n, acc.Code)
		}
		if l.Fund == "" {
			continue
		}
		f, ok := st.funds[l.Fund]
		if !ok {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_unknown", "line %v: no fund %v in this ledger", n, kexie.Excerpt(l.Fund))
		}
		if !f.Restricted() {
			continue
		}
		switch acc.Kind {
		case KindExpense:
			if kind != KindClosing && l.Debit > 0 {
				if !f.Pays(acc.Code) {
					return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_account", "line %v: fund %v may not pay account %v (it pays %v)", n, f.Code, acc.Code, strings.Join(f.Accounts, ", "))
				}
				if (!f.NotBefore.IsZero() && d.Before(f.NotBefore)) || (!f.NotAfter.IsZero() && d.After(f.NotAfter)) {
					return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_time", "line %v: fund %v may be spent only from %v to %v", n, f.Code, orOpen(f.NotBefore), orOpen(f.NotAfter))
				}
			}
			if kind != KindClosing {
				spent[f.ID] += l.Debit - l.Credit
				change[f.ID] -= l.Debit - l.Credit
			}
		case KindIncome:
			change[f.ID] += l.Credit - l.Debit
		case KindNetAssets:
			if acc.Code == AccountRestricted {
				change[f.ID] += l.Credit - l.Debit
			}
		}
	}
	if debits != credits {
		return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_unbalanced", "the entry does not balance: debits %v, credits %v", debits.String(), credits.String())
	}
	if kind == KindRelease {
		// A release's 3102 line is its fund's change itself: counted above.
		spent = nil
	}
	ids := make([]int64, 0, len(change))
	for id := range change {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		f := st.byID[id]
		b, err := st.fundBalance(ctx, tx, f)
		if err != nil {
			return 0, nil, err
		}
		if after := b + change[id]; after < 0 && kind != KindRelease {
			return 0, nil, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_overdrawn", "fund %v would go below zero: it holds %v", f.Code, b.String())
		}
	}
	return debits, spent, nil
}

func (st *state) closedLabel() string {
	if st.head.ClosedThrough == "" {
		return strconv.Itoa(st.head.ClosedYear)
	}
	return st.head.ClosedThrough
}

func orOpen(d kexie.Date) string {
	if d.IsZero() {
		return "…"
	}
	return d.String()
}

// posting is an entry about to post.
type posting struct {
	ID           int64 // set for a pending entry being approved
	Date         kexie.Date
	Reference    string
	Memo         string
	Kind         string
	Key          string
	ReversesID   int64
	CauseID      int64
	RecordedByID int64
	Lines        []Line
}

// post writes an entry to the journal: the next number of the chain and
// its hash, its lines, the balances, the head; then the releases its
// restricted spending causes (each a system entry linked to it). The
// entry has been checked (check returned total and spent).
func (st *state) post(ctx context.Context, tx *sqldb.Tx, p posting, total kexie.Money, spent map[int64]kexie.Money) (int64, error) {
	seq := st.head.Seq + 1
	hash := entryHash(st.head.Hash, seq, st.orgID, p.Date, p.Kind, p.Reference, p.Memo, p.ReversesID, p.CauseID, p.Lines)
	a := tx.Actor()
	id := p.ID
	if id != 0 {
		res, err := tx.ExecContext(ctx, `UPDATE ledger_entries SET status = 'posted', draft = '', decided_by = $1, decided_by_id = $2, decided_at = $3,
			seq = $4, prev_hash = $5, hash = $6 WHERE id = $7 AND status = 'pending'`, a.Username, a.UserID, tx.Now(), seq, st.head.Hash, hash, id)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, kexie.Errorf(kexie.CodeConflict, "err.ledger_not_pending", "this entry is not awaiting approval")
		}
	} else if st.batch != nil {
		var err error
		if id, err = st.batch.ids.Take(ctx); err != nil {
			return 0, err
		}
		st.batch.entries.Add(id, p.Date, p.Reference, p.Memo, p.Kind, nullText(p.Key), nullID(p.ReversesID), nullID(p.CauseID), total, seq, st.head.Hash, hash)
		if p.Key != "" {
			st.batch.keys[p.Key] = id
		}
	} else {
		err := st.queryRow(ctx, tx, `INSERT INTO ledger_entries (org_id, date, reference, memo, kind, status, idem_key, reverses_id, cause_id, total,
			recorded_by, recorded_by_id, recorded_at, decided_by, decided_by_id, decided_at, seq, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, 'posted', $6, $7, $8, $9, $10, $11, $12, $10, $11, $12, $13, $14, $15) RETURNING id`,
			st.orgID, p.Date, p.Reference, p.Memo, p.Kind, nullText(p.Key), nullID(p.ReversesID), nullID(p.CauseID), total,
			a.Username, a.UserID, tx.Now(), seq, st.head.Hash, hash).Scan(&id)
		if err != nil {
			return 0, err
		}
	}
	if err := st.writeLines(ctx, tx, id, p); err != nil {
		return 0, err
	}
	if st.batch != nil {
		st.batch.moved = true
	} else if st.def != nil {
		st.def.moved = true
	} else if _, err := st.exec(ctx, tx, `UPDATE ledgers SET seq = $1, head_hash = $2 WHERE org_id = $3`, seq, hash, st.orgID); err != nil {
		return 0, err
	}
	st.head.Seq, st.head.Hash = seq, hash
	// Releases from restriction, one per fund, in fund order.
	ids := make([]int64, 0, len(spent))
	for fid, amt := range spent {
		if amt != 0 {
			ids = append(ids, fid)
		}
	}
	slices.Sort(ids)
	for _, fid := range ids {
		f, amt := st.byID[fid], spent[fid]
		lines := []Line{{Account: AccountRestricted, Fund: f.Code, Debit: amt}, {Account: AccountUnrestricted, Credit: amt}}
		if amt < 0 {
			lines = []Line{{Account: AccountUnrestricted, Debit: -amt}, {Account: AccountRestricted, Fund: f.Code, Credit: -amt}}
		}
		rel := posting{Date: p.Date, Reference: p.Reference, Memo: "release: " + f.Code, Kind: KindRelease, CauseID: id, Lines: lines}
		t, _, err := st.check(ctx, tx, KindRelease, rel.Date, rel.Lines)
		if err != nil {
			return 0, err
		}
		if _, err := st.post(ctx, tx, rel, t, nil); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// writeLines writes the entry's lines and adds them to the month's
// balances (and to the funds' balances this state keeps).
func (st *state) writeLines(ctx context.Context, tx *sqldb.Tx, id int64, p posting) error {
	type key struct {
		account string
		fund    int64
	}
	sums := map[key][2]kexie.Money{}
	var keys []key
	var q strings.Builder
	q.WriteString(`INSERT INTO ledger_lines (entry_id, org_id, line_no, date, account, fund_id, debit, credit, counterparty) VALUES `)
	args := make([]any, 0, len(p.Lines)*9)
	arg := sqldb.Args(&args)
	for i, l := range p.Lines {
		var fid int64
		if l.Fund != "" {
			fid = st.funds[l.Fund].ID
		}
		if st.batch != nil {
			st.batch.lines.Add(id, i+1, p.Date, l.Account, nullID(fid), l.Debit, l.Credit, l.Counterparty)
		} else {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "(%s, %s, %s, %s, %s, %s, %s, %s, %s)", arg(id), arg(st.orgID), arg(i+1), arg(p.Date), arg(l.Account), arg(nullID(fid)),
				arg(l.Debit), arg(l.Credit), arg(l.Counterparty))
		}
		k := key{l.Account, fid}
		s, seen := sums[k]
		if !seen {
			keys = append(keys, k)
		}
		sums[k] = [2]kexie.Money{s[0] + l.Debit, s[1] + l.Credit}
		if f, ok := st.byID[fid]; ok && f.Restricted() {
			if b, known := st.balance[fid]; known {
				if a := st.chart[l.Account]; a.Kind == KindIncome || l.Account == AccountRestricted {
					st.balance[fid] = b + l.Credit - l.Debit
				}
			}
		}
	}
	closing := 0
	if p.Kind == KindClosing {
		closing = 1
	}
	month := monthOf(p.Date)
	if b := st.batch; b != nil {
		for _, k := range keys {
			bk := balanceKey{month, k.account, k.fund, closing}
			s, seen := b.balances[bk]
			if !seen {
				b.order = append(b.order, bk)
			}
			b.balances[bk] = [2]kexie.Money{s[0] + sums[k][0], s[1] + sums[k][1]}
		}
		if b.entries.Pending() >= batchEntries {
			return st.flush(ctx, tx, false)
		}
		return nil
	}
	if _, err := st.exec(ctx, tx, q.String(), args...); err != nil {
		return err
	}
	if st.def != nil {
		for _, k := range keys {
			st.def.addBalance(balanceKey{month, k.account, k.fund, closing}, sums[k])
		}
		return nil
	}
	for _, k := range keys {
		s := sums[k]
		if _, err := st.exec(ctx, tx, upsertBalance, st.orgID, month, k.account, k.fund, closing, s[0], s[1]); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// entryHash chains an entry to the one before it: SHA-256 over the
// previous hash, the entry's number, ledger, date, kind, reference, memo,
// links and every line.
func entryHash(prev string, seq, orgID int64, d kexie.Date, kind, ref, memo string, reverses, cause int64, lines []Line) string {
	// The bytes of fmt's "%s\n%d\n%d\n%s\n%s\n%q\n%q\n%d\n%d\n" and, per
	// line, "%s|%s|%d|%d|%q\n", appended by hand: through fmt they were 4 %
	// of a large import's time, twice what they are now.
	b := make([]byte, 0, 256+64*len(lines))
	b = append(append(b, prev...), '\n')
	b = append(strconv.AppendInt(b, seq, 10), '\n')
	b = append(strconv.AppendInt(b, orgID, 10), '\n')
	b = append(append(b, d.String()...), '\n')
	b = append(append(b, kind...), '\n')
	b = append(strconv.AppendQuote(b, ref), '\n')
	b = append(strconv.AppendQuote(b, memo), '\n')
	b = append(strconv.AppendInt(b, reverses, 10), '\n')
	b = append(strconv.AppendInt(b, cause, 10), '\n')
	for _, l := range lines {
		b = append(append(b, l.Account...), '|')
		b = append(append(b, l.Fund...), '|')
		b = append(strconv.AppendInt(b, int64(l.Debit), 10), '|')
		b = append(strconv.AppendInt(b, int64(l.Credit), 10), '|')
		b = append(strconv.AppendQuote(b, l.Counterparty), '\n')
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Record records an entry in an organisation's ledger, pending approval by
// another person holding finance.approve, with its audit entry. The rules
// are checked now (so that a mistake shows at once) and again when it is
// approved. With a key already used in this ledger, the entry recorded
// with it is returned (created false) and nothing is written. Errors:
// CodeInvalid or CodeConflict for a rule the entry breaks (nothing is
// written); CodeNotFound outside the subtrees where actor holds
// finance.record.
func (svc *Service) Record(ctx context.Context, actor kexie.Actor, orgID int64, n NewEntry) (e Entry, created bool, err error) {
	n, d, err := n.clean()
	if err != nil {
		return e, false, err
	}
	var id int64
	err = svc.groupedKeyed(ctx, actor, orgID, n.Key, func(ctx context.Context, tx *sqldb.Tx, g *group) error {
		id, created = 0, false
		code, err := g.org(ctx, tx, orgID, kexie.PermFinanceRecord)
		if err != nil {
			return err
		}
		st, err := g.ledger(ctx, tx, orgID, code)
		if err != nil {
			return err
		}
		if !g.keyUnused() {
			if id, err = keyed(ctx, tx, orgID, n.Key); err != nil || id != 0 {
				return err
			}
		}
		total, _, err := st.check(ctx, tx, KindManual, d, n.Lines)
		if err != nil {
			return err
		}
		draft, err := json.Marshal(n.Lines)
		if err != nil {
			return err
		}
		a := tx.Actor()
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_entries (org_id, date, reference, memo, kind, status, idem_key, draft, total, recorded_by, recorded_by_id, recorded_at)
			VALUES ($1, $2, $3, $4, 'manual', 'pending', $5, $6, $7, $8, $9, $10) RETURNING id`,
			orgID, d, n.Reference, n.Memo, nullText(n.Key), string(draft), total, a.Username, a.UserID, tx.Now()).Scan(&id); err != nil {
			return err
		}
		created = true
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.record", ObjectType: "ledger_entry", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"org": code, "date": d.String(), "reference": n.Reference, "memo": n.Memo, "total": int64(total), "lines": linesAudit(n.Lines)}})
	})
	if err != nil {
		return e, false, err
	}
	e, err = svc.EntryByID(ctx, id)
	return e, created, err
}

// keyed is the entry recorded in a ledger with an idempotency key, or 0.
func keyed(ctx context.Context, tx *sqldb.Tx, orgID int64, key string) (int64, error) {
	if key == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_entries WHERE org_id = $1 AND idem_key = $2`, orgID, key).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, err
}

// ledgerOrg checks, inside a write, that the transaction's actor holds p
// on organisation orgID (not found otherwise) and returns its code.
func ledgerOrg(ctx context.Context, tx *sqldb.Tx, orgID int64, p kexie.Permission) (string, error) {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT code FROM orgs WHERE id = $1`, orgID).Scan(&code)
	notFound := kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", strconv.FormatInt(orgID, 10))
	if err == sql.ErrNoRows {
		return "", notFound
	}
	if err != nil {
		return "", err
	}
	return code, tx.Check(ctx, tx.Actor(), p, orgID, notFound)
}

// linesAudit is the lines as the audit log keeps them: one text each.
func linesAudit(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = fmt.Sprintf("%s %s dr %d cr %d %s", l.Account, l.Fund, int64(l.Debit), int64(l.Credit), l.Counterparty)
	}
	return out
}

// Approve posts a pending entry, as a second person: the actor holds
// finance.approve on its organisation and did not record it. The rules
// are checked again, now; restricted spending is released at once. With
// its audit entry. Errors: CodeNotFound for no such entry or one outside
// the actor's subtrees; CodeForbidden for the person who recorded it;
// CodeConflict when it is not pending or its period has closed;
// CodeInvalid for a rule it now breaks (nothing is written).
func (svc *Service) Approve(ctx context.Context, actor kexie.Actor, id int64) (Entry, error) {
	// Pinned to the writer of the entry's ledger (an entry never moves).
	pin := func() int64 {
		var orgID int64
		_ = svc.db.Reader().QueryRowContext(ctx, `SELECT org_id FROM ledger_entries WHERE id = $1`, id).Scan(&orgID)
		return orgID
	}
	err := svc.grouped(ctx, actor, pin, func(ctx context.Context, tx *sqldb.Tx, g *group) error {
		e, err := entryTx(ctx, tx, id)
		if err != nil {
			return entryNotFound()
		}
		if err := g.check(ctx, tx, e.OrgID, kexie.PermFinanceApprove, entryNotFound()); err != nil {
			return err
		}
		if e.Status != StatusPending {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_not_pending", "this entry is not awaiting approval")
		}
		a := tx.Actor()
		if (a.UserID != 0 && a.UserID == e.RecordedByID) || a.Username == e.RecordedBy {
			return kexie.Errorf(kexie.CodeForbidden, "err.ledger_self_approve", "an entry is approved by someone other than the person who recorded it")
		}
		st, err := g.ledger(ctx, tx, e.OrgID, e.OrgCode)
		if err != nil {
			return err
		}
		total, spent, err := st.check(ctx, tx, e.Kind, e.Date, e.Lines)
		if err != nil {
			return err
		}
		if _, err := st.post(ctx, tx, posting{ID: e.ID, Date: e.Date, Reference: e.Reference, Memo: e.Memo, Kind: e.Kind, ReversesID: e.ReversesID,
			Lines: e.Lines}, total, spent); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.approve", ObjectType: "ledger_entry", ObjectID: strconv.FormatInt(e.ID, 10), OrgID: e.OrgID,
			Before: map[string]any{"status": StatusPending}, After: map[string]any{"status": StatusPosted, "seq": st.head.Seq, "recorded_by": e.RecordedBy}})
	})
	if err != nil {
		return Entry{}, err
	}
	return svc.EntryByID(ctx, id)
}

// Reject turns a pending entry down, with the reason, as the person who
// would approve it. It stays in the ledger's list of entries, never posted.
// Errors as Approve's.
func (svc *Service) Reject(ctx context.Context, actor kexie.Actor, id int64, reason string) (Entry, error) {
	reason, err := text("reason", reason, 500)
	if err == nil && reason == "" {
		err = kexie.Errorf(kexie.CodeInvalid, "err.ledger_reject_reason", "say why the entry is rejected")
	}
	if err != nil {
		return Entry{}, err
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		e, err := entryTx(ctx, tx, id)
		if err != nil {
			return entryNotFound()
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermFinanceApprove, e.OrgID, entryNotFound()); err != nil {
			return err
		}
		if e.Status != StatusPending {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_not_pending", "this entry is not awaiting approval")
		}
		a := tx.Actor()
		if _, err := tx.ExecContext(ctx, `UPDATE ledger_entries SET status = 'rejected', decided_by = $1, decided_by_id = $2, decided_at = $3, decision_note = $4
			WHERE id = $5 AND status = 'pending'`, a.Username, a.UserID, tx.Now(), reason, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.reject", ObjectType: "ledger_entry", ObjectID: strconv.FormatInt(id, 10), OrgID: e.OrgID,
			Before: map[string]any{"status": StatusPending}, After: map[string]any{"status": StatusRejected, "reason": reason}})
	})
	if err != nil {
		return Entry{}, err
	}
	return svc.EntryByID(ctx, id)
}

// Reverse records the reversing entry of a posted one — the same lines,
// debits and credits swapped, dated d (today when empty) — pending
// approval like any entry. An entry is reversed once: a second reversal
// (unless the first was rejected) is refused. Releases and closing entries
// are not reversed by hand: they follow their cause. Errors: CodeNotFound
// for no such entry or one outside the subtrees where actor holds
// finance.record; CodeConflict when it is not posted, is a release or
// closing entry, or is reversed already; CodeInvalid for the date.
func (svc *Service) Reverse(ctx context.Context, actor kexie.Actor, id int64, date, memo string) (Entry, error) {
	if strings.TrimSpace(date) == "" {
		date = svc.today().String()
	}
	var newID int64
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		e, err := entryTx(ctx, tx, id)
		if err != nil {
			return entryNotFound()
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermFinanceRecord, e.OrgID, entryNotFound()); err != nil {
			return err
		}
		if e.Status != StatusPosted || e.Kind == KindRelease || e.Kind == KindClosing {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_not_reversible", "only a posted entry that is not a release or closing entry is reversed")
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE reverses_id = $1 AND status <> 'rejected')`, id).Scan(&taken); err != nil {
			return err
		}
		if taken {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_reversed", "entry %v is reversed already", id)
		}
		lines := make([]Line, len(e.Lines))
		for i, l := range e.Lines {
			l.Debit, l.Credit = l.Credit, l.Debit
			lines[i] = l
		}
		if strings.TrimSpace(memo) == "" {
			memo = "reversal of " + strconv.FormatInt(id, 10)
		}
		n, d, err := NewEntry{Date: date, Reference: e.Reference, Memo: memo, Lines: lines}.clean()
		if err != nil {
			return err
		}
		st, err := svc.loadState(ctx, tx, e.OrgID, e.OrgCode)
		if err != nil {
			return err
		}
		total, _, err := st.check(ctx, tx, KindReversal, d, n.Lines)
		if err != nil {
			return err
		}
		draft, _ := json.Marshal(n.Lines)
		a := tx.Actor()
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_entries (org_id, date, reference, memo, kind, status, reverses_id, draft, total, recorded_by, recorded_by_id, recorded_at)
			VALUES ($1, $2, $3, $4, 'reversal', 'pending', $5, $6, $7, $8, $9, $10) RETURNING id`,
			e.OrgID, d, n.Reference, n.Memo, id, string(draft), total, a.Username, a.UserID, tx.Now()).Scan(&newID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.reverse", ObjectType: "ledger_entry", ObjectID: strconv.FormatInt(newID, 10), OrgID: e.OrgID,
			After: map[string]any{"reverses": id, "date": d.String(), "memo": n.Memo, "total": int64(total)}})
	})
	if err != nil {
		return Entry{}, err
	}
	return svc.EntryByID(ctx, newID)
}

const entryColumns = `e.id, e.org_id, o.code, e.date, e.reference, e.memo, e.kind, e.status, COALESCE(e.idem_key, ''), COALESCE(e.reverses_id, 0),
	COALESCE(e.cause_id, 0), e.total, e.recorded_by, e.recorded_by_id, e.recorded_at, e.decided_by, e.decided_at, e.decision_note, COALESCE(e.seq, 0), e.hash, e.draft`

type scanner interface{ Scan(dest ...any) error }

func scanEntry(sc scanner) (Entry, string, error) {
	var e Entry
	var decided sql.NullTime
	var draft string
	err := sc.Scan(&e.ID, &e.OrgID, &e.OrgCode, &e.Date, &e.Reference, &e.Memo, &e.Kind, &e.Status, &e.Key, &e.ReversesID, &e.CauseID, &e.Total,
		&e.RecordedBy, &e.RecordedByID, &e.RecordedAt, &e.DecidedBy, &decided, &e.DecisionNote, &e.Seq, &e.Hash, &draft)
	if decided.Valid {
		e.DecidedAt = timePtr(decided.Time.UTC())
	}
	e.RecordedAt = e.RecordedAt.UTC()
	return e, draft, err
}

// entryTx reads an entry with its lines (from the journal once posted,
// else from its draft).
func entryTx(ctx context.Context, tx *sqldb.Tx, id int64) (Entry, error) {
	e, draft, err := scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM ledger_entries e JOIN orgs o ON o.id = e.org_id WHERE e.id = $1`, id))
	if err != nil {
		return e, sqldb.MapErr(err)
	}
	if e.Status != StatusPosted {
		if err := json.Unmarshal([]byte(draft), &e.Lines); err != nil {
			return e, fmt.Errorf("entry %d: draft: %w", id, err)
		}
		return e, nil
	}
	e.Lines, err = linesTx(ctx, tx, id)
	return e, err
}

// linesTx reads an entry's lines (through the index by ledger, then entry).
func linesTx(ctx context.Context, tx *sqldb.Tx, id int64) ([]Line, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.account, COALESCE(f.code, ''), l.debit, l.credit, l.counterparty FROM ledger_lines l
		LEFT JOIN ledger_funds f ON f.id = l.fund_id
		WHERE l.org_id = (SELECT org_id FROM ledger_entries WHERE id = $1) AND l.entry_id = $1 ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Account, &l.Fund, &l.Debit, &l.Credit, &l.Counterparty); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// EntryByID is an entry with its lines, for a caller that has checked the
// actor (Entry does).
func (svc *Service) EntryByID(ctx context.Context, id int64) (Entry, error) {
	var e Entry
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var err error
		e, err = entryTx(ctx, tx, id)
		return err
	})
	return e, err
}

// EntryFilter narrows a list of entries.
type EntryFilter struct {
	Status string // "" all
	From   kexie.Date
	To     kexie.Date // inclusive
	Offset int
	Limit  int
}

// Entries lists an organisation's entries, newest first, without their
// lines, and how many match. The caller has loaded the ledger with Ledger.
func (svc *Service) Entries(ctx context.Context, orgID int64, f EntryFilter) ([]Entry, int, error) {
	args := []any{orgID}
	arg := sqldb.Args(&args)
	where := ` WHERE e.org_id = $1`
	if f.Status != "" {
		where += ` AND e.status = ` + arg(f.Status)
	}
	if !f.From.IsZero() {
		where += ` AND e.date >= ` + arg(f.From)
	}
	if !f.To.IsZero() {
		where += ` AND e.date <= ` + arg(f.To)
	}
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries e`+where, args...).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+entryColumns+` FROM ledger_entries e JOIN orgs o ON o.id = e.org_id`+where+
		` ORDER BY e.date DESC, e.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		e, _, err := scanEntry(rows)
		if err != nil {
			return nil, 0, sqldb.MapErr(err)
		}
		out = append(out, e)
	}
	return out, total, sqldb.MapErr(rows.Err())
}

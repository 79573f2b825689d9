package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/auditlog"
	"github.com/kexie/kexie/internal/kexie"
)

// Change describes one state change for the audit log. Before and After are
// snapshots made with auditlog.Snapshot (sensitive fields already masked).
type Change struct {
	Action     string // "user.create", "auth.login", …
	ObjectType string
	ObjectID   string
	OrgID      int64 // the organisation the object belongs to; 0 for system-wide
	Before     map[string]any
	After      map[string]any
}

// audit appends an entry for c to the hash chain, inside tx. Updating the
// head row first serialises concurrent appends on PostgreSQL (the row stays
// locked until commit) without any dialect-specific locking statement.
func (tx *Tx) Audit(ctx context.Context, c Change) error {
	return tx.AuditMany(ctx, []Change{c}, []kexie.Actor{tx.actor})
}

// auditMany appends entries for changes (each by its actor) to the hash
// chain in one go: the head read and moved once, whatever their number.
func (tx *Tx) AuditMany(ctx context.Context, changes []Change, actors []kexie.Actor) error {
	if len(changes) == 0 {
		return nil
	}
	var seq int64
	var prev string
	err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1, last_hash`, len(changes)).Scan(&seq, &prev)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	// The entries go in by multi-row inserts of 64, 32, 16… rows: n
	// entries cost at most seven statements, not n (on PostgreSQL each was
	// a round trip, a ballot box's batch of 256 as many), and the texts
	// are few, so both databases keep them prepared.
	rows := make([]any, 0, auditCols*min(len(changes), auditChunk))
	for i := 0; i < len(changes); {
		n := auditChunk
		for n > len(changes)-i {
			n /= 2
		}
		rows = rows[:0]
		for _, c := range changes[i : i+n] {
			seq++
			a := actors[i]
			i++
			e := auditlog.Entry{
				Seq: seq, At: tx.now, ActorID: a.UserID, Actor: a.Username, Source: a.Source,
				Action: c.Action, ObjectType: c.ObjectType, ObjectID: c.ObjectID, OrgID: c.OrgID,
				Before: auditlog.Snapshot(c.Before), After: auditlog.Snapshot(c.After), PrevHash: prev,
			}
			e.Hash = auditlog.ComputeHash(e)
			rows = append(rows, e.Seq, e.At, e.ActorID, e.Actor, e.Source, e.Action, e.ObjectType, e.ObjectID, e.OrgID, e.Before, e.After, e.PrevHash, e.Hash)
			prev = e.Hash
		}
		if _, err := tx.ExecContext(ctx, auditInsert(n), rows...); err != nil {
			return fmt.Errorf("audit append: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET last_hash = $1 WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// auditCols is an audit entry's columns; auditChunk the most entries one
// insert writes (64 × 13 values, within both databases' limits).
const (
	auditCols  = 13
	auditChunk = 64
)

// auditInsert is the insert of n audit entries.
func auditInsert(n int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_log
			(seq, at, actor_id, actor, source, action, object_type, object_id, org_id, before_state, after_state, prev_hash, hash)
			VALUES `)
	for r := range n {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range auditCols {
			if c > 0 {
				q.WriteString(", ")
			}
			q.WriteString("$" + strconv.Itoa(r*auditCols+c+1))
		}
		q.WriteByte(')')
	}
	return q.String()
}

// AuditFilter narrows an audit listing. Zero fields do not filter.
type AuditFilter struct {
	Actor      string
	Action     string // exact, or a prefix ending in "." ("user.")
	ObjectType string
	ObjectID   string
	From, To   time.Time // To is exclusive
	BeforeSeq  int64     // paging cursor: entries older than this
	Limit      int
	// Offset skips that many entries (numbered pages on the web; the API
	// pages by BeforeSeq).
	Offset int
}

// Audit lists audit entries newest first, restricted to what actor may
// read: everything for the system or a system administrator, otherwise
// entries of the organisations in the subtrees where the actor holds an
// audit.read role.
func (db *DB) Audit(ctx context.Context, actor kexie.Actor, f AuditFilter) ([]auditlog.Entry, error) {
	where, args, err := db.auditWhere(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	arg := Args(&args)
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := `SELECT seq, at, actor_id, actor, source, action, object_type, object_id, org_id, before_state, after_state, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT " + arg(limit)
	if f.Offset > 0 {
		q += " OFFSET " + arg(f.Offset)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, MapErr(err)
	}
	defer rows.Close()
	var out []auditlog.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, MapErr(rows.Err())
}

// AuditCount counts the entries Audit lists for the same filter (its
// BeforeSeq included; Limit and Offset ignored): a list's total.
func (db *DB) AuditCount(ctx context.Context, actor kexie.Actor, f AuditFilter) (int, error) {
	where, args, err := db.auditWhere(ctx, actor, f)
	if err != nil {
		return 0, err
	}
	q := `SELECT COUNT(*) FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	return n, MapErr(db.r.QueryRowContext(ctx, q, args...).Scan(&n))
}

// auditWhere is the filter of Audit and AuditCount as SQL conditions.
func (db *DB) auditWhere(ctx context.Context, actor kexie.Actor, f AuditFilter) ([]string, []any, error) {
	sc, err := db.ScopeOf(ctx, actor, kexie.PermAuditRead)
	if err != nil {
		return nil, nil, err
	}
	var where []string
	var args []any
	arg := Args(&args)
	if !sc.All() {
		where = append(where, sc.SQL("org_id", arg))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+arg(f.Actor))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			// A prefix match without LIKE, so no escaping of % and _ is needed
			// and both engines use the same text.
			where = append(where, "substr(action, 1, "+strconv.Itoa(len(f.Action))+") = "+arg(f.Action))
		} else {
			where = append(where, "action = "+arg(f.Action))
		}
	}
	if f.ObjectType != "" {
		where = append(where, "object_type = "+arg(f.ObjectType))
	}
	if f.ObjectID != "" {
		where = append(where, "object_id = "+arg(f.ObjectID))
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(auditlog.Normalize(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(auditlog.Normalize(f.To)))
	}
	if f.BeforeSeq > 0 {
		where = append(where, "seq < "+arg(f.BeforeSeq))
	}
	return where, args, nil
}

type Scanner interface{ Scan(...any) error }

func scanAudit(s Scanner) (auditlog.Entry, error) {
	var e auditlog.Entry
	err := s.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Source, &e.Action, &e.ObjectType, &e.ObjectID, &e.OrgID, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, MapErr(err)
}

// AuditAnchor is the chain's head as it was once seen — written down
// outside the database (`kexie audit head`, printed, mailed, signed) — so
// that a later verify can tell the chain still passes through it. An
// unkeyed chain alone cannot show a tail cut with the head moved back, or
// every entry re-hashed: an anchor kept apart can.
type AuditAnchor struct {
	Seq  int64
	Hash string
}

// AuditHead is the chain's head now: its last entry and that entry's hash.
func (db *DB) AuditHead(ctx context.Context) (AuditAnchor, error) {
	var a AuditAnchor
	err := db.r.QueryRowContext(ctx, `SELECT seq, last_hash FROM audit_head WHERE id = 1`).Scan(&a.Seq, &a.Hash)
	return a, MapErr(err)
}

// VerifyAudit walks the whole chain in order and returns how many entries
// it checked and the first defect, if any. progress, when not nil, is called
// every 1,000 entries. It reads the chain head first and checks the entries
// up to it, so appends made while it runs (on a live server) are neither
// missed nor mistaken for damage; an entry past the head is damage. Each
// anchor must be on the chain: its entry there, with its hash.
func (db *DB) VerifyAudit(ctx context.Context, progress func(n int64), anchors ...AuditAnchor) (int64, error) {
	// The last entry is read before the head: an append commits its entries
	// and the head's move together, so a later head can only be further on
	// — an entry found beyond it was not appended through the chain.
	var last sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT MAX(seq) FROM audit_log`).Scan(&last); err != nil {
		return 0, MapErr(err)
	}
	head, err := db.AuditHead(ctx)
	if err != nil {
		return 0, err
	}
	if last.Int64 > head.Seq {
		return 0, fmt.Errorf("entry %d: past the chain head (%d): not appended through the chain", head.Seq+1, head.Seq)
	}
	anchored := map[int64]string{}
	for _, a := range anchors {
		if a.Seq > head.Seq {
			return 0, fmt.Errorf("entry %d: missing (anchored with hash %s; the chain head says %d entries)", a.Seq, a.Hash, head.Seq)
		}
		anchored[a.Seq] = a.Hash
	}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, at, actor_id, actor, source, action, object_type, object_id, org_id, before_state, after_state, prev_hash, hash
		FROM audit_log WHERE seq <= $1 ORDER BY seq`, head.Seq)
	if err != nil {
		return 0, MapErr(err)
	}
	defer rows.Close()
	var c auditlog.Chain
	lastHash := auditlog.Genesis
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return c.Count(), err
		}
		if err := c.Next(e); err != nil {
			return c.Count(), err
		}
		if h, ok := anchored[e.Seq]; ok && h != e.Hash {
			return c.Count() - 1, fmt.Errorf("entry %d: hash differs from its anchor (%s): the chain was rewritten", e.Seq, h)
		}
		lastHash = e.Hash
		if progress != nil && c.Count()%1000 == 0 {
			progress(c.Count())
		}
	}
	if err := rows.Err(); err != nil {
		return c.Count(), MapErr(err)
	}
	// Entries cut off the end leave the head ahead of the last entry.
	if head.Seq != c.Count() {
		return c.Count(), fmt.Errorf("entry %d: missing (the chain head says %d entries, %d found)", c.Count()+1, head.Seq, c.Count())
	}
	if lastHash != head.Hash {
		return c.Count(), fmt.Errorf("entry %d: hash differs from the chain head's", head.Seq)
	}
	return c.Count(), nil
}

package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// keptTx runs a SQLite write transaction's statements through prepared
// statements kept on the writer's one connection, as the reader pool does
// for queries (Queries): SQLite parses and plans a statement each time it
// is given as text, and a write's few statements (the row, its history,
// the audit entry and the chain's head) cost more to prepare than to run.
// PostgreSQL's driver keeps its own cache per connection.
//
// A statement is bound to the transaction once per text (database/sql
// keeps every Stmt a transaction made until it ends: binding per call
// would grow with a bulk import's rows).
type keptTx struct {
	*sql.Tx
	db    *DB
	mu    sync.Mutex // an import writes from two goroutines, one at a time
	bound map[string]*sql.Stmt
	// missed: texts this transaction ran that are not kept yet.
	missed map[string]bool
}

// keep prepares on the writer pool the texts the transaction ran that are
// not kept yet, after it ended and gave the connection back. A text that
// does not prepare is run as text from then on too (it is not kept).
func (t *keptTx) keep(ctx context.Context) {
	for query := range t.missed {
		if t.db.nwstmts.Load() >= maxKept {
			return
		}
		if _, ok := t.db.wstmts.Load(query); ok {
			continue
		}
		st, err := t.db.w.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		if _, loaded := t.db.wstmts.LoadOrStore(query, st); loaded {
			st.Close()
		} else {
			t.db.nwstmts.Add(1)
		}
	}
}

// maxKept bounds the texts kept on the writer, as maxPrepared the reader's.
const maxKept = 1024

func (t *keptTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if !keepable(query) {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if st, ok := t.bound[query]; ok {
		return st
	}
	v, ok := t.db.wstmts.Load(query)
	if !ok {
		// The writer's one connection is this transaction's: the text is
		// prepared on the pool once the transaction has given it back
		// (keep), and runs as text until then.
		if t.missed == nil {
			t.missed = map[string]bool{}
		}
		t.missed[query] = true
		return nil
	}
	st := v.(*sql.Stmt)
	if t.bound == nil {
		t.bound = map[string]*sql.Stmt{}
	}
	// Bound to the transaction's connection, where it is prepared already
	// (database/sql prepares it there if the writer's connection changed).
	b := t.Tx.StmtContext(ctx, st)
	t.bound[query] = b
	return b
}

// keepable: one statement of data (SQLite prepares only a text's first
// statement, so a text of several must run as text), not a schema change.
func keepable(query string) bool {
	q := strings.TrimSpace(query)
	if strings.Contains(strings.TrimRight(q, "; \t\n"), ";") {
		return false
	}
	first, _, _ := strings.Cut(q, " ")
	switch strings.ToUpper(first) {
	case "CREATE", "DROP", "ALTER", "PRAGMA", "ANALYZE", "VACUUM", "REINDEX", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT":
		return false
	}
	return true
}

func (t *keptTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *keptTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *keptTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

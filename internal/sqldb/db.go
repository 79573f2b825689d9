// Package sqldb is the SQL layer every domain package shares: the pools on
// SQLite (embedded, default) or PostgreSQL, through database/sql with one SQL
// text per query for both; write transactions that carry the actor, the
// clock and the audit append; the one subtree predicate that scopes reads
// and writes to the actor's grants; the bulk writer; the migrations. It
// holds no domain rule: those live in access, registry, membership and
// governance, each over this layer.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/kexie/kexie/internal/kexie"
)

// Config says which database to open. DSN wins over Path when both are set.
type Config struct {
	Path string // SQLite file
	DSN  string // postgres://… (or a SQLite path)
	// Now is the clock; tests set it to move time. nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// DB is an open kexie database. For SQLite it holds two pools on one file:
// a single writer connection (SQLite allows one writer at a time, and one
// connection avoids SQLITE_BUSY between our own transactions) and a pool of
// query-only readers, which WAL lets run beside the writer. For PostgreSQL
// both are the same pool.
type DB struct {
	dialect Dialect
	w       *sql.DB
	r       *sql.DB
	now     func() time.Time
	log     *slog.Logger
	path    string
	stmts   sync.Map // query text → *sql.Stmt on the reader pool (see Prepared)
	nstmts  atomic.Int64
	// wstmts: query text → *sql.Stmt on SQLite's writer (see keptTx).
	wstmts  sync.Map
	nwstmts atomic.Int64
	// unkept turns keptTx off (benchmarks compare the two).
	unkept  bool
	closeMu sync.Mutex
	closers []func() // run by Close before the pools close (domains' background work)
	// fresh counts changes on PostgreSQL (see Generation); nil on SQLite.
	fresh *fresh
}

// Open connects and checks the connection; it does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{now: cfg.Now, log: cfg.Logger}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	target := cfg.DSN
	if target == "" {
		target = cfg.Path
	}
	if target == "" {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.no_database", "no database given (--db PATH or --dsn postgres://…)")
	}
	db.dialect = DialectOf(target)
	var err error
	switch db.dialect {
	case Postgres:
		if db.w, err = sql.Open("pgx", target); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.w.SetMaxOpenConns(20)
		// As many idle as open: under load a smaller idle pool closes and
		// reopens connections (a server process each) on every burst.
		db.w.SetMaxIdleConns(20)
		db.w.SetConnMaxIdleTime(5 * time.Minute)
		db.r = db.w
		db.fresh = &fresh{owner: db}
	case SQLite:
		db.path = target
		if dir := filepath.Dir(target); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		// A new database file is the operator's alone (0600): it holds
		// people's details and sealed ID numbers. SQLite gives its WAL and
		// shared-memory files the database file's permissions.
		if f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			f.Close()
		} else if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		if db.w, err = sql.Open("sqlite", sqliteDSN(target, true)); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		// The writer creates the file and turns WAL on before any reader
		// connects: a query-only connection cannot change the journal mode.
		if err := db.w.PingContext(ctx); err != nil {
			db.w.Close()
			return nil, MapErr(fmt.Errorf("open sqlite %s: %w", target, err))
		}
		if db.r, err = sql.Open("sqlite", sqliteDSN(target, false)); err != nil {
			db.w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.r.SetMaxOpenConns(8)
		// As many idle as open (the default keeps 2): under concurrent
		// reads a smaller idle pool closed and reopened connections — the
		// pragmas run and the schema parsed again — on most requests, and
		// each reopened connection loses its prepared statements.
		db.r.SetMaxIdleConns(8)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Dialect tells which engine this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Now is the database's clock, normalised to what both databases store: UTC,
// microsecond precision.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// At is db with another clock on the same pools (and a statement cache of
// its own), for writing history through the use cases: the demo's past
// award rounds. Close the original, never this.
func (db *DB) At(now func() time.Time) *DB {
	return &DB{dialect: db.dialect, w: db.w, r: db.r, now: now, log: db.log, path: db.path, fresh: db.fresh}
}

// Ping checks that both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return kexie.Wrap(kexie.CodeUnavailable, "err.unavailable", "database unavailable", err)
	}
	if db.r != db.w {
		if err := db.r.PingContext(ctx); err != nil {
			return kexie.Wrap(kexie.CodeUnavailable, "err.unavailable", "database unavailable", err)
		}
	}
	return nil
}

// Pools returns the connection pools, for metrics.
func (db *DB) Pools() map[string]*sql.DB {
	if db.r == db.w {
		return map[string]*sql.DB{"main": db.w}
	}
	return map[string]*sql.DB{"writer": db.w, "reader": db.r}
}

// prepared returns the reader pool's prepared statement for q, preparing it
// on first use. Hot read paths (authorisation checks on every request) skip
// the parse-and-plan step this way; database/sql re-prepares per connection
// as needed.
func (db *DB) Prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.r.PrepareContext(ctx, q)
	if err != nil {
		return nil, MapErr(err)
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	db.nstmts.Add(1)
	return st, nil
}

// OnClose registers f to run when the database closes, before its pools
// do: a domain's background writer (the ballot box) stops there.
func (db *DB) OnClose(f func()) {
	db.closeMu.Lock()
	defer db.closeMu.Unlock()
	db.closers = append(db.closers, f)
}

// Reader is the pool for queries: on SQLite query-only connections beside
// the single writer (WAL), on PostgreSQL the one pool.
func (db *DB) Reader() Queries { return Queries{db} }

// Queries runs queries on the reader pool. On SQLite each query text is
// prepared once per connection and kept (up to maxPrepared texts): parsing
// and planning a statement cost more than running the indexed look-ups
// that most requests make — two-fifths of an authenticated API request's
// time went to the SQL parser. (PostgreSQL's driver keeps its own cache of
// prepared statements per connection.)
type Queries struct{ db *DB }

// maxPrepared bounds the statements kept: queries built with varying
// texts (filters, lists) beyond it run unprepared.
const maxPrepared = 1024

// QueryContext runs a query that returns rows.
func (q Queries) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.db.cached(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.db.r.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row.
func (q Queries) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.db.cached(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.db.r.QueryRowContext(ctx, query, args...)
}

// cached is the kept statement for query on SQLite, or nil: on PostgreSQL,
// past maxPrepared, or when it does not prepare (the query then runs
// unprepared and reports its own error).
func (db *DB) cached(ctx context.Context, query string) *sql.Stmt {
	if db.dialect != SQLite {
		return nil
	}
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if db.nstmts.Load() >= maxPrepared {
		return nil
	}
	st, err := db.Prepared(ctx, query)
	if err != nil {
		return nil
	}
	return st
}

// Writer is the pool write transactions run on: on SQLite its single
// connection. Domains write through Write; this is for the few statements
// that cannot run in a transaction.
func (db *DB) Writer() *sql.DB { return db.w }

// Logger is the database's logger.
func (db *DB) Logger() *slog.Logger { return db.log }

// Path is the SQLite file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	db.closeMu.Lock()
	closers := db.closers
	db.closers = nil
	db.closeMu.Unlock()
	for _, f := range closers {
		f()
	}
	var errs []error
	db.stmts.Range(func(_, st any) bool { errs = append(errs, st.(*sql.Stmt).Close()); return true })
	db.wstmts.Range(func(_, st any) bool { errs = append(errs, st.(*sql.Stmt).Close()); return true })
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Tx is a write transaction with the actor on whose behalf it runs; audit
// entries written through it name that actor.
type Tx struct {
	querier
	db    *DB
	actor kexie.Actor
	now   time.Time
	// conn is set when the transaction was begun by hand on one connection
	// (PostgreSQL bulk import), so COPY can run inside it.
	conn *sql.Conn
	// audits, when set, holds the audit entries until the transaction's
	// owner appends them in one go (AuditQueue).
	audits *AuditQueue
}

// Actor is on whose behalf the transaction runs.
func (tx *Tx) Actor() kexie.Actor { return tx.actor }

// As is the same transaction acting for actor: its audit entries and
// permission checks name actor (group commit runs several callers' work
// in one transaction, each under a savepoint of its own).
func (tx *Tx) As(actor kexie.Actor) *Tx {
	c := *tx
	c.actor = actor
	return &c
}

// Now is the transaction's clock reading (UTC, microseconds), one for all
// its rows.
func (tx *Tx) Now() time.Time { return tx.now }

// DB is the database the transaction runs on.
func (tx *Tx) DB() *DB { return tx.db }

// Conn is the connection of a transaction begun by hand for a bulk load on
// PostgreSQL (so COPY runs inside it); nil otherwise.
func (tx *Tx) Conn() *sql.Conn { return tx.conn }

// querier is what a transaction runs statements with: a *sql.Tx, or a
// *sql.Conn inside a BEGIN of its own.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Write runs fn in a write transaction, committing when fn returns nil.
// Driver errors are mapped to kexie's classes on the way out.
func (db *DB) Write(ctx context.Context, actor kexie.Actor, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return MapErr(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{querier: sqlTx, db: db, actor: actor, now: db.Now()}
	var kept *keptTx
	if db.dialect == SQLite && !db.unkept {
		kept = &keptTx{Tx: sqlTx, db: db}
		tx.querier = kept
	}
	err = fn(tx)
	if err == nil {
		err = sqlTx.Commit()
		if err != nil {
			err = fmt.Errorf("commit: %w", err)
		} else {
			db.committed()
		}
	} else {
		_ = sqlTx.Rollback()
	}
	if kept != nil && kept.missed != nil {
		kept.keep(ctx)
	}
	return MapErr(err)
}

// Read runs fn in a read transaction (read-only on PostgreSQL): one
// consistent view for a read that takes several queries.
func (db *DB) Read(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.dialect == Postgres})
	if err != nil {
		return MapErr(err)
	}
	defer sqlTx.Rollback()
	return MapErr(fn(&Tx{querier: sqlTx, db: db, now: db.Now()}))
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// WriteOrDry is Write, rolled back at the end when dry: a dry run checks
// everything a real one would, and keeps nothing.
func (db *DB) WriteOrDry(ctx context.Context, actor kexie.Actor, dry bool, fn func(tx *Tx) error) error {
	err := db.Write(ctx, actor, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if dry {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// Backup writes a consistent copy of a live SQLite database to out. For
// PostgreSQL it returns an error saying to use pg_dump.
func (db *DB) Backup(ctx context.Context, out string) error {
	q, err := backupSQL(db.dialect)
	if err != nil {
		return kexie.Wrap(kexie.CodeInvalid, "err.backup_pg", err.Error(), err)
	}
	if _, err := os.Stat(out); err == nil {
		return kexie.Errorf(kexie.CodeConflict, "err.backup_exists", "%s already exists; choose a new file", out)
	}
	// The copy is as sensitive as the database: made the operator's alone
	// (0600) before SQLite writes into it (VACUUM INTO takes an empty file).
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	f.Close()
	// VACUUM INTO runs in its own read transaction, so the copy is a
	// consistent snapshot even while the server writes. It cannot run inside
	// a transaction, hence the writer pool's single connection directly.
	if _, err := db.w.ExecContext(ctx, q, out); err != nil {
		os.Remove(out)
		return MapErr(fmt.Errorf("backup to %s: %w", out, err))
	}
	return nil
}

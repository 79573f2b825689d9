package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/kexie/kexie/internal/kexie"
)

// Bulk loading is the second place (after dialect.go) where the engines
// differ in code, because the fastest way in differs: PostgreSQL takes rows
// through COPY; SQLite through multi-row INSERT statements prepared once,
// the values every row shares bound once per statement.

// BulkTable is a table a bulk import appends to: the columns each row
// gives, and the columns all rows share one value of.
type BulkTable struct {
	Name   string
	Cols   []string
	Shared []string
}

// sqliteBulkRows is how many rows one SQLite INSERT carries: past a few
// dozen the gain flattens while the statement's bind cost grows.
const sqliteBulkRows = 64

// BulkWriter collects rows of one table and writes them in bulk.
type BulkWriter struct {
	tx     *Tx
	t      BulkTable
	shared []any
	rows   [][]any
	stmts  map[bulkStmtKey]*sql.Stmt // SQLite: the INSERTs prepared
	// pgTypes (PostgreSQL): the types of the columns, then of the shared
	// ones, read at the first COPY.
	pgTypes []string
	args    []any // SQLite: reused for each INSERT
}

// bulkStmtKey names a prepared INSERT: how many rows, which columns it
// binds once for all of them, and which columns carry text in every row
// (a bit each; see stmt).
type bulkStmtKey struct {
	n          int
	same, text uint64
}

func NewBulkWriter(tx *Tx, t BulkTable, shared ...any) *BulkWriter {
	return &BulkWriter{tx: tx, t: t, shared: shared, stmts: map[bulkStmtKey]*sql.Stmt{}}
}

func (b *BulkWriter) Add(vals ...any) { b.rows = append(b.rows, vals) }

// Table is the table the writer appends to.
func (b *BulkWriter) Table() BulkTable { return b.t }

// SharedValues are the values of the table's shared columns, in order.
func (b *BulkWriter) SharedValues() []any { return append([]any(nil), b.shared...) }

// Pending is how many rows wait to be taken.
func (b *BulkWriter) Pending() int { return len(b.rows) }

// take returns the pending rows and starts a new list.
func (b *BulkWriter) Take() [][]any {
	rows := b.rows
	b.rows = make([][]any, 0, cap(rows))
	return rows
}

// write writes rows (taken from this writer).
func (b *BulkWriter) Write(ctx context.Context, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var err error
	if b.tx.conn != nil {
		err = b.copyRows(ctx, rows)
	} else {
		err = b.insertRows(ctx, rows)
	}
	if err != nil {
		return fmt.Errorf("bulk insert into %s: %w", b.t.Name, err)
	}
	return nil
}

func (b *BulkWriter) copyRows(ctx context.Context, pending [][]any) error {
	cols := append(append([]string{}, b.t.Cols...), b.t.Shared...)
	return b.tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver, not %T", dc)
		}
		if b.pgTypes == nil {
			types, err := columnTypes(ctx, c.Conn(), b.t.Name, cols)
			if err != nil {
				return err
			}
			b.pgTypes = types
		}
		if data, ok := b.binaryCopy(pending); ok {
			quoted := make([]string, len(cols))
			for i, c := range cols {
				quoted[i] = pgx.Identifier{c}.Sanitize()
			}
			_, err := c.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(data),
				`COPY `+pgx.Identifier{b.t.Name}.Sanitize()+` (`+strings.Join(quoted, ", ")+`) FROM STDIN (FORMAT binary)`)
			return err
		}
		// A value of a type binaryCopy does not write: pgx's own encoding.
		rows := make([][]any, len(pending))
		for i, r := range pending {
			rows[i] = append(r[:len(r):len(r)], b.shared...)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{b.t.Name}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// columnTypes reads the types of a table's columns, in the order given.
func columnTypes(ctx context.Context, c *pgx.Conn, table string, cols []string) ([]string, error) {
	rows, err := c.Query(ctx, `SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`, pgx.Identifier{table}.Sanitize())
	if err != nil {
		return nil, err
	}
	byName := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		byName[name] = typ
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	types := make([]string, len(cols))
	for i, c := range cols {
		if types[i] = byName[c]; types[i] == "" {
			return nil, fmt.Errorf("bulk insert into %s: no column %s", table, c)
		}
	}
	return types, nil
}

// binaryCopy writes rows, each followed by the shared values, in
// PostgreSQL's binary COPY format, for columns of the types a load writes
// (bigint, integer, smallint, text, boolean, timestamp with time zone);
// false when a value is of another kind. pgx's CopyFrom does the same
// through its general encoders: for a million members (some forty
// values each) a tenth of the import's CPU, and a query of the table's
// columns per COPY. The format: a signature, flags and extension length;
// per row the number of fields, then each field as its length (-1: NULL)
// and its bytes; -1 at the end.
func (b *BulkWriter) binaryCopy(rows [][]any) ([]byte, bool) {
	shared, ok := []byte(nil), true
	width := len(b.t.Cols)
	if len(b.shared) != len(b.t.Shared) || len(b.pgTypes) != width+len(b.shared) {
		return nil, false // pgx says what is wrong
	}
	for i, v := range b.shared {
		if shared, ok = appendBinary(shared, b.pgTypes[width+i], v); !ok {
			return nil, false
		}
	}
	buf := make([]byte, 0, 19+len(rows)*(2+len(shared)+width*16)+2)
	buf = append(buf, "PGCOPY\n\xff\r\n\x00"...)
	buf = binary.BigEndian.AppendUint32(buf, 0)
	buf = binary.BigEndian.AppendUint32(buf, 0)
	fields := uint16(width + len(b.shared))
	for _, r := range rows {
		if len(r) != width {
			return nil, false
		}
		buf = binary.BigEndian.AppendUint16(buf, fields)
		for j, v := range r {
			if buf, ok = appendBinary(buf, b.pgTypes[j], v); !ok {
				return nil, false
			}
		}
		buf = append(buf, shared...)
	}
	return binary.BigEndian.AppendUint16(buf, 0xffff), true
}

// pgEpoch is where PostgreSQL counts its timestamps from, 2000-01-01
// UTC, in microseconds of the Unix epoch.
const pgEpoch = 946_684_800 * 1_000_000

// appendBinary appends v as one field of a binary COPY into a column of
// type typ (format_type's name), or reports false when it does not write
// that pair.
func appendBinary(buf []byte, typ string, v any) ([]byte, bool) {
	if v == nil {
		return binary.BigEndian.AppendUint32(buf, 0xffffffff), true
	}
	switch typ {
	case "text", "character varying":
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case driver.Valuer:
			return buf, false // its Value says what it stores
		default:
			// A named string type (a status, a kind).
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.String {
				return buf, false
			}
			s = rv.String()
		}
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
		return append(buf, s...), true
	case "bigint", "integer", "smallint":
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case int:
			n = int64(x)
		default:
			return buf, false
		}
		switch {
		case typ == "bigint":
			buf = binary.BigEndian.AppendUint32(buf, 8)
			return binary.BigEndian.AppendUint64(buf, uint64(n)), true
		case typ == "integer" && n == int64(int32(n)):
			buf = binary.BigEndian.AppendUint32(buf, 4)
			return binary.BigEndian.AppendUint32(buf, uint32(n)), true
		case typ == "smallint" && n == int64(int16(n)):
			buf = binary.BigEndian.AppendUint32(buf, 2)
			return binary.BigEndian.AppendUint16(buf, uint16(n)), true
		}
		return buf, false
	case "boolean":
		x, ok := v.(bool)
		if !ok {
			return buf, false
		}
		buf = binary.BigEndian.AppendUint32(buf, 1)
		if x {
			return append(buf, 1), true
		}
		return append(buf, 0), true
	case "timestamp with time zone":
		x, ok := v.(time.Time)
		if !ok {
			return buf, false
		}
		buf = binary.BigEndian.AppendUint32(buf, 8)
		return binary.BigEndian.AppendUint64(buf, uint64(x.UnixMicro()-pgEpoch)), true
	}
	return buf, false
}

func (b *BulkWriter) insertRows(ctx context.Context, rows [][]any) error {
	for start := 0; start < len(rows); start += sqliteBulkRows {
		chunk := rows[start:min(start+sqliteBulkRows, len(rows))]
		st, same, text, err := b.stmt(ctx, chunk)
		if err != nil {
			return err
		}
		args := b.args[:0]
		args = append(args, b.shared...)
		for j, v := range chunk[0] {
			if same&(1<<j) != 0 {
				args = append(args, v)
			}
		}
		for _, r := range chunk {
			for j, v := range r {
				if same&(1<<j) == 0 {
					if s, ok := v.(string); ok && s == "" && text&(1<<j) != 0 {
						v = nil // read back as '' (stmt)
					}
					args = append(args, v)
				}
			}
		}
		b.args = args
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// sameCols returns the columns whose value is the same in every row of
// chunk, and the columns whose value is a string in every row, a bit
// each.
func sameCols(chunk [][]any) (same, text uint64) {
	if len(chunk[0]) > 64 {
		return 0, 0
	}
	for j, v := range chunk[0] {
		all := len(chunk) > 1
		_, str := v.(string)
		for _, r := range chunk[1:] {
			if all && !sameValue(r[j], v) {
				all = false
			}
			if _, ok := r[j].(string); !ok {
				str = false
			}
			if !all && !str {
				break
			}
		}
		if all {
			same |= 1 << j
		}
		if str {
			text |= 1 << j
		}
	}
	return same, text
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}

// maxBulkStmts bounds the statements one table keeps prepared: one per
// set of columns found the same throughout a chunk (and per chunk size).
const maxBulkStmts = 8

// stmt returns the INSERT for chunk, the columns it binds once and the
// columns whose empty strings it takes as NULL: INSERT INTO t (cols,
// shared) SELECT coalesce(column1, <empty string>), ?k, …, ?1, … FROM
// (VALUES (?, …), …). The shared values are the first numbered parameters; then the
// columns whose value the chunk's rows all have in common, bound once
// (binding is most of the cost of writing a row through this driver, and
// the columns of a member file repeat: type, status, nationality, kind of
// document, empty ones); then each row's other values, as anonymous
// parameters. In a column that holds text on every row of the chunk an
// empty string travels as NULL and coalesce reads it back as one: this
// driver copies every bound string into C memory and unbinds and frees it
// after the statement, and a NULL costs none of that (the columns of a
// real register are empty often, each row differently). A set of common
// columns not prepared yet, once the table has maxBulkStmts, is narrowed
// to the largest prepared one it covers.
func (b *BulkWriter) stmt(ctx context.Context, chunk [][]any) (*sql.Stmt, uint64, uint64, error) {
	n := len(chunk)
	same, text := sameCols(chunk)
	if same == 1<<len(b.t.Cols)-1 {
		same &^= 1 // a VALUES row needs a column
	}
	if st, ok := b.stmts[bulkStmtKey{n, same, text}]; ok {
		return st, same, text, nil
	}
	if len(b.stmts) >= maxBulkStmts {
		best, found := uint64(0), false
		for k := range b.stmts {
			if k.n == n && k.text == text && k.same&^same == 0 && (!found || bits.OnesCount64(k.same) > bits.OnesCount64(best)) {
				best, found = k.same, true
			}
		}
		if found {
			return b.stmts[bulkStmtKey{n, best, text}], best, text, nil
		}
		same = 0
	}
	var q strings.Builder
	q.WriteString("INSERT OR FAIL INTO " + b.t.Name + " (" + strings.Join(b.t.Cols, ", "))
	for _, c := range b.t.Shared {
		q.WriteString(", " + c)
	}
	q.WriteString(") SELECT ")
	param, col := len(b.t.Shared), 0
	row := make([]string, 0, len(b.t.Cols))
	for j := range b.t.Cols {
		if same&(1<<j) != 0 {
			param++
			fmt.Fprintf(&q, "?%d, ", param)
		} else {
			col++
			if text&(1<<j) != 0 {
				fmt.Fprintf(&q, "coalesce(column%d, ''), ", col)
			} else {
				fmt.Fprintf(&q, "column%d, ", col)
			}
			row = append(row, "?")
		}
	}
	for i := range b.t.Shared {
		fmt.Fprintf(&q, "?%d, ", i+1)
	}
	s := strings.TrimSuffix(q.String(), ", ")
	q.Reset()
	q.WriteString(s + " FROM (VALUES ")
	values := "(" + strings.Join(row, ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(values)
	}
	q.WriteString(")")
	st, err := b.tx.PrepareContext(ctx, q.String())
	if err != nil {
		return nil, 0, 0, err
	}
	b.stmts[bulkStmtKey{n, same, text}] = st
	return st, same, text, nil
}

func (b *BulkWriter) Close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// IDAllocator hands out primary keys for rows written in bulk: on SQLite
// (one writer, holding the write lock for the whole transaction) counting
// on from the largest; on PostgreSQL drawn from the column's sequence in
// blocks, through seq, a connection of its own rather than the import's:
// a sequence stands outside transactions, and the import's connection is
// busy with COPY while the next rows are being prepared (drawing through
// it made preparing wait for every COPY). seq is taken before the load
// locks any table: a connection from the pool at the time of a draw could
// be one the load itself keeps busy, every pooled connection waiting on
// its locks.
type IDAllocator struct {
	tx    *Tx
	Seq   *sql.Conn // PostgreSQL: the connection ids are drawn on (see above)
	table string
	// Locked (PostgreSQL): the load holds the table against every other
	// writer until it commits (a first load: LockForLoad), so nothing else
	// draws from its sequence meanwhile, and a block is claimed by moving
	// the sequence on once instead of drawing each of its ids.
	Locked bool
	next   int64 // the next id to give
	end    int64 // PostgreSQL: the first id past the block drawn
	pool   []int64
	init   bool
	block  int // ids the last draw from the sequence took (PostgreSQL)
}

// idBlock is the most ids one draw from a PostgreSQL sequence takes (eight
// times as many when the table is Locked: a block is then claimed at once,
// not drawn id by id). The first draw takes 64 and each next one twice as
// many, so a small import (or a dry run, which gives nothing back to the
// sequence) wastes few.
const idBlock = 8192

// NewIDAllocator draws ids for rows of table written through tx.
func NewIDAllocator(tx *Tx, table string) IDAllocator { return IDAllocator{tx: tx, table: table} }

func (a *IDAllocator) Take(ctx context.Context) (int64, error) {
	if a.tx.conn == nil {
		if !a.init {
			if err := a.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+a.table).Scan(&a.next); err != nil {
				return 0, err
			}
			a.init = true
		}
		a.next++
		return a.next - 1, nil
	}
	if a.Locked {
		if a.next == a.end {
			a.block = min(max(2*a.block, 64), 8*idBlock)
			var last int64
			if err := a.Seq.QueryRowContext(ctx, `SELECT setval(s, nextval(s) + $2 - 1) FROM pg_get_serial_sequence($1, 'id') AS s`,
				a.table, a.block).Scan(&last); err != nil {
				return 0, err
			}
			a.next, a.end = last-int64(a.block)+1, last+1
		}
		a.next++
		return a.next - 1, nil
	}
	if len(a.pool) == 0 {
		a.block = min(max(2*a.block, 64), idBlock)
		rows, err := a.Seq.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, a.table, a.block)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, err
			}
			a.pool = append(a.pool, id)
		}
		if err := rows.Close(); err != nil {
			return 0, err
		}
	}
	id := a.pool[0]
	a.pool = a.pool[1:]
	return id, nil
}

// LockForLoad (PostgreSQL) locks tables against every other writer until
// the transaction ends (readers go on), as a first load needs for its
// IDAllocators' Locked, then asks still whether the load is still one that
// wants them locked (the register may have filled while it waited): if
// not, the lock is given back and false returned. (Dropping their indexes
// takes the stronger lock anyway.) SQLite's write transaction already
// excludes every writer: there it returns still's answer.
func (tx *Tx) LockForLoad(ctx context.Context, still func() (bool, error), tables ...string) (bool, error) {
	if tx.db.dialect != Postgres {
		return still()
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT load_lock`); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(tables, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return false, err
	}
	ok, err := still()
	if err != nil {
		return false, err
	}
	if !ok {
		// A lock taken after a savepoint goes with it.
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT load_lock`); err != nil {
			return false, err
		}
	}
	_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT load_lock`)
	return ok, err
}

// bulkWrite runs fn in a write transaction fit for bulk loading, rolled
// back when dry, on one connection held from the first statement to the
// last. On PostgreSQL it is a BEGIN by hand, so that COPY (which
// database/sql cannot reach) runs inside the transaction. On SQLite it is
// the writer connection with the settings of a load, given back before the
// connection goes back to the pool: the pool has only this one writer, and
// whatever write waits for it would otherwise run with them.
func (db *DB) BulkWrite(ctx context.Context, actor kexie.Actor, dry bool, fn func(tx *Tx) error) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return MapErr(fmt.Errorf("connect: %w", err))
	}
	defer conn.Close()
	tx := &Tx{db: db, actor: actor, now: db.Now()}
	var commit, rollback func() error
	if db.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return MapErr(fmt.Errorf("begin: %w", err))
		}
		tx.querier, tx.conn = conn, conn
		commit = func() error { _, err := conn.ExecContext(ctx, "COMMIT"); return err }
		rollback = func() error { _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); return err }
	} else {
		defer func() {
			_ = resetConn(ctx, conn, `PRAGMA cache_size = -2000`, `PRAGMA threads = 0`, `PRAGMA temp_store = DEFAULT`, `PRAGMA foreign_keys = ON`)
		}()
		sqlTx, err := sqliteBulkBegin(ctx, conn)
		if err != nil {
			return MapErr(err)
		}
		tx.querier, commit, rollback = sqlTx, sqlTx.Commit, sqlTx.Rollback
	}
	err = fn(tx)
	if err == nil && dry {
		err = errDryRun
	}
	if err != nil {
		if rerr := rollback(); rerr != nil {
			// Never hand a connection with an open transaction back to the pool.
			discardConn(conn)
		}
		if errors.Is(err, errDryRun) {
			return nil
		}
		return MapErr(err)
	}
	if err := commit(); err != nil {
		return MapErr(fmt.Errorf("commit: %w", err))
	}
	db.committed()
	return nil
}

// resetConn puts a held connection's settings back (SQLite pragmas made
// outside a transaction for one piece of work), even after ctx ends. A
// connection that cannot be put back is not handed on to the pool: the
// next user (on SQLite, every write: the pool has one writer) would run
// with the settings.
func resetConn(ctx context.Context, conn *sql.Conn, qs ...string) error {
	for _, q := range qs {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), q); err != nil {
			discardConn(conn)
			return err
		}
	}
	return nil
}

// discardConn makes the pool close conn when it is given back instead of
// reusing it.
func discardConn(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}

// sqliteBulkBegin makes the settings of a load on the SQLite writer
// connection and begins its transaction.
func sqliteBulkBegin(ctx context.Context, conn *sql.Conn) (*sql.Tx, error) {
	// A multi-row INSERT into a table with an index keeps a statement
	// journal (SQLite's undo of one statement) whatever the conflict
	// clause: in memory it costs a copy, in a temporary file a write per
	// page. (A first load keeps none: all its indexes are put off; a load
	// into a filled register writes with them live.)
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return nil, err
	}
	// A first load writes only keys it has just allocated or looked up in
	// the same transaction: checking each against its parent row (three
	// lookups per member) buys nothing. The pragma cannot change inside a
	// transaction, hence before it, on an empty register only.
	var empty bool
	if err := conn.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM people)`).Scan(&empty); err != nil {
		return nil, err
	}
	if empty {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return nil, err
		}
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	// Otherwise foreign keys are checked at commit, and INSERT OR FAIL: no
	// statement needs to undo itself half-way (an error rolls the whole
	// transaction back anyway).
	if _, err := sqlTx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		_ = sqlTx.Rollback()
		return nil, err
	}
	return sqlTx, nil
}

// DeferredIndexes are secondary indexes a bulk load into empty tables
// drops and builds again at the end: one sort instead of a random B-tree
// insert per row. (On PostgreSQL, DROP INDEX locks the tables until the
// load commits: readers of the member tables wait for a first load.)
type DeferredIndexes struct {
	tx      *Tx
	creates []string
	// replica: the load runs as a PostgreSQL replica (no triggers), so
	// checks, the foreign keys it did not have checked row by row, are
	// checked by one query each at the end.
	replica bool
	checks  []fkCheck
	// keys add back the UNIQUE constraints (PostgreSQL) or unique indexes
	// (SQLite) put off: at the end, or as soon as the load needs to look
	// rows up by them.
	keys []string
}

// Replica reports whether the load runs as a PostgreSQL replica.
func (d *DeferredIndexes) Replica() bool { return d.replica }

// fkCheck is a foreign key and a query that returns a row when a row of
// its table breaks it.
type fkCheck struct{ name, query string }

// deferIndexes drops the secondary indexes of the given tables (not the
// ones that back a PRIMARY KEY or UNIQUE constraint, nor partial ones; on
// SQLite a unique index is dropped, and kept among the keys) and remembers how to build
// them again. On SQLite it also gives the writer a
// page cache that holds the leaves being appended to.
func DeferIndexes(ctx context.Context, tx *Tx, tables ...string) (*DeferredIndexes, error) {
	d := &DeferredIndexes{tx: tx}
	in := "'" + strings.Join(tables, "', '") + "'"
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + in + `) ORDER BY name`
	if tx.db.dialect == Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (` + in + `)
			AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			rows.Close()
			return nil, err
		}
		if strings.Contains(q, " WHERE ") {
			// A partial index stays: it holds the few rows of a kind a bulk
			// load does not write (on the member tables: open applications,
			// issued cards), so it costs the load a test per row, where
			// building it again costs a scan of the whole table.
			continue
		}
		names = append(names, name)
		if strings.HasPrefix(q, "CREATE UNIQUE INDEX") {
			// (SQLite) a key: back as soon as a row needs a lookup by it.
			d.keys = append(d.keys, q)
		} else {
			d.creates = append(d.creates, q)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+n); err != nil {
			return nil, err
		}
	}
	if tx.db.dialect == Postgres {
		if err := d.DeferConstraints(ctx, in); err != nil {
			return nil, err
		}
	}
	if tx.db.dialect == SQLite {
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -16384`); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// deferConstraints (PostgreSQL) puts off the constraints a load into the
// tables in (a quoted list) would otherwise check row by row.
func (d *DeferredIndexes) DeferConstraints(ctx context.Context, in string) error {
	tx := d.tx
	// UNIQUE constraints no foreign key depends on, and foreign keys
	// between the loaded tables: dropped, and added back at the end, where
	// each is checked by one sort or one join. (A UNIQUE constraint comes
	// back earlier when the load needs its index: restoreKeys.)
	rows, err := tx.QueryContext(ctx, `SELECT contype, conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint c
		WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text IN (`+in+`)
		AND (contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
			OR contype = 'f' AND confrelid::regclass::text IN (`+in+`))
		ORDER BY contype DESC, conname`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var kind, name, table, def string
		if err := rows.Scan(&kind, &name, &table, &def); err != nil {
			rows.Close()
			return err
		}
		drops = append(drops, `ALTER TABLE `+table+` DROP CONSTRAINT `+name)
		add := `ALTER TABLE ` + table + ` ADD CONSTRAINT ` + name + ` ` + def
		if kind == "u" {
			d.keys = append(d.keys, add)
		} else {
			d.creates = append(d.creates, add)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, q := range drops {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	// A foreign key to a table the load does not write (memberships →
	// orgs) cannot be dropped without locking that table against readers
	// until the load commits. Its per-row check (a trigger) can be left
	// out instead when this role may load as a replica does
	// (session_replication_role: superuser, or GRANT SET ON PARAMETER),
	// and made once at the end by an anti-join. Without that right the
	// rows are checked one by one, as any insert is.
	if _, err := tx.ExecContext(ctx, `SAVEPOINT bulk_role`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT bulk_role`); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT bulk_role`)
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT bulk_role`); err != nil {
		return err
	}
	d.replica = true
	rows, err = tx.QueryContext(ctx, `SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
			string_agg(a.attname, ',' ORDER BY k.n), string_agg(fa.attname, ',' ORDER BY k.n)
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(ck, fk, n)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fk
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace AND c.conrelid::regclass::text IN (`+in+`)
			AND c.confrelid::regclass::text NOT IN (`+in+`)
		GROUP BY c.conname, c.conrelid, c.confrelid ORDER BY c.conname`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, table, parent, cols, pcols string
		if err := rows.Scan(&name, &table, &parent, &cols, &pcols); err != nil {
			rows.Close()
			return err
		}
		d.checks = append(d.checks, fkCheck{name, fkCheckQuery(table, parent, strings.Split(cols, ","), strings.Split(pcols, ","))})
	}
	return rows.Close()
}

// fkCheckQuery returns one row when a row of table breaks the foreign key
// cols → parent(pcols) (MATCH SIMPLE: a row with a null key column is not
// checked), and none otherwise.
func fkCheckQuery(table, parent string, cols, pcols []string) string {
	var notNull, match []string
	for i, c := range cols {
		notNull = append(notNull, `c.`+pgx.Identifier{c}.Sanitize()+` IS NOT NULL`)
		match = append(match, `p.`+pgx.Identifier{pcols[i]}.Sanitize()+` = c.`+pgx.Identifier{c}.Sanitize())
	}
	return `SELECT 1 FROM ` + table + ` c WHERE ` + strings.Join(notNull, ` AND `) +
		` AND NOT EXISTS (SELECT 1 FROM ` + parent + ` p WHERE ` + strings.Join(match, ` AND `) + `) LIMIT 1`
}

// restoreKeys adds back the UNIQUE constraints put off, if any still are
// (nothing to do on a nil d: no indexes were put off).
func (d *DeferredIndexes) RestoreKeys(ctx context.Context) error {
	if d == nil {
		return nil
	}
	for _, q := range d.keys {
		if _, err := d.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild unique key: %w", err)
		}
	}
	d.keys = nil
	return nil
}

// restore builds the dropped indexes and constraints again, checks the
// foreign keys left unchecked, and gives the page cache back.
func (d *DeferredIndexes) Restore(ctx context.Context) error {
	if d == nil {
		return nil
	}
	switch d.tx.db.dialect {
	case SQLite:
		// By now the reading side is done: its memory goes back to the
		// system (else the sorts' memory would come on top of it), and
		// the sorts get helper threads (the other core). Their runs go to
		// temporary files, in pieces of the least size SQLite takes (250
		// pages): measured at 1,000,000 members, larger pieces sorted
		// slower (4.2 s with 4 MiB pieces and two helpers, 7.3 s with 64
		// MiB and one). (No temporary table exists, so the settings may
		// change inside the transaction.)
		debug.FreeOSMemory()
		for _, q := range []string{`PRAGMA cache_size = -4096`, `PRAGMA threads = 2`, `PRAGMA temp_store = DEFAULT`} {
			if _, err := d.tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
	case Postgres:
		// Triggers (the audit log's guards among them) fire again for
		// whatever the transaction writes after the load. (Only when the
		// role was changed: setting it needs the same right.)
		if d.replica {
			if _, err := d.tx.ExecContext(ctx, `SET LOCAL session_replication_role = origin`); err != nil {
				return err
			}
		}
	}
	if err := d.RestoreKeys(ctx); err != nil {
		return err
	}
	for _, q := range d.creates {
		if _, err := d.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	d.creates = nil
	for _, c := range d.checks {
		var one int
		err := d.tx.QueryRowContext(ctx, c.query).Scan(&one)
		if err == nil {
			// What an insert that broke it would have said, row by row.
			return kexie.Wrap(kexie.CodeInvalid, "err.reference", "refers to something that does not exist, or is still referred to",
				fmt.Errorf("bulk load broke foreign key %s", c.name))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check foreign key %s: %w", c.name, err)
		}
	}
	d.checks = nil
	return nil
}

// Stmt is one statement of a Pipeline.
type Stmt struct {
	SQL  string
	Args []any
}

// Pipeline runs stmts in order, stopping at the first that fails. On a
// PostgreSQL bulk transaction they travel together (one round trip for
// all, each text prepared once per connection), where one at a time costs
// a round trip each; elsewhere (SQLite: in process) one after another.
func (tx *Tx) Pipeline(ctx context.Context, stmts []Stmt) error {
	if len(stmts) == 0 {
		return nil
	}
	if tx.conn == nil {
		// Each text prepared once for the lot (parsing it anew for every
		// row cost more than running it).
		prepared := map[string]*sql.Stmt{}
		defer func() {
			for _, st := range prepared {
				st.Close()
			}
		}()
		for _, s := range stmts {
			st, ok := prepared[s.SQL]
			if !ok {
				var err error
				if st, err = tx.PrepareContext(ctx, s.SQL); err != nil {
					return err
				}
				prepared[s.SQL] = st
			}
			if _, err := st.ExecContext(ctx, s.Args...); err != nil {
				return err
			}
		}
		return nil
	}
	return tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("a pipeline needs the pgx driver, not %T", dc)
		}
		b := &pgx.Batch{}
		for _, s := range stmts {
			b.Queue(s.SQL, s.Args...)
		}
		br := c.Conn().SendBatch(ctx, b)
		for range stmts {
			if _, err := br.Exec(); err != nil {
				_ = br.Close()
				return err
			}
		}
		return br.Close()
	})
}

package sqldb

import (
	"context"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

func keptDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "kept.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Writer().Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestKeptStatementsOnSQLiteWrites: a write transaction's statements are
// prepared once on the writer and kept, and run as they did as text: a
// text of several statements runs every one of them (SQLite would prepare
// only the first), a query sees the transaction's own rows, a rollback
// keeps nothing, and a text that does not prepare reports its error.
func TestKeptStatementsOnSQLiteWrites(t *testing.T) {
	ctx := context.Background()
	db := keptDB(t)
	actor := kexie.SystemActor("test")
	count := func() int {
		var n int
		if err := db.Writer().QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for round := range 3 {
		err := db.Write(ctx, actor, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, "a"+strconv.Itoa(round)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ('x'); INSERT INTO t (v) VALUES ('y')`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE v = $1`, "a"+strconv.Itoa(round)).Scan(&n); err != nil || n != 1 {
				t.Errorf("round %d: the transaction's own row: %d %v", round, n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := count(); got != 3*(round+1) {
			t.Fatalf("round %d: %d rows, want %d", round, got, 3*(round+1))
		}
	}
	if n := db.nwstmts.Load(); n != 2 {
		t.Errorf("%d texts kept, want 2 (the insert and the count; not the text of two statements)", n)
	}
	// A rollback keeps nothing, through kept statements too.
	_ = db.Write(ctx, actor, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, "gone"); err != nil {
			t.Fatal(err)
		}
		return kexie.Errorf(kexie.CodeInvalid, "err.test", "no")
	})
	if got := count(); got != 9 {
		t.Fatalf("after a rollback: %d rows, want 9", got)
	}
	err := db.Write(ctx, actor, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO nowhere (v) VALUES ($1)`, "x")
		return err
	})
	if err == nil {
		t.Fatal("an insert into a missing table succeeded")
	}
}

// BenchmarkKeptWrites: small write transactions (an insert and a look-up,
// as most writes with their audit entry are) with the writer's statements
// kept and run as text, alternately in one run, without fsync:
//
//	go test ./internal/sqldb/ -run '^$' -bench KeptWrites
func BenchmarkKeptWrites(b *testing.B) {
	ctx := context.Background()
	db := keptDB(b)
	// Without waiting for the disk, which would hide the statements' cost
	// (the writer is one connection: the setting holds for every write).
	if _, err := db.Writer().Exec(`PRAGMA synchronous = OFF`); err != nil {
		b.Fatal(err)
	}
	actor := kexie.SystemActor("bench")
	for _, unkept := range []bool{false, true, false, true} {
		name := map[bool]string{false: "kept", true: "text"}[unkept]
		b.Run(name, func(b *testing.B) {
			db.unkept = unkept
			// CPU time per write beside the wall time: on a shared machine
			// the wall clock measures the neighbours too.
			cpu := func() time.Duration {
				var ru syscall.Rusage
				_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			}
			start := cpu()
			defer func() { b.ReportMetric(float64((cpu()-start).Nanoseconds())/float64(b.N), "cpu-ns/op") }()
			for i := 0; b.Loop(); i++ {
				err := db.Write(ctx, actor, func(tx *Tx) error {
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE id = $1 AND v <> $2`, i, "z").Scan(&n); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, strconv.Itoa(n))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	db.unkept = false
}

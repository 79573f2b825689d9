package sqldb_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// A bulk write keeps every value as given: on SQLite an empty string in a
// column of text travels as NULL and is read back as the empty string (a
// NOT NULL column takes it), while a real NULL in a column that also holds text
// stays NULL; integers and booleans are untouched. Rows of one statement
// differ in which columns are empty, and columns shared by every row are
// bound once.
func TestBulkWriteKeepsEmptyStringsAndNulls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Must(t, db.RawExec(ctx, `CREATE TABLE bulk_probe (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT, c TEXT NOT NULL, n INTEGER NOT NULL, f BOOLEAN NOT NULL, at TEXT NOT NULL)`))
		const rows = 150 // three statements: 64, 64 and 22 rows
		err := db.BulkWrite(ctx, kexie.Actor{Username: "test", Source: "cli", System: true}, false, func(tx *sqldb.Tx) error {
			w := sqldb.NewBulkWriter(tx, sqldb.BulkTable{Name: "bulk_probe", Cols: []string{"id", "a", "b", "c", "n", "f"}, Shared: []string{"at"}}, "shared")
			defer w.Close()
			for i := 0; i < rows; i++ {
				var b any = "b"
				switch i % 3 {
				case 0:
					b = nil
				case 1:
					b = ""
				}
				a := ""
				if i%2 == 1 {
					a = "x"
				}
				w.Add(int64(i+1), a, b, "", int64(i), i%2 == 0)
			}
			return w.Write(ctx, w.Take())
		})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := db.RawQueryForTest(ctx, `SELECT id, a, b, c, n, f, at FROM bulk_probe ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		got := 0
		for rs.Next() {
			var id, n int64
			var a, c, at string
			var b sql.NullString
			var f bool
			if err := rs.Scan(&id, &a, &b, &c, &n, &f, &at); err != nil {
				t.Fatal(err)
			}
			i := int(id - 1)
			wantA := map[bool]string{true: "x", false: ""}[i%2 == 1]
			wantB := []sql.NullString{{}, {Valid: true}, {String: "b", Valid: true}}[i%3]
			if a != wantA || b != wantB || c != "" || n != int64(i) || f != (i%2 == 0) || at != "shared" {
				t.Errorf("row %d: %q %v %q %d %v %q", id, a, b, c, n, f, at)
			}
			got++
		}
		if err := rs.Err(); err != nil || got != rows {
			t.Fatalf("%d rows, %v", got, err)
		}
	})
}

// Only applications carry an applicant's reference: the index on it holds
// those rows alone (a first import of members, which writes none, leaves it
// in place rather than sorting an empty string per member), and the
// look-up by reference still uses it.
func TestApplicationReferenceIndexIsPartial(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'memberships_app_ref'`
		if db.Dialect() == sqldb.Postgres {
			q = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'memberships_app_ref'`
		}
		rs, err := db.RawQueryForTest(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var def string
		if !rs.Next() {
			t.Fatal("no index memberships_app_ref", rs.Err())
		}
		if err := rs.Scan(&def); err != nil {
			t.Fatal(err)
		}
		rs.Close()
		if !strings.Contains(def, "WHERE") || !strings.Contains(def, "app_ref <> ''") {
			t.Fatalf("memberships_app_ref is not partial on app_ref <> '': %s", def)
		}
		if db.Dialect() != sqldb.SQLite {
			return
		}
		// The look-up of an application by its reference (membership.Application).
		rs, err = db.RawQueryForTest(ctx, `EXPLAIN QUERY PLAN SELECT m.id FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.app_ref <> '' AND m.app_ref = $1`, "A-1")
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var plan []string
		for rs.Next() {
			var id, parent, notused int
			var detail string
			if err := rs.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if !strings.Contains(strings.Join(plan, "; "), "memberships_app_ref") {
			t.Fatalf("the look-up by reference does not use memberships_app_ref: %v", plan)
		}
	})
}

// BenchmarkBulkWriteSQLite writes rows shaped like a varied register's
// people (text columns empty on a third of the values, differently on
// each row) through the SQLite bulk INSERTs, rolled back.
func BenchmarkBulkWriteSQLite(b *testing.B) {
	db := dbtest.OpenSQLite(b, dbtest.Options{})
	cols := []string{"id", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15", "c16", "c17", "c18", "c19", "c20"}
	dbtest.Must(b, db.RawExec(ctx, `CREATE TABLE bulk_bench (id INTEGER PRIMARY KEY, `+strings.Join(cols[1:], " TEXT NOT NULL, ")+` TEXT NOT NULL, at TEXT NOT NULL)`))
	const rows = 20_000
	data := make([][]any, rows)
	for i := range data {
		r := []any{int64(i + 1)}
		for j := 1; j < len(cols); j++ {
			v := ""
			if (i*7+j*13)%3 != 0 {
				v = strings.Repeat("x", 4+(i+j)%20)
			}
			r = append(r, v)
		}
		data[i] = r
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.BulkWrite(ctx, kexie.Actor{Username: "bench", Source: "cli", System: true}, true, func(tx *sqldb.Tx) error {
			w := sqldb.NewBulkWriter(tx, sqldb.BulkTable{Name: "bulk_bench", Cols: cols, Shared: []string{"at"}}, "shared")
			defer w.Close()
			for start := 0; start < rows; start += 512 {
				if err := w.Write(ctx, data[start:min(start+512, rows)]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

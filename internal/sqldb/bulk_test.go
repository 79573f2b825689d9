package sqldb_test

import (
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

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

// A bulk write into PostgreSQL travels in COPY's binary format, written
// by kexie for the types a load writes: each value is stored as given,
// whatever its type, at the ends of its range, in another time zone,
// before 2000, empty or NULL, in a named string type, and shared by
// every row; a value of a kind it does not write (a date given as text)
// goes through pgx's encoding instead.
func TestBulkCopyStoresEveryTypeAsGiven(t *testing.T) {
	db := dbtest.OpenPostgres(t, dbtest.Options{})
	dbtest.Must(t, db.RawExec(ctx, `CREATE TABLE copy_probe (id BIGINT PRIMARY KEY, i INTEGER, s SMALLINT, t TEXT, v VARCHAR(20),
		f BOOLEAN, at TIMESTAMPTZ, k TEXT, d DATE, shared_at TIMESTAMPTZ NOT NULL, shared_k TEXT NOT NULL)`))
	beijing := time.FixedZone("CST", 8*3600)
	shared := time.Date(2026, 12, 7, 10, 0, 0, 123456000, beijing)
	type row struct {
		id      int64
		i, s    any
		t, v    any
		f, at   any
		k       any
		d       any
		wantAt  string
		wantD   string
		wantNil bool
	}
	rows := []row{
		{id: math.MinInt64, i: int64(math.MinInt32), s: int64(math.MinInt16), t: "王芳", v: "", f: true, at: time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC),
			k: kexie.MemberStatus("active"), wantAt: "1999-12-31 23:59:59.999999"},
		{id: math.MaxInt64, i: int64(math.MaxInt32), s: int64(math.MaxInt16), t: "", v: "x", f: false, at: time.Date(2026, 1, 2, 8, 30, 0, 1000, beijing),
			k: kexie.MemberType("student"), wantAt: "2026-01-02 00:30:00.000001"},
		{id: 0, i: 0, s: 0, t: nil, v: nil, f: nil, at: nil, k: nil, wantNil: true},
		{id: 7, i: 7, s: int64(7), t: "a\tb\nc\\d", v: "é", f: true, at: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), k: "plain",
			d: "2026-03-04", wantAt: "1970-01-01 00:00:00.000000", wantD: "2026-03-04"},
	}
	err := db.BulkWrite(ctx, kexie.Actor{Username: "test", Source: "cli", System: true}, false, func(tx *sqldb.Tx) error {
		w := sqldb.NewBulkWriter(tx, sqldb.BulkTable{Name: "copy_probe", Cols: []string{"id", "i", "s", "t", "v", "f", "at", "k", "d"},
			Shared: []string{"shared_at", "shared_k"}}, shared, kexie.MemberStatus("lapsed"))
		defer w.Close()
		for _, r := range rows[:3] {
			w.Add(r.id, r.i, r.s, r.t, r.v, r.f, r.at, r.k, r.d)
		}
		if err := w.Write(ctx, w.Take()); err != nil {
			return err
		}
		// A date as text: not a pair the binary writer takes.
		r := rows[3]
		w.Add(r.id, r.i, r.s, r.t, r.v, r.f, r.at, r.k, r.d)
		return w.Write(ctx, w.Take())
	})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := db.RawQueryForTest(ctx, `SELECT id, i, s, t, v, f, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), k, d::text,
		to_char(shared_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), shared_k FROM copy_probe ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	want := map[int64]row{}
	for _, r := range rows {
		want[r.id] = r
	}
	got := 0
	for rs.Next() {
		var id int64
		var i, s sql.NullInt64
		var tt, v, at, k, d sql.NullString
		var f sql.NullBool
		var sharedAt, sharedK string
		if err := rs.Scan(&id, &i, &s, &tt, &v, &f, &at, &k, &d, &sharedAt, &sharedK); err != nil {
			t.Fatal(err)
		}
		r := want[id]
		got++
		if sharedAt != "2026-12-07 02:00:00.123456" || sharedK != "lapsed" {
			t.Errorf("row %d: shared %q %q", id, sharedAt, sharedK)
		}
		if r.wantNil {
			if i.Int64 != 0 || !i.Valid || s.Int64 != 0 || !s.Valid || tt.Valid || v.Valid || f.Valid || at.Valid || k.Valid || d.Valid {
				t.Errorf("row %d: %v %v %v %v %v %v %v %v", id, i, s, tt, v, f, at, k, d)
			}
			continue
		}
		str := func(x any) string { return fmt.Sprint(x) }
		// An empty string is stored as one, not as NULL.
		if !tt.Valid || !v.Valid || !f.Valid || !at.Valid || !k.Valid {
			t.Errorf("row %d: a value given was stored as NULL: %v %v %v %v %v", id, tt, v, f, at, k)
		}
		if str(i.Int64) != str(r.i) || str(s.Int64) != str(r.s) || tt.String != str(r.t) || v.String != str(r.v) || f.Bool != r.f.(bool) ||
			at.String != r.wantAt || k.String != str(r.k) || d.String != r.wantD {
			t.Errorf("row %d: stored %v %v %q %q %v %q %q %q, given %+v", id, i.Int64, s.Int64, tt.String, v.String, f.Bool, at.String, k.String, d.String, r)
		}
	}
	if err := rs.Err(); err != nil || got != len(rows) {
		t.Fatalf("%d rows, %v", got, err)
	}
}

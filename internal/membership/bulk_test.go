package membership_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

const (
	bulkPerson = `INSERT INTO people (id, name, created_at, updated_at) VALUES (1, '王芳', '2026-01-01', '2026-01-01')`
	bulkMember = `INSERT INTO memberships (id, org_id, person_id, member_no, type, status, created_at, updated_at)
		VALUES ($2, $1, $3, $4, 'individual', 'active', '2026-01-01', '2026-01-01')`
)

// A first load on PostgreSQL must catch a row that breaks the foreign key
// to orgs, and let good rows through, whether it runs as a replica (the
// key checked once at the end: a superuser, or a role granted the
// setting) or not (checked row by row: a plain owner of its schema, which
// must not be refused the setting back at the end either). And a load
// of more rows than one COPY without member numbers numbers them on the
// connection the COPY uses.
func TestBulkLoadOnPostgresAsAnyRole(t *testing.T) {
	dsn := dbtest.PGDSN(t)
	for _, role := range []string{"superuser", "owner", "granted"} {
		t.Run(role, func(t *testing.T) {
			db := pgAs(t, dsn, role)
			root, _, _, _ := dbtest.Tree(t, db)
			for _, c := range []struct {
				org    int64
				broken bool
			}{{root.ID, false}, {root.ID + 1_000_000, true}} {
				replica, err := db.BulkLoadForTest(ctx, func(exec func(string, ...any) error) error {
					if err := exec(bulkPerson); err != nil {
						return err
					}
					return exec(bulkMember, c.org, 1, 1, "A-1")
				})
				if replica != (role != "owner") {
					t.Fatalf("replica %v", replica)
				}
				if c.broken && kexie.ErrorCode(err) != kexie.CodeInvalid || !c.broken && err != nil {
					t.Fatalf("org %d: error %v, want broken=%v", c.org, err, c.broken)
				}
			}
			if role != "owner" {
				return
			}
			var rows []kexie.MemberRecord
			for i := range 9000 {
				rows = append(rows, kexie.MemberRecord{Line: i + 2, OrgCode: "A", Type: "individual", Name: fmt.Sprintf("成员%d", i), Status: "active"})
			}
			out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
			if err != nil || out.Created != 9000 {
				t.Fatalf("import: %+v %v", out, err)
			}
		})
	}
}

// An import on PostgreSQL that fails while setting up its first load (here
// its context ends while it waits for a lock a reader holds) gives back
// every connection it took, the one it draws ids on included.
func TestFailedFirstLoadGivesConnectionsBack(t *testing.T) {
	dsn := dbtest.PostgresSchema(t)
	db, err := dbtest.Open(ctx, sqldb.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dbtest.Tree(t, db)
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := 0; i < 3; i++ {
		otx, err := other.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := otx.ExecContext(ctx, `LOCK TABLE people IN ACCESS SHARE MODE`); err != nil {
			t.Fatal(err)
		}
		c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err = db.Membership.ImportMembers(c, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{{Line: 2, OrgCode: "A", Type: "individual", Name: "甲", Status: "active"}}, nil),
			membership.MemberImportOptions{})
		cancel()
		_ = otx.Rollback()
		if err == nil {
			t.Fatal("the import went through a lock it should have waited for")
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for db.WriterInUse() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := db.WriterInUse(); n != 0 {
		t.Fatalf("writer connections still checked out after failed imports: %d", n)
	}
}

// pgAs opens a migrated database in a schema of its own, as the
// connection's superuser or as a new role that owns that schema (granted
// session_replication_role or not).
func pgAs(t *testing.T, dsn, role string) *dbtest.DB {
	if role == "superuser" {
		return dbtest.OpenPostgres(t, dbtest.Options{})
	}
	su, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "kx_" + role + "_" + hex.EncodeToString(b)
	qs := []string{"CREATE ROLE " + name + " LOGIN", "CREATE SCHEMA " + name + " AUTHORIZATION " + name}
	if role == "granted" {
		qs = append(qs, "GRANT SET ON PARAMETER session_replication_role TO "+name)
	}
	for _, q := range qs {
		if _, err := su.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(name)
	db, err := dbtest.Open(ctx, sqldb.Config{DSN: dbtest.WithSearchPath(u.String(), name)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		for _, q := range []string{"DROP SCHEMA " + name + " CASCADE", "REVOKE SET ON PARAMETER session_replication_role FROM " + name, "DROP ROLE " + name} {
			_, _ = su.ExecContext(ctx, q)
		}
		su.Close()
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// A first load on SQLite turns foreign keys off on the writer connection
// (it writes only keys it allocated or looked up); they must be on again
// for everything after it, whether the load ended well or not — including
// a write that was waiting for the writer all along.
func TestBulkLoadGivesForeignKeysBack(t *testing.T) {
	db := dbtest.OpenSQLite(t, dbtest.Options{})
	root, _, _, _ := dbtest.Tree(t, db)
	for _, fail := range []bool{false, true} {
		inLoad, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			_, err := db.BulkLoadForTest(ctx, func(exec func(string, ...any) error) error {
				if err := exec(bulkPerson); err != nil {
					return err
				}
				close(inLoad)
				<-release
				if fail {
					return context.Canceled
				}
				return exec(bulkMember, root.ID, 1, 1, "A-1")
			})
			done <- err
		}()
		<-inLoad
		waiting := make(chan error, 1)
		go func() {
			// An orphan: no such organisation, no such person.
			waiting <- db.RawExec(ctx, bulkMember, root.ID+1_000_000, 77, 999, "X-1")
		}()
		time.Sleep(100 * time.Millisecond) // the write is queued for the writer
		close(release)
		if err := <-done; fail != (err != nil) {
			t.Fatalf("fail=%v: %v", fail, err)
		}
		if err := <-waiting; err == nil {
			t.Fatalf("fail=%v: a write waiting during the load ran with foreign keys off", fail)
		}
		if err := db.RawExec(ctx, bulkMember, root.ID+1_000_000, 78, 999, "X-2"); err == nil {
			t.Fatalf("fail=%v: a membership of no organisation was written after the load", fail)
		}
	}
}

// A first load that numbers some rows and is given numbers for others in
// the same organisation: assigned numbers skip those the file gives, and a
// number given after the import numbered rows of its own is looked up (on
// PostgreSQL that brings back the unique key the load had put off).
func TestFirstLoadMixesGivenAndAssignedNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _, _, _ := dbtest.Tree(t, db)
		sys := dbtest.User(t, db, "sys", kexie.RoleSysAdmin, root.ID)
		row := func(line int, org, no, name string) kexie.MemberRecord {
			return kexie.MemberRecord{Line: line, OrgCode: org, MemberNo: no, Type: "individual", Name: name, Status: "active"}
		}
		rows := []kexie.MemberRecord{row(2, "A", "A-000002", "甲一"), row(3, "A", "", "甲二"), row(4, "A", "", "甲三"), row(5, "A", "A-000003", "甲四"),
			row(6, "B", "", "乙一"), row(7, "B", "B-000001", "乙二"), row(8, "B", "", "乙三"),
			row(9, "A1", "", "丙一"), row(10, "A1", "A1-000005", "丙二"), row(11, "A1", "", "丙三"), row(12, "A1", "", "丙五"),
			row(13, "A1", "", "丙六"), row(14, "A1", "", "丙七")}
		out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Created != 11 || len(out.Rejected) != 2 || out.Rejected[0].Line != 5 || out.Rejected[1].Line != 7 {
			t.Fatalf("%+v", out)
		}
		// Numbers taken from a counter in blocks and not given go back to
		// it: the next import goes on without a gap.
		out, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{row(2, "B", "", "乙四"), row(3, "A1", "", "丙四")}, nil),
			membership.MemberImportOptions{})
		if err != nil || out.Created != 2 {
			t.Fatalf("%+v %v", out, err)
		}
		got := map[string]string{}
		for _, org := range []string{"A", "B", "A1"} {
			o, err := db.Registry.OrgByCode(ctx, org)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := db.Membership.SearchMembers(ctx, dbtest.As(sys.ID), membership.MemberFilter{OrgID: o.ID}, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				got[m.Record.Name] = m.Record.MemberNo
			}
		}
		want := map[string]string{"甲一": "A-000002", "甲二": "A-000001", "甲三": "A-000003", "乙一": "B-000001", "乙三": "B-000002",
			"乙四": "B-000003", "丙一": "A1-000001", "丙二": "A1-000005", "丙三": "A1-000002", "丙五": "A1-000003", "丙六": "A1-000004",
			"丙七": "A1-000006", "丙四": "A1-000007"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("numbers %v, want %v", got, want)
		}
	})
}

// A first load puts off indexes and keys and brings every one back as it
// was; each membership it creates has its first history event (written on
// SQLite by one statement at the end), and a second load into the filled
// register (keys live) adds the next ones the same way.
func TestFirstLoadLeavesSchemaAsItWasAndHistoryWhole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		schema := func() string {
			t.Helper()
			q := `SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('people', 'memberships', 'membership_events') ORDER BY name`
			if db.Dialect() == sqldb.Postgres {
				q = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
					AND tablename IN ('people', 'memberships', 'membership_events') ORDER BY indexname`
			}
			rows, err := db.RawQueryForTest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var defs []string
			for rows.Next() {
				var d sql.NullString
				if err := rows.Scan(&d); err != nil {
					t.Fatal(err)
				}
				defs = append(defs, d.String)
			}
			return fmt.Sprint(defs)
		}
		before := schema()
		for load, n := range []int{50, 20} {
			var rows []kexie.MemberRecord
			for i := range n {
				status := kexie.MemberStatus("active")
				if i%7 == 0 {
					status = "lapsed"
				}
				rows = append(rows, kexie.MemberRecord{Line: i + 2, OrgCode: []string{"A", "B"}[i%2], Type: "individual",
					Name: fmt.Sprintf("人%d-%d", load, i), Status: status})
			}
			out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{Source: "t.csv"})
			if err != nil || out.Created != n || len(out.Rejected) != 0 {
				t.Fatalf("load %d: %+v %v", load, out, err)
			}
			if got := schema(); got != before {
				t.Fatalf("load %d: indexes after\n%s\nbefore\n%s", load, got, before)
			}
		}
		res, err := db.RawQueryForTest(ctx, `SELECT COUNT(*), COUNT(e.id), SUM(CASE WHEN e.status = m.status AND e.reason <> '' AND e.actor <> '' THEN 1 ELSE 0 END)
			FROM memberships m LEFT JOIN membership_events e ON e.membership_id = m.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		var members, events, right int
		if !res.Next() {
			t.Fatal(res.Err())
		}
		if err := res.Scan(&members, &events, &right); err != nil {
			t.Fatal(err)
		}
		if members != 70 || events != 70 || right != 70 {
			t.Fatalf("%d memberships, %d events, %d of them right", members, events, right)
		}
	})
}

// Columns a chunk's rows all share are bound once per statement, and the
// sets of such columns vary from chunk to chunk (past the number of
// statements a table keeps, a chunk binds more than it must): whatever
// the mix, every row is stored with its own values.
func TestBulkRowsKeepTheirValuesWhateverTheyShare(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		rng := mrand.New(mrand.NewPCG(5, 8))
		var rows []kexie.MemberRecord
		for chunk := range 40 {
			// Each chunk shares its own random few of these columns.
			share := rng.Uint32()
			pick := func(bit int, same, own string) string {
				if share&(1<<bit) != 0 {
					return same
				}
				return own
			}
			size := 64
			if chunk == 39 {
				size = 1 + rng.IntN(63)
			}
			for i := range size {
				n := len(rows)
				own := strconv.Itoa(n)
				status := kexie.MemberStatus([]string{"active", "lapsed"}[n%2])
				if share&(1<<9) != 0 {
					status = "active"
				}
				typ := kexie.MemberType([]string{"individual", "student", "honorary"}[n%3])
				if share&(1<<10) != 0 {
					typ = "student"
				}
				rows = append(rows, kexie.MemberRecord{Line: n + 2, OrgCode: []string{"A", "B"}[(n/7)%2], Type: typ, Status: status,
					Name: "人" + own, NameEN: pick(0, "", "P"+own), Gender: pick(1, "male", []string{"male", "female", ""}[i%3]),
					BirthDate: pick(2, "1980-01-01", fmt.Sprintf("19%02d-01-%02d", 50+n%40, 1+n%28)), Nationality: pick(3, "CN", []string{"CN", "US"}[n%2]),
					Discipline: pick(4, "520", own), Title: pick(5, "", "教授"+own), Employer: pick(6, "哈工大", "单位"+own),
					FrontLine: share&(1<<7) == 0 && n%2 == 0, Email: pick(8, "", "m"+own+"@example.cn"),
					Joined: pick(11, "2020-01-01", fmt.Sprintf("2019-%02d-01", 1+n%12)), LastDuesPaid: pick(12, "", "2025-01-01")})
			}
		}
		out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
		if err != nil || out.Created != len(rows) || len(out.Rejected) != 0 {
			t.Fatalf("%+v %v", out, err)
		}
		res, err := db.RawQueryForTest(ctx, `SELECT p.name, p.name_en, p.gender, p.birth_date, p.nationality, p.discipline, p.title, p.employer,
				p.front_line, p.email, m.type, m.status, m.joined, m.last_dues_paid, o.code
			FROM memberships m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		got := map[string]string{}
		for res.Next() {
			var name, nameEN, gender, birth, nat, disc, title, emp, email, typ, status, joined, dues, org string
			var front bool
			if err := res.Scan(&name, &nameEN, &gender, &birth, &nat, &disc, &title, &emp, &front, &email, &typ, &status, &joined, &dues, &org); err != nil {
				t.Fatal(err)
			}
			got[name] = fmt.Sprint(nameEN, gender, birth, nat, disc, title, emp, front, email, typ, status, joined, dues, org)
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(rows) {
			t.Fatalf("%d members stored of %d", len(got), len(rows))
		}
		for _, m := range rows {
			want := fmt.Sprint(m.NameEN, m.Gender, m.BirthDate, m.Nationality, m.Discipline, m.Title, m.Employer, m.FrontLine, m.Email,
				m.Type, m.Status, m.Joined, m.LastDuesPaid, m.OrgCode)
			if got[m.Name] != want {
				t.Fatalf("line %d: stored %s, given %s", m.Line, got[m.Name], want)
			}
		}
	})
}

// TestLargeImportRefreshesPostgresStatistics: after an import of many
// members PostgreSQL's planner has the member tables' statistics, so the
// next import's look-ups by number and by document are planned on the
// rows there are, not on defaults for tables never analysed.
func TestLargeImportRefreshesPostgresStatistics(t *testing.T) {
	db := dbtest.OpenPostgres(t, dbtest.Options{})
	dbtest.Tree(t, db)
	const n = 1500
	var rows []kexie.MemberRecord
	for i := range n {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, OrgCode: "A", Type: "individual", Name: fmt.Sprintf("成员%d", i), Status: "active"})
	}
	out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	if err != nil || out.Created != n {
		t.Fatalf("import: %+v %v", out, err)
	}
	for _, table := range []string{"people", "memberships", "membership_events"} {
		// Column statistics (pg_stats) come from ANALYZE only; an index
		// build refreshes the row count but not them.
		var cols int
		if err := db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = $1`, table).Scan(&cols); err != nil {
			t.Fatal(err)
		}
		if cols == 0 {
			t.Errorf("%s: no column statistics after an import of %d members", table, n)
		}
	}
}

// A first load on PostgreSQL claims the ids of its holders, memberships
// and history events from their sequences a block at a time (moving each
// sequence on once per block, under the load's lock): over several
// blocks every id is its own, and what is written after the load, through
// the tables' own defaults, takes ids past the load's.
func TestFirstLoadClaimsIDsPastWhatFollows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		const n = 700 // past the first blocks of 64, 128, 256
		var rows []kexie.MemberRecord
		for i := range n {
			rows = append(rows, kexie.MemberRecord{Line: i + 2, OrgCode: []string{"A", "B"}[i%2], Type: "individual",
				Name: fmt.Sprintf("人%d", i), Status: "active"})
		}
		out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{Source: "t.csv"})
		if err != nil || out.Created != n || len(out.Rejected) != 0 {
			t.Fatalf("%+v %v", out, err)
		}
		counts := func(q string) (all, distinct, most int64) {
			t.Helper()
			rs, err := db.RawQueryForTest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			if !rs.Next() {
				t.Fatal(rs.Err())
			}
			if err := rs.Scan(&all, &distinct, &most); err != nil {
				t.Fatal(err)
			}
			return all, distinct, most
		}
		most := map[string]int64{}
		for _, table := range []string{"people", "memberships", "membership_events"} {
			all, distinct, m := counts(`SELECT COUNT(*), COUNT(DISTINCT id), MAX(id) FROM ` + table)
			if all != n || distinct != n {
				t.Fatalf("%s: %d rows, %d ids", table, all, distinct)
			}
			most[table] = m
		}
		// After the load, through the defaults: a holder, and a history
		// event (a change of status).
		if err := db.RawExec(ctx, `INSERT INTO people (name, created_at, updated_at) VALUES ('后来', '2026-01-01', '2026-01-01')`); err != nil {
			t.Fatal(err)
		}
		if _, _, m := counts(`SELECT COUNT(*), COUNT(DISTINCT id), MAX(id) FROM people`); m <= most["people"] {
			t.Fatalf("a holder written after the load took id %d, the load's reach %d", m, most["people"])
		}
		if err := db.Membership.ChangeMemberStatus(ctx, dbtest.Admin, most["memberships"], membership.MemberChange{Status: "withdrawn",
			Happened: "2026-01-02", Reason: "本人申请"}); err != nil {
			t.Fatal(err)
		}
		if _, _, m := counts(`SELECT COUNT(*), COUNT(DISTINCT id), MAX(id) FROM membership_events`); m <= most["membership_events"] {
			t.Fatalf("an event written after the load took id %d, the load's reach %d", m, most["membership_events"])
		}
	})
}

// A first load into what looked like an empty register on PostgreSQL,
// where a writer's first holder is not yet committed: the load waits for
// the member tables' lock, finds the register filled once it has it, and
// goes on as an import into a register that holds members, having given
// the lock back, so that other writers are not kept waiting on it until it
// commits.
func TestFirstLoadFindingMembersGivesTheLockBack(t *testing.T) {
	db := dbtest.OpenPostgres(t, dbtest.Options{})
	dbtest.Tree(t, db)
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	// A writer's holder, not committed yet.
	w, err := db.Writer().BeginTx(tctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback()
	if _, err := w.ExecContext(tctx, `INSERT INTO people (name, created_at, updated_at) VALUES ('先来', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	release, done := make(chan struct{}), make(chan error, 1)
	go func() {
		out, err := db.Membership.ImportMembers(tctx, dbtest.Admin, func(emit func(kexie.MemberRecord) error) error {
			if err := emit(kexie.MemberRecord{Line: 2, OrgCode: "A", MemberNo: "A1", Type: "individual", Name: "成员", Status: "active"}); err != nil {
				return err
			}
			select {
			case <-release:
				return nil
			case <-tctx.Done():
				return tctx.Err()
			}
		}, membership.MemberImportOptions{Source: "a.csv"})
		if err == nil && out.Created != 1 {
			err = fmt.Errorf("%+v", out)
		}
		done <- err
	}()
	// The load waits for the lock on the member tables.
	for {
		var n int
		if err := db.Writer().QueryRowContext(tctx, `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
			JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relname = 'people'
			AND l.mode = 'ExclusiveLock' AND NOT l.granted`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	// The load is open, waiting for its rows: another writer goes on.
	wctx, wcancel := context.WithTimeout(tctx, 5*time.Second)
	defer wcancel()
	if err := db.RawExec(wctx, `INSERT INTO people (name, created_at, updated_at) VALUES ('后来', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatalf("a writer beside the load: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var people, members int
	if err := db.Writer().QueryRowContext(tctx, `SELECT (SELECT count(*) FROM people), (SELECT count(*) FROM memberships)`).Scan(&people, &members); err != nil ||
		people != 3 || members != 1 {
		t.Fatalf("%d people, %d memberships, %v", people, members, err)
	}
}

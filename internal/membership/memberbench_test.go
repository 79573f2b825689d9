package membership_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// The member benchmarks: a file of valid member rows (KEXIE_BENCH_MEMBERS,
// default 1,000,000) over 1,000 organisations, imported the way `kexie
// import members` does it (read, check and seal on one goroutine, write on
// another), beside the raw rate of the same rows (rawInsert), on the same
// driver and settings; then member search over the imported database.
// First the same for a file as varied as a real register
// (benchVariedFile), into a database of its own. Run:
//
//	go test -run '^$' -bench BenchmarkMembers -benchtime 1x -timeout 30m ./internal/membership/
//
// With KEXIE_TEST_PG_DSN set, the import through COPY is measured too.

var benchSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳", "司马"}
var benchGiven = []string{"芳", "伟", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "丽", "霞", "平",
	"小明", "建国", "志强", "海燕", "晓东", "文博", "子涵", "雨萱", "浩然", "思远"}
var benchEmployers = []string{"哈尔滨工业大学", "东北林业大学", "黑龙江省农业科学院", "哈尔滨医科大学附属第一医院", "大庆油田有限责任公司",
	"齐齐哈尔第一机床厂", "中国科学院东北地理与农业生态研究所", "黑龙江大学", "哈尔滨电气集团", "佳木斯大学"}

// benchMemberFile writes n valid member rows to a CSV file.
func benchMemberFile(tb testing.TB, path string, n, orgs int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write(memberfile.Columns)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		// (birth date, sequence) is unique per row: a valid, distinct number.
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/1000)*20)
		seq := i % 1000
		male := seq%2 == 1
		first17 := fmt.Sprintf("230102%s%03d", birth.Format("20060102"), seq)
		id := first17 + string(cnid.ResidentCheck(first17))
		gender := map[bool]string{true: "男", false: "女"}[male]
		name := benchSurnames[rng.IntN(len(benchSurnames))] + benchGiven[rng.IntN(len(benchGiven))]
		org := fmt.Sprintf("O%04d", i%orgs)
		_ = w.Write([]string{fmt.Sprintf("%s-%07d", org, i), org, "individual", name, "", "", gender, birth.Format("2006-01-02"),
			"resident_id", id, "CN", "520", "教授", benchEmployers[rng.IntN(len(benchEmployers))], "true",
			"m" + strconv.Itoa(i) + "@example.cn", "13" + fmt.Sprintf("%09d", i), "2020-01-01", "active", "2025-06-30", "2025-06-30", "", ""})
	}
	w.Flush()
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// benchDB opens a migrated database (PostgreSQL when dsn is set, in a
// fresh schema) with orgs organisations O0000… under a root.
func benchDB(b *testing.B, dir, dsn string, orgs int) *dbtest.DB {
	ctx := context.Background()
	cfg := sqldb.Config{Path: filepath.Join(dir, "bench.db")}
	if dsn != "" {
		cfg = sqldb.Config{DSN: dsn}
	}
	sdb, err := sqldb.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	db := dbtest.Wrap(sdb)
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	rows := []registry.ImportRow{{Line: 2, Org: kexie.Organisation{Code: "ROOT", Kind: "national_association", NameZH: "中国科协", Status: kexie.OrgActive}}}
	for i := 0; i < orgs; i++ {
		rows = append(rows, registry.ImportRow{Line: i + 3, Org: kexie.Organisation{Code: fmt.Sprintf("O%04d", i), ParentCode: "ROOT",
			Kind: "provincial_society", NameZH: fmt.Sprintf("学会%d", i), Status: kexie.OrgActive}})
	}
	if _, err := db.Registry.ImportOrgs(ctx, kexie.Actor{Username: "bench", Source: "cli", System: true}, rows, registry.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchUser creates a user with a role on an organisation.
func benchUser(b *testing.B, db *dbtest.DB, name string, role kexie.Role, org string) int64 {
	ctx := context.Background()
	o, err := db.Registry.OrgByCode(ctx, org)
	if err != nil {
		b.Fatal(err)
	}
	u, err := db.Access.CreateUser(ctx, kexie.Actor{Username: "bench", Source: "cli", System: true}, access.NewUser{Username: name, Password: dbtest.FixturePassword, Role: role, OrgID: o.ID})
	if err != nil {
		b.Fatal(err)
	}
	return u.ID
}

// pgBenchSchema makes a fresh schema on the server and returns a DSN
// whose search_path is that schema.
func pgBenchSchema(b *testing.B, dsn string) string {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	schema := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// importFile runs the command line's import pipeline on a file.
func importFile(ctx context.Context, db *dbtest.DB, path string, sl *seal.Sealer, timing *membership.ImportTiming) (kexie.ImportOutcome, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return kexie.ImportOutcome{}, 0, err
	}
	defer f.Close()
	read := 0
	var rejected []kexie.Rejection
	out, err := db.Membership.ImportMembers(ctx, kexie.Actor{Username: "bench", Source: "cli", System: true}, func(emit func(kexie.MemberRecord) error) error {
		var err error
		read, err = memberfile.StreamPrepared(path, f, time.Now(), func(m *kexie.MemberRecord) error { return membership.SealMember(m, sl) },
			emit, func(r kexie.Rejection) { rejected = append(rejected, r) })
		return err
	}, membership.MemberImportOptions{Source: filepath.Base(path), Timing: timing})
	out.Rejected = append(out.Rejected, rejected...)
	return out, read, err
}

// rawInsertTx is how many rows one transaction of the raw insert carries.
const rawInsertTx = 10_000

// rawInsert reads the file with encoding/csv and inserts every row as it
// stands into one table of text columns with a unique index on
// (org_code, member_no), live while it writes, through one prepared
// statement, no checks, 10,000 rows a transaction: the least a program
// that stores the file and keeps its key unique does.
func rawInsert(ctx context.Context, db *dbtest.DB, path string) (int, error) {
	if _, err := db.Writer().ExecContext(ctx, `CREATE TABLE raw_members (`+strings.Join(memberfile.Columns, " TEXT, ")+` TEXT)`); err != nil {
		return 0, err
	}
	if _, err := db.Writer().ExecContext(ctx, `CREATE UNIQUE INDEX raw_members_key ON raw_members (org_code, member_no)`); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	ph := make([]string, len(memberfile.Columns))
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	st, err := db.Writer().PrepareContext(ctx, `INSERT INTO raw_members VALUES (`+strings.Join(ph, ", ")+`)`)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return 0, err
	}
	n := 0
	args := make([]any, len(memberfile.Columns))
	var tx *sql.Tx
	var txSt *sql.Stmt
	defer func() {
		if tx != nil {
			_ = tx.Rollback()
		}
	}()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		if tx == nil {
			if tx, err = db.Writer().BeginTx(ctx, nil); err != nil {
				return n, err
			}
			txSt = tx.StmtContext(ctx, st)
		}
		for i, v := range rec {
			args[i] = v
		}
		if _, err := txSt.ExecContext(ctx, args...); err != nil {
			return n, err
		}
		if n++; n%rawInsertTx == 0 {
			err := tx.Commit()
			tx = nil
			if err != nil {
				return n, err
			}
		}
	}
	if tx != nil {
		err := tx.Commit()
		tx = nil
		return n, err
	}
	return n, nil
}

// peakRSS resets (clear_refs) or reads (VmHWM) the process's peak resident
// memory, in MiB.
func peakRSS(reset bool) float64 {
	if reset {
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
		return 0
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return -1
}

func BenchmarkMembers(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("KEXIE_BENCH_MEMBERS")); err == nil && v > 0 {
		n = v
	}
	const orgs = 1000
	ctx := context.Background()
	dir := b.TempDir()
	file := filepath.Join(dir, "members.csv")
	benchMemberFile(b, file, n, orgs)
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	db := benchDB(b, dir, "", orgs)
	// The varied file, into a database of its own, first: raw, then the
	// import, one right after the other (the machine's speed drifts).
	variedFile := filepath.Join(dir, "varied.csv")
	benchVariedFile(b, variedFile, n, orgs)
	variedDir := filepath.Join(dir, "varied")
	if err := os.Mkdir(variedDir, 0o700); err != nil {
		b.Fatal(err)
	}
	variedDB := benchDB(b, variedDir, "", orgs)
	var variedRate float64
	b.Run("raw-insert-varied", func(b *testing.B) { variedRate = benchRawInsert(b, variedDB, variedFile, n) })
	b.Run("import-sqlite-varied", func(b *testing.B) { benchImportSQLite(b, variedDB, variedFile, sl, n, variedRate) })
	var rawRate float64
	b.Run("raw-insert", func(b *testing.B) {
		start := time.Now()
		got, err := rawInsert(ctx, db, file)
		if err != nil || got != n {
			b.Fatal(got, err)
		}
		rawRate = float64(n) / time.Since(start).Seconds()
		b.ReportMetric(rawRate, "rows/s")
		if _, err := db.Writer().ExecContext(ctx, `DROP TABLE raw_members`); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("import-sqlite", func(b *testing.B) {
		// As `kexie import members` does (internal/cli: importMemoryLimit).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(160 << 20))
		runtime.GC()
		peakRSS(true)
		var peakHeap uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var ms runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				peakHeap = max(peakHeap, ms.HeapInuse)
			}
		}()
		start := time.Now()
		var timing membership.ImportTiming
		out, read, err := importFile(ctx, db, file, sl, &timing)
		took := time.Since(start)
		close(stop)
		<-sampled
		if err != nil || read != n || out.Created != n || len(out.Rejected) != 0 {
			b.Fatalf("%v read %d created %d rejected %d %v", err, read, out.Created, len(out.Rejected), out.Rejected[:min(3, len(out.Rejected))])
		}
		rate := float64(n) / took.Seconds()
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(rate, "rows/s")
		b.ReportMetric(rate/rawRate, "x-raw")
		b.ReportMetric(peakRSS(false), "peak-MiB")
		b.ReportMetric(timing.Writing.Seconds(), "s-writing")
		b.ReportMetric(timing.Indexing.Seconds(), "s-indexing")
		b.ReportMetric(float64(peakHeap)/(1<<20), "go-heap-MiB")
	})
	// The same file again into the register it filled: every row is
	// matched against a stored member (by number, then by document), the
	// path an import into organisations that hold members takes.
	reimport := func(b *testing.B, db *dbtest.DB) {
		start := time.Now()
		out, read, err := importFile(ctx, db, file, sl, nil)
		took := time.Since(start)
		if err != nil || read != n || out.Unchanged != n {
			b.Fatalf("%v read %d unchanged %d created %d updated %d rejected %d", err, read, out.Unchanged, out.Created, out.Updated, len(out.Rejected))
		}
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
	}
	b.Run("reimport-sqlite", func(b *testing.B) { reimport(b, db) })
	admin := benchUser(b, db, "bench.admin", kexie.RoleSysAdmin, "ROOT")
	staff := benchUser(b, db, "bench.staff", kexie.RoleStaff, "O0007")
	for _, q := range []struct {
		name, q string
		viewer  int64
	}{{"name", "王芳", admin}, {"pinyin", "wangfang", admin}, {"initials", "wf", admin},
		{"surname", "欧阳", admin}, {"employer", "哈尔滨工业大学", admin}, {"member-no", "O0007-0000007", admin}, {"name-staff", "王芳", staff},
		{"pinyin-staff", "wangfang", staff}} {
		b.Run("search-"+q.name, func(b *testing.B) {
			const rounds = 50
			var found int
			start := time.Now()
			for i := 0; i < rounds; i++ {
				ms, err := db.Membership.SearchMembers(ctx, dbtest.As(q.viewer), membership.MemberFilter{Q: q.q}, 0, 50)
				if err != nil {
					b.Fatal(err)
				}
				found = len(ms)
			}
			if found == 0 && q.viewer == admin {
				b.Fatalf("%q found nothing", q.q)
			}
			b.ReportMetric(float64(found), "hits")
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/rounds, "ms/query")
		})
	}
	if dsn := os.Getenv("KEXIE_TEST_PG_DSN"); dsn != "" {
		pg := benchDB(b, dir, pgBenchSchema(b, dsn), orgs)
		b.Run("import-postgres-copy", func(b *testing.B) {
			start := time.Now()
			var timing membership.ImportTiming
			out, read, err := importFile(ctx, pg, file, sl, &timing)
			took := time.Since(start)
			if err != nil || read != n || out.Created != n {
				b.Fatalf("%v read %d created %d", err, read, out.Created)
			}
			b.ReportMetric(took.Seconds(), "s")
			b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
			b.ReportMetric(float64(n)/timing.Writing.Seconds(), "copy-rows/s")
			b.ReportMetric(timing.Indexing.Seconds(), "s-indexing")
		})
		b.Run("postgres-floor", func(b *testing.B) { benchPostgresFloor(b, pg, n) })
		b.Run("reimport-postgres", func(b *testing.B) { reimport(b, pg) })
	}
}

// mixedMemberFile writes rows for the mixed import: row k of n is, for
// even k, stored member k with another employer and mobile (an update),
// for odd k a member new to the register (number and ID number of member
// base+k), in the organisation that holds member k or base+k. Names,
// employers and ID numbers are functions of the member's index, so that
// the stored file (update=false, base=0) and the mixed file describe the
// same people.
func mixedMemberFile(tb testing.TB, path string, n, base, orgs int, mixed bool) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write(memberfile.Columns)
	for k := 0; k < n; k++ {
		i, employer, phone := k, benchEmployers[k%len(benchEmployers)], "13"+fmt.Sprintf("%09d", k)
		if mixed && k%2 == 0 {
			employer, phone = benchEmployers[(k+1)%len(benchEmployers)], "15"+fmt.Sprintf("%09d", k)
		} else if mixed {
			i = base + k
		}
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i/1000)*20)
		seq := i % 1000
		first17 := fmt.Sprintf("230102%s%03d", birth.Format("20060102"), seq)
		id := first17 + string(cnid.ResidentCheck(first17))
		gender := map[bool]string{true: "男", false: "女"}[seq%2 == 1]
		name := benchSurnames[(i*7)%len(benchSurnames)] + benchGiven[(i*13)%len(benchGiven)]
		org := fmt.Sprintf("O%04d", i%orgs)
		_ = w.Write([]string{fmt.Sprintf("%s-%07d", org, i), org, "individual", name, "", "", gender, birth.Format("2006-01-02"),
			"resident_id", id, "CN", "520", "教授", employer, "true",
			"m" + strconv.Itoa(i) + "@example.cn", phone, "2020-01-01", "active", "2025-06-30", "2025-06-30"})
	}
	w.Flush()
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// pgTableCounts sums PostgreSQL's counters of index scans, sequential
// scans, inserted and updated rows over the member tables and the audit
// log: a look-up per row shows as an index scan per row.
func pgTableCounts(b *testing.B, db *dbtest.DB) [4]int64 {
	var c [4]int64
	// The counters of this backend's finished transactions reach the
	// view within a second.
	time.Sleep(1200 * time.Millisecond)
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COALESCE(SUM(idx_scan), 0), COALESCE(SUM(seq_scan), 0),
		COALESCE(SUM(n_tup_ins), 0), COALESCE(SUM(n_tup_upd), 0) FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND relname IN ('people', 'memberships', 'membership_events', 'audit_log')`).Scan(&c[0], &c[1], &c[2], &c[3]); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkMembersMixed imports into a register that holds members
// already: KEXIE_BENCH_MIXED_STORED members (default 30,000, written by a
// first import), then a file of KEXIE_BENCH_MIXED rows (default 30,000)
// with ID numbers, half of them updates of stored members (another
// employer and mobile), half new members of the same organisations
// (1,000, all holding members). On SQLite and, with KEXIE_TEST_PG_DSN,
// PostgreSQL, reporting the PostgreSQL time over SQLite's and, on
// PostgreSQL, index scans and written rows per row of the file. Run:
//
//	KEXIE_BENCH_MIXED=300000 KEXIE_BENCH_MIXED_STORED=300000 go test -run '^$' -bench BenchmarkMembersMixed -benchtime 1x -timeout 60m ./internal/membership/
func BenchmarkMembersMixed(b *testing.B) {
	n, stored := 30_000, 30_000
	if v, err := strconv.Atoi(os.Getenv("KEXIE_BENCH_MIXED")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("KEXIE_BENCH_MIXED_STORED")); err == nil && v > 0 {
		stored = v
	}
	if n/2 > stored {
		b.Fatalf("%d rows update %d stored members: store as many", n, n/2)
	}
	const orgs = 1000
	ctx := context.Background()
	dir := b.TempDir()
	first, mixed := filepath.Join(dir, "stored.csv"), filepath.Join(dir, "mixed.csv")
	base := max(stored, 1_000_000)
	mixedMemberFile(b, first, stored, 0, orgs, false)
	mixedMemberFile(b, mixed, n, base, orgs, true)
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	var sqliteTook time.Duration
	run := func(b *testing.B, db *dbtest.DB, pg bool) {
		if out, _, err := importFile(ctx, db, first, sl, nil); err != nil || out.Created != stored {
			b.Fatalf("first import: %v, created %d", err, out.Created)
		}
		var before [4]int64
		if pg {
			before = pgTableCounts(b, db)
		}
		var ru0 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start := time.Now()
		out, read, err := importFile(ctx, db, mixed, sl, nil)
		took := time.Since(start)
		var ru1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		if err != nil || read != n || out.Updated != (n+1)/2 || out.Created != n/2 || len(out.Rejected) != 0 || len(out.Warnings) != 0 {
			b.Fatalf("%v read %d updated %d created %d unchanged %d rejected %d warnings %d", err, read, out.Updated, out.Created, out.Unchanged,
				len(out.Rejected), len(out.Warnings))
		}
		cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
		b.ReportMetric(took.Seconds(), "s")
		b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
		b.ReportMetric(cpu.Seconds(), "s-cpu-go")
		if !pg {
			sqliteTook = took
			return
		}
		after := pgTableCounts(b, db)
		b.ReportMetric(float64(after[0]-before[0])/float64(n), "idx-scans/row")
		b.ReportMetric(float64(after[1]-before[1]), "seq-scans")
		b.ReportMetric(float64(after[2]-before[2]+after[3]-before[3])/float64(n), "rows-written/row")
		if sqliteTook > 0 {
			b.ReportMetric(took.Seconds()/sqliteTook.Seconds(), "x-sqlite-time")
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, benchDB(b, b.TempDir(), "", orgs), false) })
	if dsn := os.Getenv("KEXIE_TEST_PG_DSN"); dsn != "" {
		b.Run("postgres", func(b *testing.B) { run(b, benchDB(b, dir, pgBenchSchema(b, dsn), orgs), true) })
	}
}

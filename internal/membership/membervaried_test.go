package membership_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// A varied member file: the columns vary from row to row as a real
// register's do, so that a bulk write gains nothing from values that
// repeat down a file (the other generator's rows share ten columns).

// benchTitles are professional titles as registers write them; the empty
// one stands for the many rows without.
var benchTitles = []string{"", "", "", "教授", "副教授", "讲师", "研究员", "副研究员", "助理研究员", "高级工程师", "正高级工程师", "工程师",
	"助理工程师", "主任医师", "副主任医师", "主治医师", "农艺师", "高级农艺师", "高级实验师", "教授级高级工程师", "中学高级教师", "院士"}

// benchDisciplines are GB/T 13745 codes (three-digit disciplines, five-
// digit subdisciplines and seven-digit fields) of the kinds a provincial
// federation's societies cover.
var benchDisciplines = []string{"110", "11014", "1101410", "11034", "120", "12010", "130", "13015", "140", "14030", "1403010", "150",
	"15025", "160", "170", "17040", "17050", "180", "18014", "1801410", "190", "210", "21030", "2103020", "220", "230", "240", "310",
	"31010", "320", "32011", "3201110", "330", "340", "350", "360", "410", "413", "41310", "416", "420", "430", "440", "450", "460",
	"470", "480", "490", "510", "51030", "5103010", "520", "52010", "52020", "5202050", "530", "535", "540", "550", "560", "56020",
	"570", "580", "590", "610", "620", "630", "63025", "710", "790", "810", "820", "840", "880", "890", "910"}

var benchCities = []string{"哈尔滨", "齐齐哈尔", "牡丹江", "佳木斯", "大庆", "鸡西", "双鸭山", "伊春", "七台河", "鹤岗", "黑河", "绥化",
	"大兴安岭", "长春", "沈阳", "北京", "上海", "广州", "成都", "武汉"}
var benchKinds = []string{"大学", "师范学院", "医科大学附属第一医院", "市人民医院", "市农业科学研究所", "市第一中学", "电力公司", "石油化工有限公司",
	"机床厂", "林业局", "气象局", "环境监测中心站", "疾病预防控制中心", "建筑设计研究院", "农业技术推广中心"}

// benchVariedEmployers are 300 employers: every city with every kind.
var benchVariedEmployers = func() []string {
	var es []string
	for _, c := range benchCities {
		for _, k := range benchKinds {
			es = append(es, c+k)
		}
	}
	return es
}()

var benchRegions = []string{"230102", "230103", "230104", "230109", "230202", "230302", "230402", "230502", "230602", "230702", "230803",
	"230902", "231002", "231102", "231202", "110105", "110108", "220102", "210102", "310104", "370102", "410105", "420106", "510107"}
var benchForeignNames = []string{"Marie Dupont", "John Smith", "Hans Müller", "Yuki Tanaka", "Olga Ivanova", "Kim Minjun", "Anna Rossi",
	"Peter Novak", "Sara Johansson", "Ahmed Hassan", "Lucas Silva", "Emma Brown"}
var benchNationalities = []string{"US", "DE", "JP", "GB", "FR", "KR", "RU", "CA", "AU", "IT", "SE", "BR"}
var benchUnitForms = []string{"研究所", "有限公司", "技术中心", "学会", "设计院", "检测站"}
var benchStatuses = []string{"active", "active", "active", "active", "active", "active", "active", "active", "active", "active", "active",
	"active", "active", "active", "lapsed", "lapsed", "applicant", "withdrawn", "deceased", "expelled"}

// benchVariedFile writes n valid member rows whose columns vary as a real
// register's do: mostly individual members, and students, honorary,
// foreign and unit members with what their type requires; resident ID
// numbers from two dozen regions and sixty years of birth dates; titles
// of a twenty-odd list (or none), employers of three hundred, disciplines
// of seventy-odd codes (or none), join, dues and activity dates spread
// over decades and years (or none), front-line flags, six statuses,
// e-mails and mobiles present or not.
func benchVariedFile(tb testing.TB, path string, n, orgs int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write(memberfile.Columns)
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	day := func(from time.Time, days int) string { return from.AddDate(0, 0, rng.IntN(days)).Format("2006-01-02") }
	maybe := func(p float64, s string) string {
		if rng.Float64() < p {
			return s
		}
		return ""
	}
	ids := map[string]bool{}
	epoch := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		org := fmt.Sprintf("O%04d", rng.IntN(orgs))
		v := map[string]string{"member_no": fmt.Sprintf("%s-%07d", org, i), "org_code": org}
		var typ string
		switch r := rng.IntN(100); {
		case r < 84:
			typ = "individual"
		case r < 92:
			typ = "student"
		case r < 95:
			typ = "honorary"
		case r < 97:
			typ = "foreign"
		default:
			typ = "unit"
		}
		v["type"] = typ
		switch typ {
		case "unit":
			v["name"] = pick(benchCities) + pick(benchSurnames) + "氏" + strconv.Itoa(i) + pick(benchUnitForms)
			first17 := "91" + pick(benchRegions) + fmt.Sprintf("MA%07d", i)
			v["credit_code"] = maybe(0.9, first17+string(cnid.USCCCheck(first17)))
			v["contact_person"] = maybe(0.8, pick(benchSurnames)+pick(benchGiven))
			v["nationality"] = maybe(0.5, "CN")
		case "foreign":
			v["name"] = pick(benchForeignNames)
			v["name_en"] = v["name"]
			v["nationality"] = pick(benchNationalities)
			v["gender"] = maybe(0.7, pick([]string{"male", "female"}))
			v["birth_date"] = maybe(0.6, day(epoch, 60*365))
			if rng.IntN(10) < 7 {
				v["id_type"], v["id_number"] = "passport", fmt.Sprintf("%s%08d", v["nationality"], i)
			}
			v["title"] = pick(benchTitles)
		default:
			v["name"] = pick(benchSurnames) + pick(benchGiven)
			from, span := epoch, 60*365
			if typ == "student" {
				from, span = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC), 11*365
			}
			if rng.IntN(100) < 93 {
				var id string
				for id == "" || ids[id] {
					birth := from.AddDate(0, 0, rng.IntN(span))
					first17 := pick(benchRegions) + birth.Format("20060102") + fmt.Sprintf("%03d", rng.IntN(1000))
					id = first17 + string(cnid.ResidentCheck(first17))
				}
				ids[id] = true
				v["id_type"] = maybe(0.8, "resident_id")
				v["id_number"] = id
				// Some files give the birth date and sex the number holds.
				if rng.IntN(2) == 0 {
					v["birth_date"] = id[6:10] + "-" + id[10:12] + "-" + id[12:14]
					v["gender"] = map[bool]string{true: "男", false: "女"}[(id[16]-'0')%2 == 1]
				}
			} else {
				v["birth_date"] = maybe(0.8, day(from, span))
				v["gender"] = maybe(0.8, pick([]string{"男", "女", "male", "female"}))
			}
			v["nationality"] = maybe(0.7, "CN")
			if typ != "student" {
				v["title"] = pick(benchTitles)
			}
		}
		if typ != "unit" {
			v["discipline"] = maybe(0.85, pick(benchDisciplines))
			v["front_line"] = pick([]string{"true", "false", "false", ""})
		} else {
			v["discipline"] = maybe(0.5, pick(benchDisciplines))
		}
		v["employer"] = maybe(0.9, pick(benchVariedEmployers))
		if typ == "unit" {
			v["employer"] = ""
		}
		v["email"] = maybe(0.7, fmt.Sprintf("u%d.%s@%s", i, strconv.Itoa(rng.IntN(1000)), pick([]string{"163.com", "qq.com", "126.com", "hit.edu.cn", "example.cn"})))
		v["phone"] = maybe(0.8, fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000)))
		v["joined"] = maybe(0.95, day(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 45*365))
		v["status"] = pick(benchStatuses)
		v["last_dues_paid"] = maybe(0.75, day(time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), 7*365))
		v["last_activity"] = maybe(0.5, day(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), 10*365))
		row := make([]string, len(memberfile.Columns))
		for j, c := range memberfile.Columns {
			row[j] = v[c]
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// cpuSeconds is the CPU time (user and system) the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// benchRawInsert measures rawInsert on file and returns its rate.
func benchRawInsert(b *testing.B, db *dbtest.DB, file string, n int) float64 {
	ctx := context.Background()
	runtime.GC()
	cpu, start := cpuSeconds(), time.Now()
	got, err := rawInsert(ctx, db, file)
	if err != nil || got != n {
		b.Fatal(got, err)
	}
	took := time.Since(start)
	rate := float64(n) / took.Seconds()
	b.ReportMetric(took.Seconds(), "s")
	b.ReportMetric(cpuSeconds()-cpu, "cpu-s")
	b.ReportMetric(rate, "rows/s")
	if _, err := db.Writer().ExecContext(ctx, `DROP TABLE raw_members`); err != nil {
		b.Fatal(err)
	}
	return rate
}

// benchImportSQLite imports file into an empty SQLite register and
// reports its rate beside rawRate.
func benchImportSQLite(b *testing.B, db *dbtest.DB, file string, sl *seal.Sealer, n int, rawRate float64) {
	ctx := context.Background()
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
	cpu, start := cpuSeconds(), time.Now()
	var timing membership.ImportTiming
	out, read, err := importFile(ctx, db, file, sl, &timing)
	took := time.Since(start)
	cpu = cpuSeconds() - cpu
	close(stop)
	<-sampled
	if err != nil || read != n || out.Created != n || len(out.Rejected) != 0 {
		b.Fatalf("%v read %d created %d rejected %d %v", err, read, out.Created, len(out.Rejected), out.Rejected[:min(3, len(out.Rejected))])
	}
	rate := float64(n) / took.Seconds()
	b.ReportMetric(took.Seconds(), "s")
	b.ReportMetric(cpu, "cpu-s")
	b.ReportMetric(rate, "rows/s")
	b.ReportMetric(rate/rawRate, "x-raw")
	b.ReportMetric(peakRSS(false), "peak-MiB")
	b.ReportMetric(timing.Writing.Seconds(), "s-writing")
	b.ReportMetric(timing.Indexing.Seconds(), "s-indexing")
	b.ReportMetric(float64(peakHeap)/(1<<20), "go-heap-MiB")
}

// BenchmarkVariedPairs is the varied-register ratio as its target states
// it: KEXIE_BENCH_VARIED rows (default 200,000) of benchVariedFile, the
// raw insert and the import, each in a database of its own, for
// KEXIE_BENCH_PAIRS pairs (default 5), the raw insert first in one pair
// and the import first in the next (the machine's speed drifts by a fifth
// from one minute to the next, so a single pair says little, and an order
// kept would lean one way). The median of the pairs' ratios is the
// figure, with the least and largest beside it. Run:
//
//	go test -run '^$' -bench BenchmarkVariedPairs -benchtime 1x -timeout 30m ./internal/membership/
func BenchmarkVariedPairs(b *testing.B) {
	n, pairs := 200_000, 5
	if v, err := strconv.Atoi(os.Getenv("KEXIE_BENCH_VARIED")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("KEXIE_BENCH_PAIRS")); err == nil && v > 0 {
		pairs = v
	}
	const orgs = 1000
	ctx := context.Background()
	dir := b.TempDir()
	file := filepath.Join(dir, "varied.csv")
	benchVariedFile(b, file, n, orgs)
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	// fresh opens an empty register in a directory of its own.
	fresh := func(name string) (*dbtest.DB, func()) {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			b.Fatal(err)
		}
		db := benchDB(b, d, "", orgs)
		return db, func() {
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			if err := os.RemoveAll(d); err != nil {
				b.Fatal(err)
			}
		}
	}
	raw := func(i int) float64 {
		db, done := fresh(fmt.Sprintf("raw%d", i))
		defer done()
		runtime.GC()
		start := time.Now()
		if got, err := rawInsert(ctx, db, file); err != nil || got != n {
			b.Fatal(got, err)
		}
		return time.Since(start).Seconds()
	}
	imp := func(i int) float64 {
		db, done := fresh(fmt.Sprintf("import%d", i))
		defer done()
		// As `kexie import members` does (internal/cli: importMemoryLimit).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(160 << 20))
		runtime.GC()
		start := time.Now()
		out, read, err := importFile(ctx, db, file, sl, nil)
		if err != nil || read != n || out.Created != n || len(out.Rejected) != 0 {
			b.Fatalf("%v read %d created %d rejected %d", err, read, out.Created, len(out.Rejected))
		}
		return time.Since(start).Seconds()
	}
	var ratios, raws, imports []float64
	for i := 0; i < pairs; i++ {
		var r, m float64
		if i%2 == 0 {
			r = raw(i)
			m = imp(i)
		} else {
			m = imp(i)
			r = raw(i)
		}
		ratios, raws, imports = append(ratios, r/m), append(raws, r), append(imports, m)
		b.Logf("pair %d: raw %.2f s, import %.2f s, %.3f×", i+1, r, m, r/m)
	}
	median := func(v []float64) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		if len(s)%2 == 0 {
			return (s[len(s)/2-1] + s[len(s)/2]) / 2
		}
		return s[len(s)/2]
	}
	b.ReportMetric(median(ratios), "x-raw")
	b.ReportMetric(slices.Min(ratios), "x-raw-least")
	b.ReportMetric(slices.Max(ratios), "x-raw-most")
	b.ReportMetric(median(raws), "s-raw")
	b.ReportMetric(median(imports), "s-import")
}

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkLedgerImport imports a journal of KEXIE_BENCH_ENTRIES entries
// (250,000 by default: 1,000,000 lines) into a fresh SQLite file with
// `kexie ledger import`, run as its own process, and reports the time and
// the most memory the process held (max RSS). The target: under 30 s and
// 300 MB for the million lines. KEXIE_BENCH_CPUPROFILE=FILE writes the
// import process's CPU profile there.
func BenchmarkLedgerImport(b *testing.B) {
	n := 250_000
	if s := os.Getenv("KEXIE_BENCH_ENTRIES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "journal.csv")
	if err := writeJournal(file, "E", n, 2024); err != nil {
		b.Fatal(err)
	}
	orgs := orgsFile(b, dir)
	b.ResetTimer()
	var secs, mb, cpu float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(dir, fmt.Sprintf("k%d.db", i))
		if out, err := child("import", "orgs", orgs, "--db", db).CombinedOutput(); err != nil {
			b.Fatalf("%v %s", err, out)
		}
		b.StartTimer()
		start := time.Now()
		cmd := child("ledger", "import", "HLJ", file, "--db", db)
		if f := os.Getenv("KEXIE_BENCH_CPUPROFILE"); f != "" {
			cmd.Env = append(cmd.Env, "KEXIE_CHILD_CPUPROFILE="+f)
		}
		out, err := cmd.CombinedOutput()
		secs = time.Since(start).Seconds()
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("ledger: %d entries read, %d posted, 0 rejected", n, n)) {
			b.Fatalf("import: %v %s", err, out)
		}
		mb = float64(maxRSS(cmd)) / (1 << 20)
		cpu = cmd.ProcessState.UserTime().Seconds() + cmd.ProcessState.SystemTime().Seconds()
		b.StopTimer()
		if out, err := child("ledger", "verify", "HLJ", "--db", db).CombinedOutput(); err != nil {
			b.Fatalf("verify: %v %s", err, out)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*4), "lines")
	b.ReportMetric(secs, "s/import")
	b.ReportMetric(mb, "MB-maxrss")
	b.ReportMetric(cpu, "s-cpu/import")
	b.ReportMetric(float64(n*4)/secs, "lines/s")
}

package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// BenchmarkLedgerPostings: 64 clients post entries to one organisation's
// books at once over HTTP, every entry debiting the same bank account
// (1002): donation receipts, which post at once, each with its
// idempotency key, one request in eight sending again the key of the
// request just before it (both in flight together). The run fails unless
// every key posted exactly once (201 for the first, 200 with the same
// receipt for the repeat), the receipts are numbered 1…N without a gap,
// the bank account's balance is exactly the sum of the amounts and
// `ledger verify` finds nothing. The figures are entries posted per second
// (target on SQLite: 1,000) and the process's CPU time per entry. Run:
//
//	go test ./internal/web/ -run '^$' -bench LedgerPostings -benchtime 1x
func BenchmarkLedgerPostings(b *testing.B) {
	dbs := []struct {
		name string
		open func(testing.TB) *dbtest.DB
	}{{"sqlite", func(t testing.TB) *dbtest.DB { return dbtest.OpenSQLite(t, dbtest.Options{}) }}}
	if os.Getenv("KEXIE_TEST_PG_DSN") != "" {
		dbs = append(dbs, struct {
			name string
			open func(testing.TB) *dbtest.DB
		}{"postgres", func(t testing.TB) *dbtest.DB { return dbtest.OpenPostgres(t, dbtest.Options{}) }})
	}
	for _, d := range dbs {
		b.Run(d.name, func(b *testing.B) {
			for range b.N {
				benchPostings(b, newEnv(b, d.open(b)))
			}
		})
	}
}

func benchPostings(b *testing.B, e *env) {
	const clients, requests = 64, 8000
	b.StopTimer()
	token := e.bearer(e.user("cashier", kexie.RoleTreasurer, e.a))
	today := kexie.Today(time.Now()).String()
	keyOf := func(i int) int {
		if i%8 == 7 {
			return i - 1
		}
		return i
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: 2 * time.Minute}
	var mu sync.Mutex
	status := map[int]int{}
	byKey := map[int]map[int64]bool{} // receipts each key was answered with
	var failed atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				k := keyOf(i)
				raw, _ := json.Marshal(map[string]any{"date": today, "donor": fmt.Sprintf("捐赠人%05d", k), "amount": 100 + k, "idempotency_key": fmt.Sprintf("k-%d", k)})
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/orgs/A/ledger/receipts", bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				var rc finance.Receipt
				_ = json.NewDecoder(res.Body).Decode(&rc)
				res.Body.Close()
				mu.Lock()
				status[res.StatusCode]++
				if byKey[k] == nil {
					byKey[k] = map[int64]bool{}
				}
				byKey[k][rc.ID] = true
				mu.Unlock()
			}
		}()
	}
	b.StartTimer()
	start, cpu0 := time.Now(), processCPU()
	for i := range requests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	took, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()

	distinct := requests - requests/8
	if failed.Load() > 0 || status[http.StatusCreated] != distinct || status[http.StatusOK] != requests/8 || len(status) != 2 {
		b.Fatalf("answers %v, %d failed", status, failed.Load())
	}
	var want int64
	for k, ids := range byKey {
		if len(ids) != 1 {
			b.Fatalf("key %d answered with receipts %v", k, ids)
		}
		want += int64(100 + k)
	}
	list, total, err := e.db.Finance.Receipts(ctx, e.a.ID, finance.ReceiptFilter{Limit: 1})
	if err != nil || total != distinct || list[0].Seq != int64(distinct) {
		b.Fatalf("receipts: %d, the last numbered %d (%v)", total, list[0].Seq, err)
	}
	year := kexie.Today(time.Now()).Year()
	sheet, err := e.db.Finance.BalanceSheet(ctx, e.a.ID, fmt.Sprintf("%04d-12", year))
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range sheet.Assets {
		if l.Account == "1002" && l.Amount != want {
			b.Fatalf("bank balance %d, want %d", l.Amount, want)
		}
	}
	if problems, err := e.db.Finance.Verify(ctx, e.a.ID); err != nil || len(problems) > 0 {
		b.Fatalf("verify: %v %v", problems, err)
	}
	b.ReportMetric(float64(distinct)/took.Seconds(), "entries/s")
	b.ReportMetric(took.Seconds(), "s")
	// CPU time of the process (server and clients) per entry while they
	// posted: on a shared machine the wall clock measures the neighbours
	// too. PostgreSQL's own work is in its server's processes, not here.
	b.ReportMetric(float64(cpu.Microseconds())/float64(distinct), "cpu-µs/entry")
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

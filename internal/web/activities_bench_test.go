package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// BenchmarkActivityRush measures issue 14's two rushes over HTTP, through
// 256 connections, on SQLite and (with KEXIE_TEST_PG_DSN) PostgreSQL:
//
//   - register: 8,000 people register at once, without accounts, for a
//     public activity with 6,000 places: exactly 6,000 confirmed and 2,000
//     waitlisted, none lost;
//   - checkin: the 6,000 confirmed are scanned at the desk (the QR code's
//     text), 1,000 of them twice at the same time: each checked in exactly
//     once, every second scan answered duplicate.
//
// The run fails when a count is wrong; the figures are the seconds each
// rush took (docs/benchmarks.md). Run:
//
//	go test ./internal/web/ -run '^$' -bench ActivityRush -benchtime 1x -timeout 30m
func BenchmarkActivityRush(b *testing.B) {
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
				// Visitors come from many addresses (each may register 20
				// times an hour): the server trusts the loopback proxy's
				// X-Forwarded-For.
				cfg := web.DefaultConfig()
				cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
				benchRush(b, newEnvWith(b, d.open(b), cfg))
			}
		})
	}
}

// rush sends n requests through 256 connections at once and counts the
// answers by status and result.
func rush(b *testing.B, n int, req func(i int) *http.Request) (map[string]int, []string, time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 2 * time.Minute}
	var mu sync.Mutex
	counts := map[string]int{}
	answers := make([]string, n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 256 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, err := client.Do(req(i))
				if err != nil {
					failed.Add(1)
					continue
				}
				var out map[string]string
				_ = json.NewDecoder(res.Body).Decode(&out)
				res.Body.Close()
				key := fmt.Sprintf("%d %s%s", res.StatusCode, out["status"], out["result"])
				mu.Lock()
				counts[key]++
				answers[i] = out["token"]
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	took := time.Since(start)
	if failed.Load() > 0 {
		b.Fatalf("%d requests failed", failed.Load())
	}
	return counts, answers, took
}

func benchRush(b *testing.B, e *env) {
	const places, people, twice = 6000, 8000, 1000
	b.StopTimer()
	staff := e.bearer(e.user("desk", kexie.RoleStaff, e.a))
	if _, err := e.db.Activities.Create(ctx, e.setup, activities.Input{Code: "AM-21", Kind: "annual_meeting", Category: "academic", TitleZH: "年会",
		Starts: "2019-06-29", Public: true, Capacity: places, Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "A"}}}); err != nil {
		b.Fatal(err)
	}
	for _, s := range []string{activities.StatusPublished, activities.StatusRegistrationOpen} {
		if err := e.db.Activities.SetStatus(ctx, e.setup, "AM-21", s); err != nil {
			b.Fatal(err)
		}
	}
	post := func(path, bearer string, body any) *http.Request {
		raw, _ := json.Marshal(body)
		r, _ := http.NewRequest("POST", e.ts.URL+path, bytes.NewReader(raw))
		r.Header.Set("Content-Type", "application/json")
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		return r
	}

	// For scale on a shared machine: the same number of requests to the
	// health check (one database ping each) through the same connections.
	counts, _, took := rush(b, people, func(int) *http.Request {
		r, _ := http.NewRequest("GET", e.ts.URL+"/healthz", nil)
		return r
	})
	if counts["200 ok"] != people {
		b.Fatalf("health checks answered %v", counts)
	}
	b.ReportMetric(took.Seconds(), "healthz-s")

	b.StartTimer()
	counts, _, took = rush(b, people, func(i int) *http.Request {
		r := post("/api/v1/activities/AM-21/registrations", "", map[string]any{"name": fmt.Sprintf("参会者%04d", i)})
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		return r
	})
	b.StopTimer()
	if counts["201 confirmed"] != places || counts["201 waitlisted"] != people-places || len(counts) != 2 {
		b.Fatalf("registrations answered %v", counts)
	}
	a, _ := e.db.Activities.ByCode(ctx, "AM-21")
	stored, _ := e.db.Activities.RegistrationCounts(ctx, a.ID)
	if a.Confirmed != places || stored["confirmed"] != places || stored["waitlisted"] != people-places {
		b.Fatalf("stored: %d on the row, %v", a.Confirmed, stored)
	}
	b.ReportMetric(took.Seconds(), "register-s")

	var confirmed []string
	for offset := 0; ; offset += 1000 {
		page, err := e.db.Activities.Registrations(ctx, a.ID, offset, 1000)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range page {
			if r.Status == activities.RegConfirmed {
				confirmed = append(confirmed, r.Token)
			}
		}
		if len(page) < 1000 {
			break
		}
	}
	// Every confirmed one, and 1,000 of them a second time right after
	// their first (both in flight together).
	var scans []string
	for i, tok := range confirmed {
		scans = append(scans, tok)
		if i%(places/twice) == 0 {
			scans = append(scans, tok)
		}
	}
	b.StartTimer()
	counts, _, took = rush(b, len(scans), func(i int) *http.Request {
		return post("/api/v1/activities/AM-21/checkins", staff, map[string]any{"code": scans[i], "nonce": fmt.Sprintf("scan-%d", i)})
	})
	b.StopTimer()
	if counts["201 checked_in"] != places || counts["201 duplicate"] != twice || len(counts) != 2 {
		b.Fatalf("check-ins answered %v", counts)
	}
	hist, err := e.db.Activities.History(ctx, a.ID, 1000)
	if err != nil || len(hist) != 1000 {
		b.Fatalf("history: %d, %v", len(hist), err)
	}
	b.ReportMetric(took.Seconds(), "checkin-s")
}

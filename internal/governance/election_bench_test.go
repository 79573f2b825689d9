package governance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
	"github.com/kexie/kexie/internal/web/site"
)

// BenchmarkElection6000: 6,000 representatives of a congress cast their
// secret ballots concurrently over HTTP (POST /api/v1/elections/{id}/ballots
// with each one's API token) in one election — and each sends a second
// ballot at the same time, which must be refused. Afterwards the count has
// exactly 6,000 ballots: none lost, none doubled. Run:
//
//	go test -run '^$' -bench BenchmarkElection6000 -benchtime 1x -timeout 30m ./internal/governance/
//
// With KEXIE_TEST_PG_DSN set, PostgreSQL is measured too.
func BenchmarkElection6000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := dbtest.Open(ctx, sqldb.Config{Path: filepath.Join(b.TempDir(), "k.db")})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchElection(b, db)
	})
	if os.Getenv("KEXIE_TEST_PG_DSN") != "" {
		b.Run("postgres", func(b *testing.B) {
			db, err := dbtest.Open(ctx, sqldb.Config{DSN: dbtest.PostgresSchema(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			benchElection(b, db)
		})
	}
}

func benchElection(b *testing.B, db *dbtest.DB) {
	const voters = 6000
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("CONG", "", "national_society", "学会")), registry.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	o, _ := db.Registry.OrgByCode(ctx, "CONG")
	var rows []kexie.MemberRecord
	for i := range voters {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("R%05d", i), OrgCode: "CONG", Type: "individual",
			Name: fmt.Sprintf("代表%05d", i), Status: "active", Joined: "2020-01-01"})
	}
	if _, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{}); err != nil {
		b.Fatal(err)
	}
	congress, err := db.Governance.CreateBody(ctx, dbtest.Admin, o.ID, charter.Congress, "会员代表大会", "General assembly")
	if err != nil {
		b.Fatal(err)
	}
	term, err := db.Governance.StartTerm(ctx, dbtest.Admin, congress.ID, 10, "2026-01-01")
	if err != nil {
		b.Fatal(err)
	}
	seats, people := make([]int64, voters), make([]int64, voters)
	for i := range voters {
		m, err := db.Membership.MemberByNo(ctx, o.ID, fmt.Sprintf("R%05d", i))
		if err != nil {
			b.Fatal(err)
		}
		people[i] = m.PersonID
		if seats[i], err = db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "representative", Seated: "2026-01-01"}); err != nil {
			b.Fatal(err)
		}
	}
	meeting, err := db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2026-06-01", Place: "北京"})
	if err != nil {
		b.Fatal(err)
	}
	var att []governance.Presence
	for _, s := range seats {
		att = append(att, governance.Presence{SeatID: s, Status: charter.Present})
	}
	if err := db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, att); err != nil {
		b.Fatal(err)
	}
	candidates := people[:10]
	el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举理事", Seats: 5, Candidates: candidates})
	if err != nil {
		b.Fatal(err)
	}
	users, err := db.VotersForTest(ctx, people)
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, voters)
	for i, u := range users {
		if _, tokens[i], err = db.Access.CreateAPIToken(ctx, dbtest.Admin, u, "vote", nil); err != nil {
			b.Fatal(err)
		}
	}
	cfg := web.DefaultConfig()
	cfg.Sealer = sealer
	srv, err := site.New(context.Background(), site.Domains{DB: db.DB, Access: db.Access, Registry: db.Registry, Membership: db.Membership, Governance: db.Governance, Voting: db.Voting, Finance: db.Finance, Awards: db.Awards, Activities: db.Activities}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: time.Minute}
	url := fmt.Sprintf("%s/api/v1/elections/%d/ballots", ts.URL, el)
	var created, refused, other atomic.Int64
	cast := func(i int) {
		body, _ := json.Marshal(map[string]any{"seat_id": seats[i], "choices": []int64{candidates[i%10], candidates[(i+3)%10]}})
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			other.Add(1)
			return
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusCreated:
			created.Add(1)
		case http.StatusConflict:
			refused.Add(1)
		default:
			other.Add(1)
		}
	}
	// Every voter twice, all at once through 256 connections.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 256 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				cast(i)
			}
		}()
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for i := range voters {
		jobs <- i
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	took := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	res, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
	if err != nil {
		b.Fatal(err)
	}
	if created.Load() != voters || refused.Load() != voters || other.Load() != 0 || res.Cast != voters || res.Valid != voters {
		b.Fatalf("created %d, refused %d, other %d; counted %d cast, %d valid", created.Load(), refused.Load(), other.Load(), res.Cast, res.Valid)
	}
	b.ReportMetric(took.Seconds(), "s")
	b.ReportMetric(float64(voters)/took.Seconds(), "ballots/s")
	// The process's CPU time during the burst (server, clients and, on
	// SQLite, the database): on a machine shared with other work the wall
	// clock moves with their load far more than this does.
	b.ReportMetric(cpu.Seconds(), "cpu-s")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

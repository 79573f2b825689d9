package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// BenchmarkReadPaths measures the signed-in read paths over loopback HTTP
// (keep-alive, as many clients as GOMAXPROCS × 8) beside a trivial JSON
// handler served the same way in the same run: the ratio of the two
// ns/op figures is the figure docs/benchmarks.md records. On PostgreSQL
// when KEXIE_TEST_PG_DSN is set.
//
//	go test ./internal/web/ -run '^$' -bench ReadPaths -benchtime 5s
func BenchmarkReadPaths(b *testing.B) {
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"code": "A", "name": "A省科协"})
	}))
	defer bare.Close()
	dbs := map[string]func(testing.TB) *dbtest.DB{"sqlite": func(t testing.TB) *dbtest.DB { return dbtest.OpenSQLite(t, dbtest.Options{}) }}
	if os.Getenv("KEXIE_TEST_PG_DSN") != "" {
		dbs["postgres"] = func(t testing.TB) *dbtest.DB { return dbtest.OpenPostgres(t, dbtest.Options{}) }
	}
	for name, open := range dbs {
		e := newEnv(b, open(b))
		e.user("bench.staff", kexie.RoleOrgAdmin, e.a)
		c := e.client()
		c.mustLogin("bench.staff")
		cookie := c.cookie("kexie_session")
		if cookie == "" {
			b.Fatal("no session cookie")
		}
		get := func(b *testing.B, url string, withCookie bool) {
			// The process's CPU time per request (server and clients in
			// one process) beside the wall time: on a machine shared with
			// other work the wall time of one run says little, the CPU
			// time of the same work much more.
			start := processCPU()
			defer func() { b.ReportMetric(float64((processCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op") }()
			b.RunParallel(func(pb *testing.PB) {
				hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				for pb.Next() {
					req, _ := http.NewRequest("GET", url, nil)
					if withCookie {
						req.AddCookie(&http.Cookie{Name: "kexie_session", Value: cookie})
					}
					res, err := hc.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("%s: %d", url, res.StatusCode)
						return
					}
				}
			})
		}
		b.Run(name+"/bare", func(b *testing.B) { b.SetParallelism(8); get(b, bare.URL, false) })
		b.Run(name+"/api-me", func(b *testing.B) { b.SetParallelism(8); get(b, e.ts.URL+"/api/v1/me", true) })
		b.Run(name+"/api-org", func(b *testing.B) { b.SetParallelism(8); get(b, e.ts.URL+"/api/v1/orgs/A", true) })
		b.Run(name+"/api-org-stats", func(b *testing.B) { b.SetParallelism(8); get(b, e.ts.URL+"/api/v1/orgs/A/stats", true) })
		b.Run(name+"/page-org", func(b *testing.B) { b.SetParallelism(8); get(b, e.ts.URL+"/orgs/A", true) })
	}
}

// TestRevocationIsImmediate: whatever the read paths keep between requests,
// a role revoked or an account disabled is seen on the very next request,
// through a session and through an API token alike.
func TestRevocationIsImmediate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := e.user("soon.gone", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("soon.gone")
		_, tok, err := e.db.Access.CreateAPIToken(ctx, e.setup, u.ID, "bench", nil)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", "", nil), http.StatusOK)
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", tok, nil), http.StatusOK)
		if err := e.db.Access.RevokeRole(ctx, e.setup, u.ID, e.a.ID, kexie.RoleStaff); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", "", nil), http.StatusForbidden)
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", tok, nil), http.StatusForbidden)
		if err := e.db.Access.GrantRole(ctx, e.setup, u.ID, e.a.ID, kexie.RoleStaff); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", "", nil), http.StatusOK)
		if err := e.db.Access.DisableUser(ctx, e.setup, u.ID); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", "", nil), http.StatusUnauthorized)
		wantStatus(t, c.api("GET", "/api/v1/orgs/A", tok, nil), http.StatusUnauthorized)
	})
}

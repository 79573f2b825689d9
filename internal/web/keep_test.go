package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// TestKeptAnswersFollowChanges: an organisation's page and its API answer
// are kept between requests (the same answer again is not read and
// rendered again), and every audited change — made by this server, or by
// another process on the same database — is on the next request. A write
// that bypasses the use cases (and so the audit log) is not seen: that is
// what shows the answer was kept.
func TestKeptAnswersFollowChanges(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("keeper", kexie.RoleOrgAdmin, e.a)
		c := e.client()
		c.mustLogin("keeper")
		page := func() string {
			t.Helper()
			r := c.get("/orgs/A")
			wantStatus(t, r, http.StatusOK)
			return r.body
		}
		if !strings.Contains(page(), "A省科协") {
			t.Fatal("the page does not show the organisation")
		}
		settle(t, e)
		page()
		_ = c.api("GET", "/api/v1/orgs/A", "", nil)

		// Behind the use cases' back: the kept answers stay.
		if err := e.db.RawExec(ctx, `UPDATE orgs SET legal_rep = 'RAWREP' WHERE code = 'A'`); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(page(), "RAWREP") {
			t.Fatal("the page was read again: nothing was kept")
		}

		// Through this server's use cases: seen at once.
		if err := e.db.Registry.UpdateOrgProfile(ctx, e.setup, e.a.ID, registry.OrgProfile{NameEN: "A Association", LegalRep: "李四"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page(), "李四") {
			t.Fatal("a change made here is not on the next page")
		}
		var org struct {
			LegalRep string `json:"legal_rep"`
		}
		r := c.api("GET", "/api/v1/orgs/A", "", nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &org)
		if org.LegalRep != "李四" {
			t.Fatalf("API answer %q after the change", org.LegalRep)
		}

		// The same page in the other language is its own answer.
		req, _ := http.NewRequest("GET", e.ts.URL+"/orgs/A", nil)
		req.AddCookie(&http.Cookie{Name: "kexie_lang", Value: "en"})
		if en := c.do(req); !strings.Contains(en.body, "Legal representative") {
			t.Fatal("the English page is not in English")
		}

		// By another process on the same database: on SQLite at once; on
		// PostgreSQL once its notification has arrived, a moment after the
		// commit.
		other := e.db.Another(t)
		if err := other.Registry.UpdateOrgProfile(ctx, e.setup, e.a.ID, registry.OrgProfile{NameEN: "A Association", LegalRep: "王五"}); err != nil {
			t.Fatal(err)
		}
		seen := strings.Contains(page(), "王五")
		if e.db.Dialect() == sqldb.Postgres {
			for deadline := time.Now().Add(5 * time.Second); !seen && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				seen = strings.Contains(page(), "王五")
			}
		}
		if !seen {
			t.Fatal("a change made by another process is not on the page")
		}
	})
}

// TestWhoAsksIsKept: who asks (the session or token, the user, the grants)
// is read once and kept while nothing audited changes: a name changed
// behind the use cases' back is not seen, a revoked token is refused on
// the next request (the revocation is audited).
func TestWhoAsksIsKept(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := e.user("kept.who", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("kept.who")
		_, tok, err := e.db.Access.CreateAPIToken(ctx, e.setup, u.ID, "kept", nil)
		if err != nil {
			t.Fatal(err)
		}
		me := func(bearer string) string {
			t.Helper()
			r := c.api("GET", "/api/v1/me", bearer, nil)
			wantStatus(t, r, http.StatusOK)
			return r.body
		}
		settle(t, e)
		me("")
		me(tok)
		if err := e.db.RawExec(ctx, `UPDATE users SET display_name = 'RAWNAME' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(me(""), "RAWNAME") || strings.Contains(me(tok), "RAWNAME") {
			t.Fatal("who asks was read again: nothing was kept")
		}
		toks, err := e.db.Access.APITokens(ctx, u.ID)
		if err != nil || len(toks) != 1 {
			t.Fatal(toks, err)
		}
		if err := e.db.Access.RevokeAPIToken(ctx, e.setup, u.ID, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.api("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized)
		if !strings.Contains(me(""), "RAWNAME") {
			t.Fatal("after an audited change the session's user was not read again")
		}
	})
}

// settle waits until the database's generation has stood still for a
// moment. On PostgreSQL this server's own commits are counted at once and
// then again when their notification arrives, a moment later: a value kept
// in between is read again once. Only tests that show a value was kept
// need to wait for that; no answer is ever stale because of it.
func settle(t *testing.T, e *env) {
	t.Helper()
	g, err := e.db.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		h, err := e.db.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h == g {
			return
		}
		g = h
	}
}

// TestRevocationByAnotherProcess: an account disabled by another process
// on the same database (`kexie user disable` beside a running server) is
// refused by the server: on SQLite on the very next request, on
// PostgreSQL as soon as the commit's notification has arrived.
func TestRevocationByAnotherProcess(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := e.user("gone.elsewhere", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("gone.elsewhere")
		for range 3 {
			wantStatus(t, c.api("GET", "/api/v1/orgs/A", "", nil), http.StatusOK)
		}
		if err := e.db.Another(t).Access.DisableUser(ctx, e.setup, u.ID); err != nil {
			t.Fatal(err)
		}
		status := c.api("GET", "/api/v1/orgs/A", "", nil).StatusCode
		if e.db.Dialect() == sqldb.Postgres {
			for deadline := time.Now().Add(5 * time.Second); status == http.StatusOK && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
				status = c.api("GET", "/api/v1/orgs/A", "", nil).StatusCode
			}
		}
		if status != http.StatusUnauthorized {
			t.Fatalf("after the account was disabled elsewhere: %d", status)
		}
	})
}

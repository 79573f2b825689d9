package web_test

import (
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// TestStrangersCannotLockAnAccount: wrong passwords from one address
// throttle that address's attempts on the account, not its owner signing
// in from elsewhere; the owner's own failures still lock their own
// attempts (issue 12, item 18).
func TestStrangersCannotLockAnAccount(t *testing.T) {
	cfg := web.DefaultConfig()
	cfg.LoginLimitAccount, cfg.LoginLimitAddress = 3, 50
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e := newEnvWith(t, dbtest.OpenSQLite(t, dbtest.Options{}), cfg)
	e.user("admin.li", kexie.RoleOrgAdmin, e.a)
	login := func(c *client, from, password string) resp {
		t.Helper()
		req, _ := http.NewRequest("GET", e.ts.URL+"/login", nil)
		req.Header.Set("X-Forwarded-For", from)
		c.do(req)
		form := url.Values{"username": {"admin.li"}, "password": {password}, "csrf_token": {c.csrf}}
		req, _ = http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		return c.do(req)
	}
	stranger := e.client()
	for range 5 {
		login(stranger, "198.51.100.7", "guess")
	}
	wantStatus(t, login(stranger, "198.51.100.7", testPassword), http.StatusTooManyRequests)
	wantStatus(t, login(e.client(), "203.0.113.9", testPassword), http.StatusSeeOther)
}

// A locked sign-in says how long to wait, on the page and in Retry-After.
func TestLockoutSaysHowLongToWait(t *testing.T) {
	cfg := web.DefaultConfig()
	cfg.LoginLimitAccount, cfg.LoginLimitAddress = 3, 50
	e := newEnvWith(t, dbtest.OpenSQLite(t, dbtest.Options{}), cfg)
	e.user("admin.li", kexie.RoleOrgAdmin, e.a)
	c := e.client()
	c.lang = "en"
	start := time.Now()
	for range 3 {
		c.login("admin.li", "guess")
	}
	r := c.login("admin.li", testPassword)
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, "Try again in 15 minutes") {
		t.Fatalf("the lockout does not say how long: %s", r.body[strings.Index(r.body, "<main>"):min(len(r.body), strings.Index(r.body, "<main>")+300)])
	}
	// The wait runs from the first refused guess: 900 s then, less by
	// the seconds the attempts took (a loaded machine takes some).
	took := int(math.Ceil(time.Since(start).Seconds()))
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra > 900 || ra < 900-took {
		t.Fatalf("Retry-After %q, want %d–900", r.Header.Get("Retry-After"), 900-took)
	}
}

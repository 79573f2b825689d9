package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// TestEveryRouteDeclaresPermission walks every registered route: each has a
// known permission, and each that is not public refuses an anonymous caller
// from a non-loopback address.
func TestEveryRouteDeclaresPermission(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	known := map[kexie.Permission]bool{kexie.PermPublic: true, kexie.PermSignedIn: true}
	for _, p := range kexie.Permissions {
		known[p] = true
	}
	routes := e.srv.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, rt := range routes {
		if !known[rt.Perm] {
			t.Errorf("%s declares unknown permission %q", rt.Pattern(), rt.Perm)
			continue
		}
		if rt.Perm == kexie.PermPublic {
			continue
		}
		method := rt.Method
		if method == "" {
			method = "GET"
		}
		path := strings.ReplaceAll(rt.Path, "{id}", "1")
		req := httptest.NewRequest(method, path, strings.NewReader(""))
		req.RemoteAddr = "203.0.113.7:40000"
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		refused := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden ||
			(rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login"))
		if !refused {
			t.Errorf("%s (%s) answered an anonymous caller with %d", rt.Pattern(), rt.Perm, rec.Code)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	c := e.client()
	for _, p := range []string{"/", "/login", "/api/v1/me", "/nope", "/healthz"} {
		r := c.get(p)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", p)
		}
	}
	// No inline script or style in any page: the CSP would block it.
	for _, p := range []string{"/", "/login"} {
		b := c.get(p).body
		if strings.Contains(b, "<script>") || strings.Contains(b, "style=") || strings.Contains(b, "<style") {
			t.Errorf("%s has inline script or style", p)
		}
	}
}

func TestLoginLogoutAndSessionRotation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("wang.fang", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		// Wrong password and unknown user get the same answer.
		r1 := c.login("wang.fang", "wrong password!")
		r2 := c.login("nobody.here", "wrong password!")
		wantStatus(t, r1, http.StatusUnauthorized)
		wantStatus(t, r2, http.StatusUnauthorized)
		if !strings.Contains(r1.body, "The user name or password is wrong.") || !strings.Contains(r2.body, "The user name or password is wrong.") {
			t.Fatal("failure messages differ or are missing")
		}
		if !strings.Contains(r1.body, `value="wang.fang"`) {
			t.Error("the user name typed is lost after a failed sign-in")
		}
		// A login form without its token is refused and signs nobody in.
		bad := c.post("/login", url.Values{"username": {"wang.fang"}, "password": {testPassword}, "csrf_token": {"forged"}})
		wantStatus(t, bad, http.StatusForbidden)
		if c.cookie("kexie_session") != "" {
			t.Fatal("session cookie after a forged form")
		}
		r := c.login("wang.fang", testPassword)
		wantStatus(t, r, http.StatusSeeOther)
		first := c.cookie("kexie_session")
		if len(first) < 32 {
			t.Fatalf("session token %q too short", first)
		}
		for _, ck := range r.Cookies() {
			if ck.Name == "kexie_session" && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
				t.Fatal("session cookie must be HttpOnly and SameSite")
			}
		}
		home := c.get("/")
		if !strings.Contains(home.body, "wang.fang") || !strings.Contains(home.body, "Staff") {
			t.Fatal("home page does not show the signed-in user and role")
		}
		// Signing in again from the same browser rotates the token and
		// ends the old session.
		c.login("wang.fang", testPassword)
		second := c.cookie("kexie_session")
		if second == "" || second == first {
			t.Fatal("session token not rotated at sign-in")
		}
		old := e.client()
		old.hc.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: "kexie_session", Value: first}})
		wantStatus(t, old.api("GET", "/api/v1/me", "", nil), http.StatusUnauthorized)
		// Logout ends the session server-side.
		c.get("/")
		wantStatus(t, c.post("/logout", nil), http.StatusSeeOther)
		replay := e.client()
		replay.hc.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: "kexie_session", Value: second}})
		wantStatus(t, replay.api("GET", "/api/v1/me", "", nil), http.StatusUnauthorized)
		// The audit log has the sign-ins and the sign-out.
		n, err := e.db.VerifyAudit(ctx, nil)
		if err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

func TestLoginRateLimit(t *testing.T) {
	cfg := web.DefaultConfig()
	cfg.LoginLimitAccount, cfg.LoginLimitAddress = 3, 5
	e := newEnvWith(t, dbtest.OpenSQLite(t, dbtest.Options{}), cfg)
	e.user("li.na", kexie.RoleStaff, e.a)
	e.user("zhao.lei", kexie.RoleStaff, e.a)
	c := e.client()
	for i := 0; i < 3; i++ {
		wantStatus(t, c.login("li.na", "wrong password"), http.StatusUnauthorized)
	}
	// The account is locked for now, even with the right password.
	wantStatus(t, c.login("li.na", testPassword), http.StatusTooManyRequests)
	// Another account from the same address still works until the address
	// limit (5 failures) is reached.
	wantStatus(t, c.login("zhao.lei", testPassword), http.StatusSeeOther)
	c2 := e.client()
	wantStatus(t, c2.login("zhao.lei", "wrong"), http.StatusUnauthorized)
	wantStatus(t, c2.login("zhao.lei", "wrong"), http.StatusUnauthorized)
	wantStatus(t, c2.login("zhao.lei", testPassword), http.StatusTooManyRequests)
}

func TestCSRFAndCrossOrigin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("sun.li", kexie.RoleStaff, e.a)
		e.user("zhou.min", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("sun.li")
		other := e.client()
		other.mustLogin("zhou.min")
		// No token, or another session's token: refused, nothing changes.
		r := c.post("/account/tokens", url.Values{"name": {"x"}, "csrf_token": {""}})
		wantStatus(t, r, http.StatusForbidden)
		r = c.post("/account/tokens", url.Values{"name": {"x"}, "csrf_token": {other.csrf}})
		wantStatus(t, r, http.StatusForbidden)
		// A cross-site browser request is refused before any handler.
		req, _ := http.NewRequest("POST", e.ts.URL+"/account/tokens", strings.NewReader("name=x&csrf_token="+url.QueryEscape(c.csrf)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		wantStatus(t, c.do(req), http.StatusForbidden)
		// The API with a session cookie but no header token is refused too.
		saved := c.csrf
		c.csrf = ""
		wantStatus(t, c.api("POST", "/api/v1/tokens", "", map[string]any{"name": "x"}), http.StatusForbidden)
		c.csrf = saved
		var list struct{ Tokens []any }
		c.api("GET", "/api/v1/tokens", "", nil).json(t, &list)
		if len(list.Tokens) != 0 {
			t.Fatalf("a refused request created %d tokens", len(list.Tokens))
		}
		// A bad expiry comes back with what was typed and a clear error.
		r = c.post("/account/tokens", url.Values{"name": {"nightly export"}, "expires": {"2020-01-01"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, `value="nightly export"`) || !strings.Contains(r.body, `class="error"`) {
			t.Fatal("the token form lost its input or its error")
		}
		// With the right token it works.
		wantStatus(t, c.post("/account/tokens", url.Values{"name": {"script"}}), http.StatusCreated)
	})
}

func TestLanguageNegotiationAndSwitch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := e.user("chen.jing", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en-GB,en;q=0.9"
		if b := c.get("/login").body; !strings.Contains(b, `<html lang="en">`) || !strings.Contains(b, "Sign in") {
			t.Fatal("English not negotiated")
		}
		c.lang = "zh-CN,zh;q=0.9,en;q=0.5"
		if b := c.get("/login").body; !strings.Contains(b, `<html lang="zh-Hans">`) || !strings.Contains(b, "登录") {
			t.Fatal("Chinese not negotiated")
		}
		c.lang = "fr"
		if b := c.get("/").body; !strings.Contains(b, `<html lang="zh-Hans">`) {
			t.Fatal("default is not Chinese")
		}
		// Switching is remembered (cookie) over Accept-Language …
		c.lang = "zh-CN"
		c.mustLogin("chen.jing")
		wantStatus(t, c.post("/lang", url.Values{"lang": {"en"}, "next": {"/account"}}), http.StatusSeeOther)
		if b := c.get("/account").body; !strings.Contains(b, `<html lang="en">`) || !strings.Contains(b, "My account") {
			t.Fatal("switch to English not remembered")
		}
		// … and on the account, so another browser gets it too.
		got, _ := e.db.Access.UserByID(ctx, u.ID)
		if got.Lang != "en" {
			t.Fatalf("user language %q", got.Lang)
		}
		c2 := e.client()
		c2.lang = "zh-CN"
		c2.mustLogin("chen.jing")
		if b := c2.get("/").body; !strings.Contains(b, `<html lang="en">`) {
			t.Fatal("another browser does not get the user's language")
		}
		// A first-time visitor (no cookie yet) can switch on the home page.
		v := e.client()
		v.lang = "zh-CN"
		v.get("/")
		wantStatus(t, v.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}}), http.StatusSeeOther)
		if b := v.get("/").body; !strings.Contains(b, `<html lang="en">`) {
			t.Fatal("an anonymous visitor's switch did not stick")
		}
		// An unknown language is a clear error.
		wantStatus(t, c.post("/lang", url.Values{"lang": {"xx-invalid"}}), http.StatusBadRequest)
	})
}

func TestHealthAndMetrics(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		var h map[string]string
		r := c.get("/healthz")
		wantStatus(t, r, http.StatusOK)
		r.json(t, &h)
		if h["status"] != "ok" || h["database"] != string(e.db.Dialect()) {
			t.Fatalf("healthz %v", h)
		}
		c.get("/login")
		m := c.get("/metrics") // from loopback: allowed
		wantStatus(t, m, http.StatusOK)
		for _, want := range []string{`kexie_http_requests_total{code="200",method="GET",route="GET /login"}`, "kexie_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
			if !strings.Contains(m.body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		e.db.Close()
		wantStatus(t, c.get("/healthz"), http.StatusServiceUnavailable)
	})
}

func TestNotFoundAndErrors(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	c := e.client()
	c.lang = "en"
	r := c.get("/api/v1/nothing-here")
	wantStatus(t, r, http.StatusNotFound)
	var body map[string]string
	r.json(t, &body)
	if body["code"] != "not_found" || body["message"] == "" {
		t.Fatalf("API 404 body %v", body)
	}
	// Unknown routes are not found, whatever the method, without a form
	// token complaint; the static folder lists nothing.
	wantStatus(t, c.post("/no/such/page", nil), http.StatusNotFound)
	wantStatus(t, c.get("/static/"), http.StatusNotFound)
	wantStatus(t, c.get("/static/kexie.css"), http.StatusOK)
	r = c.get("/no/such/page")
	wantStatus(t, r, http.StatusNotFound)
	if !strings.Contains(r.body, "No such page.") || !strings.Contains(r.body, `<html lang="en">`) {
		t.Fatal("HTML 404 page")
	}
	r = c.api("GET", "/api/v1/me", "kx_not-a-real-token", nil)
	wantStatus(t, r, http.StatusUnauthorized)
	r.json(t, &body)
	if body["code"] != "unauthorized" {
		t.Fatalf("bad bearer: %v", body)
	}
	// Protected pages send the anonymous visitor to sign in, and back.
	r = c.get("/audit?actor=x")
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/login?next=%2Faudit%3Factor%3Dx" {
		t.Fatalf("redirect to %q", loc)
	}
	// An open redirect through next= is not possible.
	e.user("qian.hao", kexie.RoleStaff, e.a)
	c.get("/login?next=//evil.example/")
	r = c.post("/login", url.Values{"username": {"qian.hao"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Fatalf("sign-in redirected to %q", loc)
	}
}

func TestMustChangeOneTimePassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u, err := e.db.Access.CreateUser(ctx, e.setup, access.NewUser{Username: "new.admin", Password: "one-time-pass-123", MustChangePassword: true, Role: kexie.RoleSysAdmin, OrgID: e.root.ID})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.lang = "en"
		r := c.login("new.admin", "one-time-pass-123")
		if loc := r.Header.Get("Location"); loc != "/account/password" {
			t.Fatalf("after one-time sign-in: %q", loc)
		}
		// Anything else sends them back to the password form.
		r = c.get("/admin/users")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/password" {
			t.Fatalf("other page reachable before the change: %d", r.StatusCode)
		}
		c.get("/account/password")
		// Mismatch, wrong current, too short: each refused with a clear error.
		for _, f := range []url.Values{
			{"current": {"one-time-pass-123"}, "new": {"new password 2026"}, "confirm": {"new password 2027"}},
			{"current": {"wrong"}, "new": {"new password 2026"}, "confirm": {"new password 2026"}},
			{"current": {"one-time-pass-123"}, "new": {"short"}, "confirm": {"short"}},
		} {
			wantStatus(t, c.post("/account/password", f), http.StatusBadRequest)
		}
		r = c.post("/account/password", url.Values{"current": {"one-time-pass-123"}, "new": {"新的密码：科协二〇二六"}, "confirm": {"新的密码：科协二〇二六"}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, c.get("/admin/users"), http.StatusOK)
		if _, err := e.db.Access.Authenticate(ctx, u.Username, "新的密码：科协二〇二六"); err != nil {
			t.Fatal("new Chinese password does not work:", err)
		}
	})
}

func TestSubtreeScoping(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("admin.a", kexie.RoleOrgAdmin, e.a)
		staffB := e.user("staff.b", kexie.RoleStaff, e.b)
		staffA1 := e.user("staff.a1", kexie.RoleStaff, e.a1)
		e.user("auditor.a", kexie.RoleAuditor, e.a)
		e.user("staff.a", kexie.RoleStaff, e.a)
		both := e.user("staff.ab", kexie.RoleStaff, e.a1)
		if err := e.db.Access.GrantRole(ctx, e.setup, both.ID, e.b.ID, kexie.RoleAuditor); err != nil {
			t.Fatal(err)
		}
		adm := e.client()
		adm.mustLogin("admin.a")
		// The user list shows A's subtree only.
		var list struct{ Users []struct{ Username string } }
		adm.api("GET", "/api/v1/users", "", nil).json(t, &list)
		var names []string
		for _, u := range list.Users {
			names = append(names, u.Username)
		}
		if strings.Join(names, ",") != "admin.a,auditor.a,staff.a,staff.a1" {
			t.Fatalf("org admin of A lists %v", names)
		}
		if b := adm.get("/admin/users").body; strings.Contains(b, "staff.b") || strings.Contains(b, "B省科协") {
			t.Fatal("users page shows a user outside the subtree")
		}
		// Creating a user on B, or disabling B's user: as if B did not exist.
		r := adm.api("POST", "/api/v1/users", "", map[string]any{"username": "x.b", "role": "staff", "org_code": "B"})
		wantStatus(t, r, http.StatusNotFound)
		wantStatus(t, adm.api("POST", "/api/v1/users/"+itoa(staffB.ID)+"/disable", "", nil), http.StatusNotFound)
		// Making a system administrator is refused to an org admin.
		wantStatus(t, adm.api("POST", "/api/v1/users", "", map[string]any{"username": "x.sys", "role": "sysadmin", "org_code": "A"}), http.StatusForbidden)
		// Inside the subtree it works, and the one-time password comes once.
		r = adm.api("POST", "/api/v1/users", "", map[string]any{"username": "Liu.Yang", "display_name": "刘洋", "role": "staff", "org_code": "A1"})
		wantStatus(t, r, http.StatusCreated)
		var created struct {
			User struct {
				ID                 int64
				Username           string
				MustChangePassword bool `json:"must_change_password"`
			}
			OneTimePassword string `json:"one_time_password"`
		}
		r.json(t, &created)
		if created.User.Username != "liu.yang" || len(created.OneTimePassword) < 16 || !created.User.MustChangePassword {
			t.Fatalf("created %+v", created)
		}
		wantStatus(t, adm.api("POST", "/api/v1/users/"+itoa(staffA1.ID)+"/disable", "", nil), http.StatusOK)
		// Staff may not manage users or read the audit log; auditors read it.
		st := e.client()
		st.mustLogin("staff.a")
		wantStatus(t, st.get("/admin/users"), http.StatusForbidden)
		wantStatus(t, st.api("GET", "/api/v1/audit", "", nil), http.StatusForbidden)
		au := e.client()
		au.mustLogin("auditor.a")
		wantStatus(t, au.get("/admin/users"), http.StatusForbidden)
		var page struct {
			Entries []struct {
				Action, Actor string
				OrgID         int64 `json:"org_id"`
			}
		}
		au.api("GET", "/api/v1/audit?limit=500", "", nil).json(t, &page)
		sawCreate := false
		for _, en := range page.Entries {
			if en.OrgID != e.a.ID && en.OrgID != e.a1.ID {
				t.Errorf("auditor of A sees an entry of org %d", en.OrgID)
			}
			if en.Action == "user.create" && en.Actor == "admin.a" {
				sawCreate = true
			}
		}
		if !sawCreate {
			t.Error("the API user creation is not in the audit log")
		}
		if b := au.get("/audit?action=user.").body; !strings.Contains(b, "user.create") || strings.Contains(b, `"username":"staff.b"`) {
			t.Error("audit page filter or scope")
		}
		wantStatus(t, au.get("/audit?from=2026-13-45"), http.StatusBadRequest)
		r = au.get("/audit?actor=ma.li&to=9999-12-31")
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, `value="ma.li"`) {
			t.Error("the audit filters were lost after a bad date")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestTrustedProxy(t *testing.T) {
	get := func(e *env, path, peer, xff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.RemoteAddr = peer + ":5555"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	// Without trusted proxies the header is ignored: loopback is loopback.
	plain := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	if rec := get(plain, "/metrics", "127.0.0.1", "198.51.100.7"); rec.Code != http.StatusOK {
		t.Fatalf("loopback without proxy config: %d", rec.Code)
	}
	if rec := get(plain, "/metrics", "203.0.113.9", "127.0.0.1"); rec.Code == http.StatusOK {
		t.Fatalf("a forged X-Forwarded-For reached /metrics: %d", rec.Code)
	}
	// Behind a trusted local proxy, the forwarded client is the client.
	cfg := web.DefaultConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	e := newEnvWith(t, dbtest.OpenSQLite(t, dbtest.Options{}), cfg)
	if rec := get(e, "/metrics", "127.0.0.1", "198.51.100.7, 10.1.2.3"); rec.Code == http.StatusOK {
		t.Fatalf("remote client through the proxy reached /metrics: %d", rec.Code)
	}
	if rec := get(e, "/metrics", "127.0.0.1", ""); rec.Code != http.StatusOK {
		t.Fatalf("the proxy host itself: %d", rec.Code)
	}
	// The audit log records the forwarded address.
	e.user("proxy.user", kexie.RoleSysAdmin, e.root)
	form := url.Values{"username": {"proxy.user"}, "password": {testPassword}}
	pre := get(e, "/login", "127.0.0.1", "198.51.100.7")
	var anon *http.Cookie
	for _, c := range pre.Result().Cookies() {
		if c.Name == "kexie_anon" {
			anon = c
		}
	}
	form.Set("csrf_token", csrfRe.FindStringSubmatch(pre.Body.String())[1])
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	req.RemoteAddr = "127.0.0.1:5555"
	req.AddCookie(anon)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in through the proxy: %d %s", rec.Code, rec.Body)
	}
	u, _ := e.db.Access.UserByName(ctx, "proxy.user")
	es, _ := e.db.Audit(ctx, dbtest.As(u.ID), sqldb.AuditFilter{Action: "auth.login"})
	if len(es) != 1 || es[0].Source != "198.51.100.7" {
		t.Fatalf("audit source: %+v", es)
	}
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
	"github.com/kexie/kexie/internal/web/site"
)

var ctx = context.Background()

// env is one running server on a real database with a small tree:
// root (CAST) → A → A1, root → B.
type env struct {
	t       testing.TB
	db      *dbtest.DB
	srv     *web.Server
	ts      *httptest.Server
	root    kexie.Organisation
	a, a1   kexie.Organisation
	b       kexie.Organisation
	setup   kexie.Actor
	handler http.Handler
}

func newEnv(t testing.TB, db *dbtest.DB) *env {
	t.Helper()
	return newEnvWith(t, db, web.DefaultConfig())
}

func newEnvWith(t testing.TB, db *dbtest.DB, cfg web.Config) *env {
	t.Helper()
	e := &env{t: t, db: db, setup: kexie.Actor{Username: "setup", Source: "test", System: true}}
	var err error
	if e.root, err = db.Registry.EnsureRoot(ctx, e.setup); err != nil {
		t.Fatal(err)
	}
	mk := func(code string, parent int64) kexie.Organisation {
		o, err := db.Registry.CreateOrg(ctx, e.setup, kexie.Organisation{Code: code, ParentID: parent, Kind: "provincial_association", NameZH: code + "省科协", NameEN: code + " Association"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.a = mk("A", e.root.ID)
	e.a1 = mk("A1", e.a.ID)
	e.b = mk("B", e.root.ID)
	if e.srv, err = site.New(ctx, site.Domains{DB: db.DB, Access: db.Access, Registry: db.Registry, Membership: db.Membership, Governance: db.Governance, Voting: db.Voting, Finance: db.Finance, Awards: db.Awards, Activities: db.Activities}, cfg); err != nil {
		t.Fatal(err)
	}
	e.handler = e.srv
	e.ts = httptest.NewServer(e.srv)
	t.Cleanup(e.ts.Close)
	return e
}

// each runs fn on SQLite and, when configured, PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) { fn(t, newEnv(t, db)) })
}

const testPassword = "correct horse battery staple"

func (e *env) user(name string, role kexie.Role, org kexie.Organisation) kexie.User {
	e.t.Helper()
	u, err := e.db.Access.CreateUser(ctx, e.setup, access.NewUser{Username: name, DisplayName: name, Password: testPassword, Role: role, OrgID: org.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser-like client: a cookie jar, no automatic redirects,
// and the last form token seen.
type client struct {
	e    *env
	hc   *http.Client
	csrf string
	lang string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	*http.Response
	body string
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.body)
	}
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp{res, string(b)}
}

func (c *client) get(path string) resp {
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	return c.do(req)
}

// post submits a form with the current form token (unless the values set
// csrf_token themselves).
func (c *client) post(path string, v url.Values) resp {
	if v == nil {
		v = url.Values{}
	}
	if _, ok := v["csrf_token"]; !ok {
		v.Set("csrf_token", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) login(name, password string) resp {
	c.e.t.Helper()
	c.get("/login")
	return c.post("/login", url.Values{"username": {name}, "password": {password}})
}

func (c *client) mustLogin(name string) {
	c.e.t.Helper()
	r := c.login(name, testPassword)
	if r.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: %d %s", name, r.StatusCode, r.body)
	}
	c.get("/") // pick up the session's form token
}

// api calls the JSON API, with a bearer token when given, else with the
// session cookie and the form token in the header.
func (c *client) api(method, path, bearer string, body any) resp {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	} else if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.do(req)
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.ts.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func wantStatus(t *testing.T, r resp, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body: %.400s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

func newEncoder(w io.Writer) *json.Encoder { return json.NewEncoder(w) }

package web_test

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// loadDoc fetches the served OpenAPI document and validates it with
// kin-openapi (OpenAPI 3.1 aware).
func loadDoc(t *testing.T, e *env) (*openapi3.T, routers.Router) {
	t.Helper()
	r := e.client().get("/api/openapi.json")
	wantStatus(t, r, http.StatusOK)
	doc, err := openapi3.NewLoader().LoadFromData([]byte(r.body))
	if err != nil {
		t.Fatalf("load OpenAPI document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("document is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("OpenAPI document invalid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: e.ts.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// TestOpenAPIMatchesRoutes: every API route is documented with its
// permission, and nothing is documented that is not registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	doc, _ := loadDoc(t, e)
	documented := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			perm, _ := op.Extensions["x-kexie-permission"].(string)
			documented[method+" "+path] = perm
		}
	}
	registered := map[string]string{}
	for _, rt := range e.srv.Routes() {
		if rt.API && rt.Method != "" {
			registered[rt.Method+" "+rt.Path] = string(rt.Perm)
		}
	}
	var missing, extra, wrong []string
	for k, perm := range registered {
		p, ok := documented[k]
		if !ok {
			missing = append(missing, k)
		} else if p != perm {
			wrong = append(wrong, k+": documented "+p+", registered "+perm)
		}
	}
	for k := range documented {
		if _, ok := registered[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra)+len(wrong) > 0 {
		t.Fatalf("undocumented routes %v; documented but not registered %v; permission mismatch %v", missing, extra, wrong)
	}
	if len(registered) < 10 {
		t.Fatalf("only %d API routes", len(registered))
	}
}

// TestAPIResponsesMatchDocument drives the API through a typical session
// and checks every request and response against the document.
func TestAPIResponsesMatchDocument(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, router := loadDoc(t, e)
		check := func(r resp, reqBody []byte) resp {
			t.Helper()
			req := r.Request.Clone(ctx)
			req.Body = io.NopCloser(bytes.NewReader(reqBody))
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s %s: not in the document: %v", req.Method, req.URL.Path, err)
			}
			opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if len(reqBody) > 0 && r.StatusCode < 400 {
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					t.Errorf("%s %s: request does not match the document: %v", req.Method, req.URL.Path, err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.StatusCode, Header: r.Header, Options: opts}
			out.SetBodyBytes([]byte(r.body))
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("%s %s → %d: response does not match the document: %v\n%s", req.Method, req.URL.Path, r.StatusCode, err, r.body)
			}
			return r
		}
		call := func(c *client, method, path, bearer string, body map[string]any) resp {
			t.Helper()
			var raw []byte
			if body != nil {
				raw = mustJSON(body)
			}
			return check(c.api(method, path, bearer, body), raw)
		}
		e.user("sys.admin", kexie.RoleSysAdmin, e.root)
		c := e.client()
		c.mustLogin("sys.admin")
		r := call(c, "POST", "/api/v1/tokens", "", map[string]any{"name": "ci script", "expires_at": "2099-01-01T00:00:00Z"})
		wantStatus(t, r, http.StatusCreated)
		var tok struct {
			Token  struct{ ID int64 }
			Secret string
		}
		r.json(t, &tok)
		b := e.client() // a script: bearer only, no cookies
		wantStatus(t, call(b, "GET", "/api/v1/me", tok.Secret, nil), http.StatusOK)
		wantStatus(t, call(b, "GET", "/api/v1/tokens", tok.Secret, nil), http.StatusOK)
		r = call(b, "POST", "/api/v1/users", tok.Secret, map[string]any{"username": "ma.li", "display_name": "马丽", "email": "ma.li@example.cn", "role": "staff", "org_code": "A"})
		wantStatus(t, r, http.StatusCreated)
		var u struct{ User struct{ ID int64 } }
		r.json(t, &u)
		id := itoa(u.User.ID)
		wantStatus(t, call(b, "POST", "/api/v1/users/"+id+"/grants", tok.Secret, map[string]any{"role": "auditor", "org_code": "B"}), http.StatusCreated)
		wantStatus(t, call(b, "POST", "/api/v1/users/"+id+"/grants", tok.Secret, map[string]any{"role": "auditor", "org_code": "B"}), http.StatusConflict)
		wantStatus(t, call(b, "POST", "/api/v1/users/"+id+"/disable", tok.Secret, nil), http.StatusOK)
		wantStatus(t, call(b, "POST", "/api/v1/users/"+id+"/disable", tok.Secret, nil), http.StatusConflict)
		wantStatus(t, call(b, "POST", "/api/v1/users/"+id+"/enable", tok.Secret, nil), http.StatusOK)
		wantStatus(t, call(b, "GET", "/api/v1/users?limit=2", tok.Secret, nil), http.StatusOK)
		r = call(b, "GET", "/api/v1/audit?limit=3", tok.Secret, nil)
		wantStatus(t, r, http.StatusOK)
		var page struct {
			NextBefore *int64 `json:"next_before"`
		}
		r.json(t, &page)
		if page.NextBefore == nil {
			t.Fatal("no next page cursor on a full page")
		}
		wantStatus(t, call(b, "GET", "/api/v1/audit?before="+itoa(*page.NextBefore)+"&action=user.", tok.Secret, nil), http.StatusOK)
		// Bad input: clear errors, nothing created.
		wantStatus(t, call(b, "POST", "/api/v1/users", tok.Secret, map[string]any{"username": "x", "role": "staff", "org_code": "A"}), http.StatusBadRequest)
		wantStatus(t, call(b, "POST", "/api/v1/users", tok.Secret, map[string]any{"username": "ok.name", "role": "king", "org_code": "A"}), http.StatusBadRequest)
		wantStatus(t, call(b, "POST", "/api/v1/users", tok.Secret, map[string]any{"username": "ok.name", "role": "staff", "org_code": "NOPE"}), http.StatusNotFound)
		wantStatus(t, call(b, "POST", "/api/v1/users", tok.Secret, map[string]any{"username": "ma.li", "role": "staff", "org_code": "A"}), http.StatusConflict)
		raw := b.api("POST", "/api/v1/users", tok.Secret, json_(`{"username": "ok.name", "role": "staff", "org_code": "A", "colour": "red"}`))
		wantStatus(t, raw, http.StatusBadRequest)
		if _, err := e.db.Access.UserByName(ctx, "ok.name"); err == nil {
			t.Fatal("a refused request created a user")
		}
		wantStatus(t, call(b, "GET", "/api/v1/audit?limit=abc", tok.Secret, nil), http.StatusBadRequest)
		wantStatus(t, call(b, "DELETE", "/api/v1/tokens/999999", tok.Secret, nil), http.StatusNotFound)
		wantStatus(t, call(b, "DELETE", "/api/v1/tokens/"+itoa(tok.Token.ID), tok.Secret, nil), http.StatusNoContent)
		wantStatus(t, call(b, "GET", "/api/v1/me", tok.Secret, nil), http.StatusUnauthorized)
	})
}

// json_ is a raw JSON body for requests the typed helper cannot express.
type json_ string

func (j json_) MarshalJSON() ([]byte, error) { return []byte(j), nil }

func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := newEncoder(&buf)
	_ = enc.Encode(v)
	return bytes.TrimSpace(buf.Bytes())
}

package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// TestJSONBodiesAreUTF8: a JSON body with bytes that are not UTF-8 is
// refused (encoding/json would have stored U+FFFD in their place) (issue
// 12, item 12).
func TestJSONBodiesAreUTF8(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("json.user", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("json.user")
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/tokens", bytes.NewReader([]byte("{\"name\": \"bad \xff\xfe name\"}")))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
		r := c.do(req)
		wantStatus(t, r, http.StatusBadRequest)
		var list struct{ Tokens []any }
		c.api("GET", "/api/v1/tokens", "", nil).json(t, &list)
		if len(list.Tokens) != 0 {
			t.Fatalf("a token was made from a body that is not UTF-8")
		}
	})
}

// TestNULIsRefusedAlike: a NUL character in a JSON string or a form field
// is refused with 400 on both databases (SQLite stored it, PostgreSQL
// failed with a generic error) (issue 12, item 11).
func TestNULIsRefusedAlike(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("nul.user", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("nul.user")
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/tokens", bytes.NewReader([]byte(`{"name": "a\u0000b"}`)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.csrf)
		wantStatus(t, c.do(req), http.StatusBadRequest)
		wantStatus(t, c.post("/account/tokens", url.Values{"name": {"a\x00b"}}), http.StatusBadRequest)
		var list struct{ Tokens []any }
		c.api("GET", "/api/v1/tokens", "", nil).json(t, &list)
		if len(list.Tokens) != 0 {
			t.Fatalf("a token was made with a NUL in its name")
		}
	})
}

package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// TestTokensAreMadeBySignedInPeople: a request made with an API token
// cannot make another token (it would outlive the revocation of the one
// that made it, and could have no expiry); a signed-in session can, and
// revoking the first token leaves nothing behind it (issue 12, item 9).
func TestTokensAreMadeBySignedInPeople(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("script.owner", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("script.owner")
		r := c.api("POST", "/api/v1/tokens", "", map[string]any{"name": "nightly"})
		wantStatus(t, r, http.StatusCreated)
		var made struct {
			Token  struct{ ID int64 }
			Secret string
		}
		r.json(t, &made)
		wantStatus(t, c.api("POST", "/api/v1/tokens", made.Secret, map[string]any{"name": "child"}), http.StatusForbidden)
		var list struct{ Tokens []struct{ ID int64 } }
		c.api("GET", "/api/v1/tokens", made.Secret, nil).json(t, &list)
		if len(list.Tokens) != 1 {
			t.Fatalf("%d tokens, want the one made by the session", len(list.Tokens))
		}
	})
}

// TestTokensAreForTheAPI: a token opens the JSON API only; on a page — the
// token page among them — it is refused, so no token makes another there.
func TestTokensAreForTheAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("page.owner", kexie.RoleStaff, e.a)
		c := e.client()
		c.mustLogin("page.owner")
		r := c.api("POST", "/api/v1/tokens", "", map[string]any{"name": "nightly"})
		wantStatus(t, r, http.StatusCreated)
		var made struct{ Secret string }
		r.json(t, &made)
		req, _ := http.NewRequest("POST", e.ts.URL+"/account/tokens", strings.NewReader("name=child"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+made.Secret)
		wantStatus(t, e.client().do(req), http.StatusUnauthorized)
		var list struct{ Tokens []any }
		c.api("GET", "/api/v1/tokens", made.Secret, nil).json(t, &list)
		if len(list.Tokens) != 1 {
			t.Fatalf("%d tokens, want the one the session made", len(list.Tokens))
		}
	})
}

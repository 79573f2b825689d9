package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// TestDuesStandards: the page, the form (yuan typed, fen stored, exactly),
// subtree scoping, the member page's standard in force, and the API
// checked against the OpenAPI document.
func TestDuesStandards(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("auditor.a", kexie.RoleAuditor, e.a)
		e.user("staff.b", kexie.RoleStaff, e.b)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")

		p := c.get("/orgs/A/dues")
		wantStatus(t, p, http.StatusOK)
		if !strings.Contains(p.body, "No standard set") || !strings.Contains(p.body, `id="dues-form"`) {
			t.Fatalf("empty dues page: %.600s", p.body)
		}
		if b := c.get("/orgs/A").body; !strings.Contains(b, `href="/orgs/A/dues"`) {
			t.Error("the organisation page does not link to its dues standards")
		}
		form := func(typ, amount, from string) url.Values {
			return url.Values{"type": {typ}, "amount": {amount}, "period": {"year"}, "effective_from": {from}, "note": {"第八次会员代表大会决议"}}
		}
		wantStatus(t, c.post("/orgs/A/dues", form("individual", "50", "2020-01-01")), http.StatusSeeOther)
		wantStatus(t, c.post("/orgs/A/dues", form("student", "19.99", "2020-01-01")), http.StatusSeeOther)
		wantStatus(t, c.post("/orgs/A/dues", form("unit", "0.1", "2020-01-01")), http.StatusSeeOther)
		wantStatus(t, c.post("/orgs/A/dues", form("individual", "80.5", "2999-01-01")), http.StatusSeeOther)
		// The same type and day again: refused, the form kept as typed.
		r := c.post("/orgs/A/dues", form("individual", "60", "2020-01-01"))
		wantStatus(t, r, http.StatusConflict)
		if !strings.Contains(r.body, `value="60"`) || !strings.Contains(r.body, "already a standard") {
			t.Errorf("conflict page lost the form or the message: %.800s", r.body)
		}
		for _, bad := range []string{"50.123", "-5", "5e3", "50,00", ""} {
			wantStatus(t, c.post("/orgs/A/dues", form("individual", bad, "2021-01-01")), http.StatusBadRequest)
		}
		wantStatus(t, c.post("/orgs/A/dues", form("patron", "1", "2021-01-01")), http.StatusBadRequest)
		wantStatus(t, c.post("/orgs/A/dues", form("individual", "1", "2021-13-01")), http.StatusBadRequest)
		wantStatus(t, c.post("/orgs/A/dues", url.Values{"type": {"individual"}, "amount": {"1"}, "effective_from": {"2021-01-01"}, "csrf_token": {"forged"}}), http.StatusForbidden)

		all, err := e.db.Membership.DuesStandards(ctx, e.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		fen := map[string]int64{}
		for _, s := range all {
			fen[string(s.Type)+"@"+s.EffectiveFrom] = s.AmountFen
		}
		if len(all) != 4 || fen["individual@2020-01-01"] != 5000 || fen["student@2020-01-01"] != 1999 || fen["unit@2020-01-01"] != 10 || fen["individual@2999-01-01"] != 8050 {
			t.Fatalf("stored standards: %v", fen)
		}
		p = c.get("/orgs/A/dues")
		for _, want := range []string{"50.00 yuan per year", "19.99 yuan per year", "80.50 yuan per year", "Not yet in force", "第八次会员代表大会决议", "staff.a"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("dues page lacks %q", want)
			}
		}

		// The member page: the standard in force today, and the dues form
		// prefilled with it.
		id, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := c.get("/members/" + itoa(id))
		wantStatus(t, m, http.StatusOK)
		if !strings.Contains(m.body, "50.00 yuan per year") || !strings.Contains(m.body, `placeholder="50.00" value="50.00"`) {
			t.Errorf("member page: no standard in force or no prefill: %.1500s", m.body)
		}
		zh := e.client()
		zh.lang = "zh-Hans"
		zh.mustLogin("staff.a")
		if b := zh.get("/members/" + itoa(id)).body; !strings.Contains(b, "50.00 元/年") {
			t.Error("member page in Chinese: no standard in force")
		}
		foreign, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "foreign", Name: "John Smith"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b := c.get("/members/" + itoa(foreign)).body; !strings.Contains(b, "No standard set") || strings.Contains(b, `placeholder="50.00" value=`) {
			t.Error("a type without standard shows one")
		}

		// The subtree: A1 is A's; B is not, and does not exist for staff of A.
		wantStatus(t, c.get("/orgs/A1/dues"), http.StatusOK)
		wantStatus(t, c.get("/orgs/B/dues"), http.StatusNotFound)
		wantStatus(t, c.post("/orgs/B/dues", form("individual", "1", "2021-01-01")), http.StatusNotFound)
		sb := e.client()
		sb.mustLogin("staff.b")
		wantStatus(t, sb.get("/orgs/A/dues"), http.StatusNotFound)
		// An auditor reads but may not set.
		au := e.client()
		au.mustLogin("auditor.a")
		if p := au.get("/orgs/A/dues"); p.StatusCode != http.StatusOK || strings.Contains(p.body, `id="dues-form"`) {
			t.Errorf("auditor's page: %d, form shown: %v", p.StatusCode, strings.Contains(p.body, `id="dues-form"`))
		}
		wantStatus(t, au.post("/orgs/A/dues", form("individual", "1", "2021-01-01")), http.StatusForbidden)

		// The API, every call checked against the document.
		call := docChecker(t, e)
		r = call(c, "GET", "/api/v1/orgs/A/dues-standards", nil)
		wantStatus(t, r, http.StatusOK)
		var list struct {
			OrgCode   string `json:"org_code"`
			Standards []struct {
				Type          string
				AmountFen     int64  `json:"amount_fen"`
				Amount        string `json:"amount"`
				EffectiveFrom string `json:"effective_from"`
				InForce       bool   `json:"in_force"`
			}
		}
		r.json(t, &list)
		if list.OrgCode != "A" || len(list.Standards) != 4 || list.Standards[0].Type != "individual" || list.Standards[0].EffectiveFrom != "2999-01-01" ||
			list.Standards[0].InForce || !list.Standards[1].InForce || list.Standards[1].Amount != "50.00" {
			t.Fatalf("API list: %+v", list)
		}
		call(c, "GET", "/api/v1/orgs/A/dues-standards?on=2999-01-01", nil).json(t, &list)
		if !list.Standards[0].InForce || list.Standards[1].InForce {
			t.Fatalf("API list on 2999-01-01: %+v", list)
		}
		wantStatus(t, call(c, "GET", "/api/v1/orgs/A/dues-standards?on=someday", nil), http.StatusBadRequest)
		r = call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": 10000, "effective_from": "2024-07-01", "note": "理事会决议"})
		wantStatus(t, r, http.StatusCreated)
		var created struct {
			Period  string `json:"period"`
			Amount  string `json:"amount"`
			InForce bool   `json:"in_force"`
			SetBy   string `json:"set_by"`
		}
		r.json(t, &created)
		if created.Period != "year" || created.Amount != "100.00" || !created.InForce || created.SetBy != "staff.a" {
			t.Fatalf("API created: %+v", created)
		}
		wantStatus(t, call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": 1, "effective_from": "2024-07-01"}), http.StatusConflict)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": -1, "effective_from": "2025-07-01"}), http.StatusBadRequest)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "effective_from": "2025-07-01"}), http.StatusBadRequest)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": 50.5, "effective_from": "2025-07-01"}), http.StatusBadRequest)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": 1, "period": "decade", "effective_from": "2025-07-01"}), http.StatusBadRequest)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/B/dues-standards", map[string]any{"type": "foreign", "amount_fen": 1, "effective_from": "2025-07-01"}), http.StatusNotFound)
		wantStatus(t, call(sb, "GET", "/api/v1/orgs/A/dues-standards", nil), http.StatusNotFound)
		wantStatus(t, call(au, "POST", "/api/v1/orgs/A/dues-standards", map[string]any{"type": "foreign", "amount_fen": 1, "effective_from": "2025-07-01"}), http.StatusForbidden)
		if m := c.get("/members/" + itoa(foreign)).body; !strings.Contains(m, "100.00 yuan per year") {
			t.Error("the standard set through the API is not in force for the foreign member")
		}
		if n, err := e.db.VerifyAudit(ctx, nil); err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

// docChecker is newAPIDoc for calls with the session cookie (no bearer).
func docChecker(t *testing.T, e *env) func(c *client, method, path string, body map[string]any) resp {
	call := newAPIDoc(t, e)
	return func(c *client, method, path string, body map[string]any) resp {
		t.Helper()
		if body == nil {
			return call(c, method, path, "", nil)
		}
		return call(c, method, path, "", body)
	}
}

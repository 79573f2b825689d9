package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Long lists show their total and page by number (issue 13): the member
// list, an organisation search and an organisation's member organisations.
func TestListsShowTotalAndPageByNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := demoEnv(t, db)
		e.orgUser("hlj.staff", kexie.RoleStaff, "HLJ")
		c := e.client()
		c.lang = "en"
		c.mustLogin("hlj.staff")
		for _, tc := range []struct{ path, total, page2 string }{
			// 126 county associations under Heilongjiang's municipal ones, etc.
			{"/orgs?q=heilongjiang", `id="list-total">`, `href="/orgs?page=2&amp;q=heilongjiang"`},
			{"/orgs/HLJ", `id="list-total">`, `href="/orgs/HLJ?page=2"`},
		} {
			r := c.get(tc.path)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.body, tc.total) || !strings.Contains(r.body, tc.page2) || !strings.Contains(r.body, `aria-current="page">1<`) {
				t.Errorf("%s: no total or numbered pages", tc.path)
			}
		}
		r := c.get("/orgs/HLJ")
		total := r.body[strings.Index(r.body, `id="list-total">`)+len(`id="list-total">`):]
		total = total[:strings.Index(total, "<")]
		if !strings.Contains(total, " in all") {
			t.Errorf("total reads %q", total)
		}
		// The last page is linked by its number.
		if !strings.Contains(r.body, `">`+lastPage(t, r.body)+`</a>`) {
			t.Error("the last page has no link")
		}
		hlj, _ := e.db.Registry.OrgByCode(ctx, "HLJ")
		if _, _, err := e.db.Membership.Apply(ctx, e.setup, hlj.ID, kexie.MemberRecord{Type: "individual", Name: "李娜", Gender: "female"}, nil, nil); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/members", "/applications"} {
			if m := c.get(p); !strings.Contains(m.body, `id="list-total">`) {
				t.Errorf("%s shows no total", p)
			}
		}
		// The books' journal (it showed the latest 50 entries, and no more).
		e.orgUser("hlj.cashier", kexie.RoleTreasurer, "HLJ")
		f := e.client()
		f.lang = "en"
		f.mustLogin("hlj.cashier")
		if j := f.get("/orgs/HLJ/ledger"); !strings.Contains(j.body, `id="list-total">`) {
			i := strings.Index(j.body, "list-total")
			t.Errorf("the journal shows no total or no second page: %d %.300s", j.StatusCode, j.body[max(i, 0):])
		}
		e.orgUser("hlj.admin", kexie.RoleOrgAdmin, "HLJ")
		a := e.client()
		a.lang = "en"
		a.mustLogin("hlj.admin")
		if u := a.get("/admin/users"); !strings.Contains(u.body, `id="list-total">3 in all<`) {
			t.Error("the user list shows no total (3: HLJ's staff, treasurer and admin)")
		}
	})
}

// lastPage is the highest page number linked.
func lastPage(t *testing.T, body string) string {
	t.Helper()
	i := strings.LastIndex(body, `page=`)
	if i < 0 {
		t.Fatal("no page links")
	}
	n := body[i+len("page="):]
	return n[:strings.IndexAny(n, `&"`)]
}

// English screens show organisations' English names where they have one
// (issue 13): the member list, a member's page, the applications.
func TestEnglishScreensShowEnglishOrgNames(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.user("clerk", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("clerk")
		for _, p := range []string{"/members", "/applications", "/members/" + itoa(id)} {
			if b := c.get(p).body; !strings.Contains(b, "A Association") || strings.Contains(b, "A省科协") {
				t.Errorf("%s in English does not show the English name", p)
			}
		}
		c.lang = "zh-Hans"
		if b := c.get("/members").body; !strings.Contains(b, "A省科协") {
			t.Error("the Chinese member list does not show the Chinese name")
		}
	})
}

package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// What is not built is not shown as if it were (issue 13): the menu has no
// entry leading nowhere, for a visitor, staff or a treasurer; the
// treasurer's Finance entry leads to their books; the home page does not
// list statistics among what the system does.
func TestMenuOnlyLeadsSomewhere(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("clerk", kexie.RoleStaff, e.a)
		e.user("cashier", kexie.RoleTreasurer, e.a1)
		for _, who := range []string{"", "clerk", "cashier"} {
			c := e.client()
			c.lang = "en"
			if who != "" {
				c.mustLogin(who)
			}
			home := c.get("/")
			wantStatus(t, home, http.StatusOK)
			nav := home.body[strings.Index(home.body, `<nav class="main"`):]
			nav = nav[:strings.Index(nav, "</nav>")]
			if strings.Contains(nav, `class="soon"`) || strings.Contains(nav, "Statistics") {
				t.Errorf("%q: the menu shows entries that lead nowhere: %s", who, nav)
			}
			// Every entry opens, for whoever it is shown to.
			for _, m := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(nav, -1) {
				if r := c.get(m[1]); r.StatusCode != http.StatusOK {
					t.Errorf("%q: the menu's %s answers %d", who, m[1], r.StatusCode)
				}
			}
			if caps := home.body[strings.Index(home.body, `<ul class="caps">`):]; strings.Contains(caps[:strings.Index(caps, "</ul>")], "Statistics") {
				t.Errorf("%q: the home page lists statistics as built", who)
			}
			if who == "cashier" && !strings.Contains(nav, `href="/orgs/A1/ledger"`) {
				t.Errorf("the treasurer's menu does not lead to their books: %s", nav)
			}
		}
	})
}

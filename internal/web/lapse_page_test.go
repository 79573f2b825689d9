package web_test

import (
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// The lapse review offers to apply the lapse only when it can succeed:
// to someone who may change memberships, as of a day that has come.
func TestLapseReviewOffersOnlyWhatCanSucceed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{{MemberNo: "A-1", OrgCode: "A", Type: "individual",
			Name: "王芳", Status: "active", Joined: "2015-01-01"}}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("auditor.a", kexie.RoleAuditor, e.a)
		today := kexie.Today(e.db.Now())
		page := func(user, asOf string) string {
			c := e.client()
			c.lang = "en"
			c.mustLogin(user)
			p := c.get("/lapse?as_of=" + asOf)
			if !strings.Contains(p.body, "A-1") {
				t.Fatalf("%s as of %s: the lapsing member is not listed", user, asOf)
			}
			return p.body
		}
		const form = `<form method="post" action="/lapse">`
		if !strings.Contains(page("staff.a", today.String()), form) {
			t.Fatal("staff are not offered to apply the lapse as of today")
		}
		if strings.Contains(page("staff.a", today.AddDays(1).String()), form) {
			t.Fatal("the lapse is offered as of tomorrow, which is refused")
		}
		if strings.Contains(page("auditor.a", today.String()), form) {
			t.Fatal("an auditor (membership.read only) is offered to apply the lapse, which is refused")
		}
	})
}

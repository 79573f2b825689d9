package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// The dues a member paid are shown in yuan, as they were typed in.
func TestDuesTableInYuan(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{{MemberNo: "A-1", OrgCode: "A", Type: "individual",
			Name: "王芳", Status: "active", Joined: "2020-01-01"}}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, _ := e.db.Membership.MemberByOrgNo(ctx, "A", "A-1")
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		wantStatus(t, c.post("/members/"+itoa(m.ID)+"/dues", url.Values{"date": {kexie.Today(e.db.Now()).String()}, "amount": {"50.5"}, "period": {"2026"}}), http.StatusSeeOther)
		p := c.get("/members/" + itoa(m.ID)).body
		if !strings.Contains(p, "<td>50.50</td>") || strings.Contains(p, "<td>5050</td>") || strings.Contains(p, "Amount (fen)") {
			t.Fatal("the dues table does not show yuan")
		}
	})
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// An administrator grants roles on every organisation: the picker finds
// any by search (not the first 500 by code); links an account to a member
// and resets a password from the page.
func TestAdminGrantsAnywhereLinksAndResets(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rows := []registry.ImportRow{}
		for i := range 510 {
			rows = append(rows, dbtest.OrgRow(fmt.Sprintf("AA%03d", i), "A", "county_association", fmt.Sprintf("甲%03d县科协", i)))
		}
		rows = append(rows, dbtest.OrgRow("JL", "CAST", "provincial_association", "吉林省科学技术协会"))
		if _, err := e.db.Registry.ImportOrgs(ctx, e.setup, dbtest.Numbered(rows...), registry.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		e.user("root.admin", kexie.RoleSysAdmin, e.root)
		target := e.user("clerk.jl", kexie.RoleStaff, e.b)
		adm := e.client()
		adm.lang = "en"
		adm.mustLogin("root.admin")
		if p := adm.get("/admin/users?org_q=" + url.QueryEscape("吉林")); !strings.Contains(p.body, `<option value="JL">`) {
			t.Fatal("the grant picker does not find JL by its name")
		}
		wantStatus(t, adm.post("/admin/users/"+itoa(target.ID)+"/grants", url.Values{"role": {"staff"}, "org_code": {"JL"}}), http.StatusSeeOther)
		u, err := e.db.Access.UserByID(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(u.Grants), "JL") {
			t.Fatalf("no grant on JL: %+v", u.Grants)
		}

		// Link the account to a member.
		_, err = e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "B-1", OrgCode: "B", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"}}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		link := "/admin/users/" + itoa(target.ID) + "/member"
		wantStatus(t, adm.post(link, url.Values{"org_code": {"B"}, "member_no": {"B-404"}}), http.StatusBadRequest)
		wantStatus(t, adm.post(link, url.Values{"org_code": {"B"}, "member_no": {"B-1"}}), http.StatusSeeOther)
		m, err := e.db.Membership.MemberByOrgNo(ctx, "B", "B-1")
		if err != nil {
			t.Fatal(err)
		}
		own, err := e.db.Membership.OwnMemberships(ctx, target.ID)
		if err != nil || len(own) != 1 || own[0].ID != m.ID {
			t.Fatalf("the account is not linked to B-1: %+v %v", own, err)
		}

		// Reset a password: asks for confirmation, then shows a one-time
		// password the user must change.
		reset := "/admin/users/" + itoa(target.ID) + "/password"
		wantStatus(t, adm.post(reset, nil), http.StatusBadRequest)
		r := adm.post(reset, url.Values{"confirm": {"yes"}})
		wantStatus(t, r, http.StatusOK)
		pw := regexp.MustCompile(`id="one-time-password">([^<]+)<`).FindStringSubmatch(r.body)
		if pw == nil {
			t.Fatalf("no one-time password shown: %.400s", r.body)
		}
		c := e.client()
		if got := c.login("clerk.jl", pw[1]); got.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in with the one-time password: %d", got.StatusCode)
		}
		if got := e.client().login("clerk.jl", testPassword); got.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still signs in")
		}
	})
}

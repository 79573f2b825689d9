package web_test

import (
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// A unit member's page shows its credit code and contact person, none of
// a person's fields, and offers no identity number to reveal.
func TestUnitMemberPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{{MemberNo: "U1", OrgCode: "A", Type: "unit",
			Name: "长春光机所", Status: "active", Joined: "2020-01-01", CreditCode: "91350100M000100Y43", ContactPerson: "李娜"}}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.db.Membership.MemberByOrgNo(ctx, "A", "U1")
		if err != nil {
			t.Fatal(err)
		}
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		p := c.get("/members/" + itoa(m.ID)).body
		for _, want := range []string{"91350100M000100Y43", "李娜", "Unified social credit code", "Contact person"} {
			if !strings.Contains(p, want) {
				t.Errorf("the unit's page lacks %q", want)
			}
		}
		for _, not := range []string{"Gender", "Born</dt>", `id="member-id"`, "/reveal"} {
			if strings.Contains(p, not) {
				t.Errorf("the unit's page shows a person's %q", not)
			}
		}
	})
}

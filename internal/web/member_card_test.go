package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// A member signed in sees their own card (page and PDF) and only the menu
// entries they may use; another member's card is not found to them.
// Staff reach a member's card from the member's page.
func TestMemberSeesOwnCardAndOnlyUsableMenu(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		today := kexie.Today(e.db.Now()).String()
		approved := func(name string) int64 {
			id, _, err := e.db.Membership.Apply(ctx, e.setup, e.a1.ID, kexie.MemberRecord{Type: "individual", Name: name, Gender: "female"}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []membership.Decision{{Action: "review", Day: today}, {Action: "approve", Day: today, Body: "council", Resolution: "R1"}} {
				if _, err := e.db.Membership.Decide(ctx, e.setup, id, d); err != nil {
					t.Fatal(err)
				}
			}
			return id
		}
		own, other := approved("王芳"), approved("李娜")
		u, err := e.db.Access.CreateUser(ctx, e.setup, access.NewUser{Username: "wang.fang", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.Membership.LinkMemberAccount(ctx, e.setup, u.ID, own); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.lang = "en"
		c.mustLogin("wang.fang")
		my := c.get("/my/membership")
		card := "/members/" + itoa(own) + "/card"
		if !strings.Contains(my.body, `href="`+card+`"`) {
			t.Fatal("the member's page does not lead to their card")
		}
		for _, forbidden := range []string{`href="/orgs"`, `href="/members"`} {
			if strings.Contains(my.body, forbidden) {
				t.Fatalf("a member's menu offers %s, which answers 403", forbidden)
			}
		}
		if p := c.get(card); p.StatusCode != http.StatusOK || !strings.Contains(p.body, "王芳") {
			t.Fatalf("own card page: %d", p.StatusCode)
		}
		if p := c.get(card + ".pdf"); p.StatusCode != http.StatusOK || p.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("own card PDF: %d %s", p.StatusCode, p.Header.Get("Content-Type"))
		}
		wantStatus(t, c.get(card+".png"), http.StatusOK)
		wantStatus(t, c.get("/members/"+itoa(other)+"/card"), http.StatusNotFound)
		wantStatus(t, c.get("/members/"+itoa(other)+"/card.pdf"), http.StatusNotFound)

		e.user("staff.a", kexie.RoleStaff, e.a)
		s := e.client()
		s.lang = "en"
		s.mustLogin("staff.a")
		if p := s.get("/members/" + itoa(other)); !strings.Contains(p.body, `href="/members/`+itoa(other)+`/card"`) {
			t.Fatal("staff do not reach the card from the member's page")
		}
	})
}

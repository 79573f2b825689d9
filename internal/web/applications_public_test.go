package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// The public finds the application form from the home page and from an
// organisation's page, and looks their application up by reference; a
// rejected application shows as rejected, leaves the member list and
// takes no dues; staff list decided applications.
func TestApplicationsSeenAsTheyAre(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("staff.a", kexie.RoleStaff, e.a)
		visitor := kexie.Actor{Username: "anonymous"}
		open, openRef, err := e.db.Membership.Apply(ctx, visitor, e.a1.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		rejected, ref, err := e.db.Membership.Apply(ctx, visitor, e.a1.ID, kexie.MemberRecord{Type: "individual", Name: "王刚", Gender: "male"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		today := kexie.Today(e.db.Now()).String()
		if _, err := e.db.Membership.Decide(ctx, e.setup, rejected, membership.Decision{Action: "reject", Day: today, Note: "材料不全"}); err != nil {
			t.Fatal(err)
		}

		public := e.client()
		public.lang = "en"
		if h := public.get("/"); !strings.Contains(h.body, `href="/apply"`) {
			t.Fatal("the home page does not lead to the application form")
		}
		if p := public.get("/apply?q=A1"); p.StatusCode != http.StatusOK || !strings.Contains(p.body, `href="/apply/A1"`) {
			t.Fatalf("the directory does not find A1: %d", p.StatusCode)
		}
		if p := public.get("/apply?ref=" + url.QueryEscape(strings.ToLower(openRef))); !strings.Contains(p.body, `id="application-stage">Submitted<`) {
			t.Fatalf("the open application's state: %.300s", p.body)
		}
		if p := public.get("/apply?ref=" + ref); !strings.Contains(p.body, `id="application-stage">Rejected<`) || !strings.Contains(p.body, "材料不全") {
			t.Fatal("the rejected application's state is not shown with its reason")
		}
		if p := public.get("/apply?ref=APP-NOSUCH"); p.StatusCode != http.StatusNotFound {
			t.Fatalf("an unknown reference: %d", p.StatusCode)
		}

		staff := e.client()
		staff.lang = "en"
		staff.mustLogin("staff.a")
		if o := staff.get("/orgs/A1"); !strings.Contains(o.body, `href="/apply/A1"`) {
			t.Fatal("the organisation's page does not lead to its application form")
		}
		if q := staff.get("/applications"); strings.Contains(q.body, "王刚") || !strings.Contains(q.body, "王芳") {
			t.Fatal("the open queue: want the open application only")
		}
		if q := staff.get("/applications?stage=rejected"); !strings.Contains(q.body, "王刚") || strings.Contains(q.body, "王芳") || !strings.Contains(q.body, "材料不全") {
			t.Fatal("staff cannot list the rejected applications")
		}
		if l := staff.get("/members?status=applicant"); strings.Contains(l.body, "王刚") || !strings.Contains(l.body, "王芳") {
			t.Fatal("a rejected application is listed among the applicants")
		}
		if m := staff.get("/members/" + itoa(rejected)); !strings.Contains(m.body, `id="member-status">Rejected<`) || strings.Contains(m.body, `action="/members/`+itoa(rejected)+`/dues"`) {
			t.Fatal("the rejected application's page does not show it rejected, or offers dues")
		}
		wantStatus(t, staff.post("/members/"+itoa(rejected)+"/dues", url.Values{"date": {today}, "amount": {"50"}}), http.StatusConflict)
		_ = open
	})
}

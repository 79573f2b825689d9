package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// Irreversible changes from the pages need a confirmation naming the
// consequence: cancelling an organisation, rejecting an application,
// ending a seat, starting a term that ends the current one (which also
// asks for its resolution). Without it nothing changes.
func TestIrreversibleChangesAreConfirmed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		refused := func(r resp, says string) {
			t.Helper()
			wantStatus(t, r, http.StatusBadRequest)
			if !strings.Contains(r.body, says) {
				t.Fatalf("the refusal does not name the consequence %q", says)
			}
		}
		today := kexie.Today(e.db.Now()).String()

		// Cancelling an organisation.
		if p := c.get("/orgs/A1"); !strings.Contains(p.body, `name="confirm"`) {
			t.Fatal("the status form has no confirmation")
		}
		cancel := url.Values{"action": {"cancel"}, "date": {today}, "resolution": {"决议"}}
		refused(c.post("/orgs/A1/status", cancel), "is final")
		if o, _ := e.db.Registry.OrgByCode(ctx, "A1"); o.Status != kexie.OrgActive {
			t.Fatal("cancelled without confirmation")
		}
		cancel.Set("confirm", "yes")
		wantStatus(t, c.post("/orgs/A1/status", cancel), http.StatusSeeOther)

		// Rejecting an application.
		id, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "individual", Name: "王刚", Gender: "male"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		reject := url.Values{"action": {"reject"}, "date": {today}, "note": {"材料不全"}}
		refused(c.post("/applications/"+itoa(id)+"/decide", reject), "the applicant sees it rejected")
		reject.Set("confirm", "yes")
		wantStatus(t, c.post("/applications/"+itoa(id)+"/decide", reject), http.StatusSeeOther)

		// Ending a seat; starting a new term.
		var rows []kexie.MemberRecord
		for i := 1; i <= 2; i++ {
			rows = append(rows, kexie.MemberRecord{MemberNo: fmt.Sprintf("A-%d", i), OrgCode: "A", Type: "individual", Name: fmt.Sprintf("理事%d", i), Status: "active", Joined: "2020-01-01"})
		}
		if _, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Governance.SetCharter(ctx, e.setup, e.a.ID, "national_society"); err != nil {
			t.Fatal(err)
		}
		body, err := e.db.Governance.CreateBody(ctx, e.setup, e.a.ID, charter.Council, "理事会", "Council")
		if err != nil {
			t.Fatal(err)
		}
		term, err := e.db.Governance.StartTerm(ctx, e.setup, body.ID, 9, "2025-01-01")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := e.db.Membership.MemberByOrgNo(ctx, "A", "A-1")
		seat, err := e.db.Governance.AddSeat(ctx, e.setup, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		end := url.Values{"left_on": {today}, "why": {"resignation"}}
		refused(c.post("/orgs/A/governance/seats/"+itoa(seat)+"/end", end), "cannot be undone")
		end.Set("confirm", "yes")
		wantStatus(t, c.post("/orgs/A/governance/seats/"+itoa(seat)+"/end", end), http.StatusSeeOther)

		if p := c.get("/orgs/A/governance"); !strings.Contains(p.body, `name="resolution"`) || !strings.Contains(p.body, "ends term 9") {
			t.Fatal("the new-term form asks for no resolution, or does not name what it ends")
		}
		next := url.Values{"body": {itoa(body.ID)}, "number": {"10"}, "started": {today}}
		refused(c.post("/orgs/A/governance/terms", next), "give the resolution it rests on")
		next.Set("resolution", "第十届换届选举决议")
		refused(c.post("/orgs/A/governance/terms", next), "ends term 9 and all its seats")
		next.Set("confirm", "yes")
		wantStatus(t, c.post("/orgs/A/governance/terms", next), http.StatusSeeOther)
		terms, _ := e.db.Governance.Terms(ctx, body.ID)
		if len(terms) != 2 || terms[0].Resolution != "第十届换届选举决议" {
			t.Fatalf("terms %+v", terms)
		}
	})
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// Attendance on the meeting page: a new meeting shows nobody marked, every
// absent seat can entrust a proxy before anything was saved, "mark all
// present" marks everyone, and a refusal names the seat holders.
func TestAttendanceThroughThePage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var rows []kexie.MemberRecord
		for i := 1; i <= 4; i++ {
			rows = append(rows, kexie.MemberRecord{MemberNo: fmt.Sprintf("A-%d", i), OrgCode: "A", Type: "individual", Name: fmt.Sprintf("理事%d", i), Status: "active", Joined: "2020-01-01"})
		}
		if _, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{}); err != nil {
			t.Fatal(err)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(e.db.Governance.SetCharter(ctx, e.setup, e.a.ID, "national_society"))
		body, err := e.db.Governance.CreateBody(ctx, e.setup, e.a.ID, charter.Council, "理事会", "Council")
		must(err)
		term, err := e.db.Governance.StartTerm(ctx, e.setup, body.ID, 9, "2025-01-01")
		must(err)
		seat := map[int]int64{}
		for i := 1; i <= 4; i++ {
			m, err := e.db.Membership.MemberByOrgNo(ctx, "A", fmt.Sprintf("A-%d", i))
			must(err)
			seat[i], err = e.db.Governance.AddSeat(ctx, e.setup, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2025-01-01"})
			must(err)
		}
		meeting, err := e.db.Governance.CreateMeeting(ctx, e.setup, term.ID, governance.NewMeeting{Held: "2025-06-01"})
		must(err)
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		path := "/meetings/" + itoa(meeting)
		p := c.get(path)
		if n := len(regexp.MustCompile(`<option value="" selected>Not marked</option>`).FindAllString(p.body, -1)); n != 4 {
			t.Fatalf("a new meeting: %d seats shown not marked, want 4", n)
		}
		// Seat 2's proxy can go to seat 1 before anything was saved.
		proxy2 := regexp.MustCompile(`(?s)<select name="proxy_` + itoa(seat[2]) + `".*?</select>`).FindString(p.body)
		if !strings.Contains(proxy2, `<option value="`+itoa(seat[1])+`"`) {
			t.Fatalf("no proxy choice before the first save: %s", proxy2)
		}
		// A second proxy for seat 1's holder is refused, naming them.
		v := url.Values{"status_" + itoa(seat[1]): {"present"}, "status_" + itoa(seat[2]): {"proxy"}, "proxy_" + itoa(seat[2]): {itoa(seat[1])},
			"status_" + itoa(seat[3]): {"proxy"}, "proxy_" + itoa(seat[3]): {itoa(seat[1])}}
		r := c.post(path+"/attendance", v)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "理事1 already holds the proxy of 理事2") {
			t.Fatalf("the refusal does not name the holders: %s", regexp.MustCompile(`(?s)<p class="error"[^>]*>.*?</p>`).FindString(r.body))
		}
		delete(v, "status_"+itoa(seat[3]))
		delete(v, "proxy_"+itoa(seat[3]))
		wantStatus(t, c.post(path+"/attendance", v), http.StatusSeeOther)
		wantStatus(t, c.post(path+"/attendance", url.Values{"all": {"present"}}), http.StatusSeeOther)
		att, err := e.db.Governance.Attendance(ctx, meeting)
		must(err)
		for _, a := range att {
			if !a.Marked || a.Status != charter.Present {
				t.Fatalf("after marking all present: %s %s marked=%v", a.Seat.Name, a.Status, a.Marked)
			}
		}
	})
}

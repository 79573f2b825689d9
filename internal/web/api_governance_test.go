package web_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestGovernanceAPI plays a council meeting through the API, every answer
// checked against the OpenAPI document: staff build the council and take
// attendance; 20 of 30 is no quorum and no motion opens; a proxy makes 21;
// a member account votes for its own seat and the seat it holds a proxy
// for, and for no other; a secret-ballot election gives a receipt found in
// the published list; staff of another subtree see nothing.
func TestGovernanceAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := sealedEnv(t, db)
		call := newAPIDoc(t, e)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.Governance.SetCharter(ctx, e.setup, e.a.ID, "national_society"))
		// The charter is data: read it, and put a changed copy in force.
		var ch struct {
			Name   string
			Bodies map[string]map[string]any
		}
		call(e.client(), "GET", "/api/v1/orgs/"+e.a.Code+"/charter", e.bearer(e.user("reader.a", kexie.RoleAuditor, e.a)), nil).json(t, &ch)
		if ch.Name != "national_society" || ch.Bodies["council"]["proxies_count"] != true {
			t.Fatalf("charter %+v", ch)
		}
		bad := map[string]any{"rules": map[string]any{"name": "own", "bodies": map[string]any{"council": map[string]any{
			"quorum": map[string]any{"num": 2, "den": 0, "strict": true, "base": "entitled"}, "proxies_count": true,
			"thresholds":        map[string]any{"ordinary": map[string]any{"num": 2, "den": 3, "strict": true, "base": "present"}},
			"meet_every_months": 12, "absence_limit": 3, "term_years": 5, "max_extension_months": 12}}}}
		wantStatus(t, e.client().api("POST", "/api/v1/orgs/"+e.a.Code+"/charter", e.bearer(e.user("writer.a", kexie.RoleStaff, e.a)), bad), http.StatusBadRequest)
		wantStatus(t, call(e.client(), "POST", "/api/v1/orgs/"+e.a.Code+"/charter", e.bearer(e.user("writer2.a", kexie.RoleStaff, e.a)),
			map[string]any{"template": "national_society"}), http.StatusOK)
		var rows []kexie.MemberRecord
		for i := range 30 {
			rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("C%02d", i), OrgCode: e.a.Code, Type: "individual",
				Name: fmt.Sprintf("理事%02d", i), Status: "active", Joined: "2020-01-01"})
		}
		_, err := db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
		must(err)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		outsider := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		voterUser := e.user("voter", "", e.a)
		m0, err := db.Membership.MemberByNo(ctx, e.a.ID, "C00")
		must(err)
		must(db.Membership.LinkMemberAccount(ctx, e.setup, voterUser.ID, m0.ID))
		voter := e.bearer(voterUser)
		c := e.client()
		c.lang = "en"

		var body struct{ ID int64 }
		r := call(c, "POST", "/api/v1/orgs/"+e.a.Code+"/bodies", staff, map[string]any{"kind": "council", "name_zh": "理事会", "name_en": "Council"})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &body)
		wantStatus(t, call(c, "POST", "/api/v1/orgs/"+e.a.Code+"/bodies", outsider, map[string]any{"kind": "council"}), http.StatusNotFound)
		var term struct {
			ID         int64
			PlannedEnd string `json:"planned_end"`
		}
		call(c, "POST", fmt.Sprintf("/api/v1/bodies/%d/terms", body.ID), staff, map[string]any{"number": 9, "started": "2025-06-01"}).json(t, &term)
		if term.PlannedEnd != "2030-06-01" {
			t.Fatalf("term %+v", term)
		}
		seats := make([]int64, 30)
		for i := range 30 {
			post := "director"
			if i == 0 {
				post = "chair"
			}
			var seat struct{ ID int64 }
			r := call(c, "POST", fmt.Sprintf("/api/v1/terms/%d/seats", term.ID), staff, map[string]any{"member_no": fmt.Sprintf("C%02d", i), "post": post,
				"front_line": i%5 != 0, "seated": "2025-06-01"})
			wantStatus(t, r, http.StatusCreated)
			r.json(t, &seat)
			seats[i] = seat.ID
		}
		var meeting struct {
			ID     int64
			Quorum struct {
				Entitled, Present, Represented, Required int
				Met                                      bool
			}
		}
		r = call(c, "POST", fmt.Sprintf("/api/v1/terms/%d/meetings", term.ID), staff, map[string]any{"held": "2026-06-01", "place": "北京"})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &meeting)
		mpath := fmt.Sprintf("/api/v1/meetings/%d", meeting.ID)
		att := func(n int, extra ...map[string]any) []map[string]any {
			var a []map[string]any
			for i := range n {
				a = append(a, map[string]any{"seat_id": seats[i], "status": "present"})
			}
			return append(a, extra...)
		}
		call(c, "POST", mpath+"/attendance", staff, map[string]any{"attendance": att(20)}).json(t, &meeting)
		if meeting.Quorum.Met || meeting.Quorum.Required != 21 || meeting.Quorum.Present != 20 {
			t.Fatalf("20 of 30: %+v", meeting.Quorum)
		}
		r = call(c, "POST", mpath+"/motions", staff, map[string]any{"title": "年度工作报告", "decision": "ordinary"})
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "quorum") {
			t.Fatalf("a motion without a quorum: %d %s", r.StatusCode, r.body)
		}
		// Seat 25 entrusts seat 0 (the voter): 21 count.
		call(c, "POST", mpath+"/attendance", staff, map[string]any{"attendance": []map[string]any{{"seat_id": seats[25], "status": "proxy", "proxy_seat_id": seats[0]}}}).json(t, &meeting)
		if !meeting.Quorum.Met || meeting.Quorum.Represented != 1 {
			t.Fatalf("20 + 1 by proxy: %+v", meeting.Quorum)
		}
		var motion struct {
			ID        int64
			State     string
			Yes, Base int
			Required  int
			Passed    bool
		}
		r = call(c, "POST", mpath+"/motions", staff, map[string]any{"title": "年度工作报告", "decision": "ordinary"})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &motion)
		vpath := fmt.Sprintf("/api/v1/motions/%d/votes", motion.ID)
		wantStatus(t, call(c, "POST", vpath, voter, map[string]any{"seat_id": seats[0], "vote": "yes"}), http.StatusCreated)
		wantStatus(t, call(c, "POST", vpath, voter, map[string]any{"seat_id": seats[25], "vote": "yes"}), http.StatusCreated) // by proxy
		wantStatus(t, call(c, "POST", vpath, voter, map[string]any{"seat_id": seats[1], "vote": "yes"}), http.StatusForbidden)
		wantStatus(t, call(c, "POST", vpath, voter, map[string]any{"seat_id": seats[0], "vote": "no"}), http.StatusConflict)
		wantStatus(t, call(c, "POST", vpath, outsider, map[string]any{"seat_id": seats[1], "vote": "no"}), http.StatusNotFound)
		r = call(c, "POST", fmt.Sprintf("/api/v1/motions/%d/close", motion.ID), staff, map[string]any{})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &motion)
		if motion.State != "closed" || motion.Yes != 2 || motion.Base != 21 || motion.Required != 15 || motion.Passed {
			t.Fatalf("closed motion %+v", motion)
		}
		// A clerk's count at the boundary: 15 yes of 21 passes.
		r = call(c, "POST", mpath+"/motions", staff, map[string]any{"title": "财务报告", "decision": "ordinary", "counted_by": "clerk"})
		r.json(t, &motion)
		r = call(c, "POST", fmt.Sprintf("/api/v1/motions/%d/close", motion.ID), staff, map[string]any{"yes": 15, "no": 6})
		r.json(t, &motion)
		if !motion.Passed {
			t.Fatalf("15 of 21: %+v", motion)
		}
		// An election: the voter casts its ballot and its proxy's.
		var el struct {
			ID         int64
			State      string
			Issued     int
			Cast       int
			Candidates []struct {
				PersonID int64 `json:"person_id"`
				Outcome  string
			}
		}
		m1, _ := db.Membership.MemberByNo(ctx, e.a.ID, "C01")
		r = call(c, "POST", mpath+"/elections", staff, map[string]any{"title": "选举常务理事", "seats": 1, "candidates": []int64{m0.PersonID, m1.PersonID}})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &el)
		bpath := fmt.Sprintf("/api/v1/elections/%d/ballots", el.ID)
		var receipt struct{ Receipt string }
		r = call(c, "POST", bpath, voter, map[string]any{"seat_id": seats[0], "choices": []int64{m1.PersonID}})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &receipt)
		if len(receipt.Receipt) != 12 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("receipt %q", receipt.Receipt)
		}
		wantStatus(t, call(c, "POST", bpath, voter, map[string]any{"seat_id": seats[0], "choices": []int64{m0.PersonID}}), http.StatusConflict)
		// The retry's 409 is not all a voter whose answer was lost gets.
		rpath := fmt.Sprintf("/api/v1/elections/%d/receipt", el.ID)
		var st struct {
			Voted, Counted bool
			Receipt        string
		}
		r = call(c, "POST", rpath, voter, map[string]any{"seat_id": seats[0]})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &st)
		if !st.Voted || st.Counted || st.Receipt != receipt.Receipt || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("receipt again: %+v", st)
		}
		wantStatus(t, call(c, "POST", rpath, voter, map[string]any{"seat_id": seats[2]}), http.StatusForbidden)
		wantStatus(t, call(c, "POST", rpath, outsider, map[string]any{"seat_id": seats[0]}), http.StatusNotFound)
		wantStatus(t, call(c, "POST", bpath, voter, map[string]any{"seat_id": seats[0], "choices": []int64{m0.PersonID, m1.PersonID}}), http.StatusBadRequest)
		wantStatus(t, call(c, "POST", bpath, voter, map[string]any{"seat_id": seats[2], "choices": []int64{m0.PersonID}}), http.StatusForbidden)
		wantStatus(t, call(c, "GET", bpath, voter, nil), http.StatusConflict) // published after the count
		r = call(c, "POST", fmt.Sprintf("/api/v1/elections/%d/close", el.ID), staff, map[string]any{})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &el)
		if el.State != "closed" || el.Issued != 21 || el.Cast != 1 {
			t.Fatalf("closed election %+v", el)
		}
		var list struct {
			Ballots []struct {
				Receipt string
				Invalid *bool
			}
		}
		call(c, "GET", bpath, voter, nil).json(t, &list)
		if len(list.Ballots) != 1 || list.Ballots[0].Receipt != receipt.Receipt || list.Ballots[0].Invalid == nil || *list.Ballots[0].Invalid {
			t.Fatalf("published list %+v", list)
		}
		st = struct {
			Voted, Counted bool
			Receipt        string
		}{}
		call(c, "POST", rpath, voter, map[string]any{"seat_id": seats[0]}).json(t, &st)
		if !st.Voted || !st.Counted || st.Receipt != "" {
			t.Fatalf("receipt after the count: %+v", st)
		}
		wantStatus(t, call(c, "GET", fmt.Sprintf("/api/v1/elections/%d", el.ID), outsider, nil), http.StatusNotFound)
		wantStatus(t, call(c, "GET", mpath, outsider, nil), http.StatusNotFound)
		wantStatus(t, call(c, "GET", mpath, voter, nil), http.StatusOK) // a seat holder sees the meeting
		var gov struct {
			Charter string
			Bodies  []struct{ Seats []struct{ Name string } }
			Leaders []struct{ Name, Post string }
		}
		call(c, "GET", "/api/v1/orgs/"+e.a.Code+"/governance", staff, nil).json(t, &gov)
		if gov.Charter != "national_society" || len(gov.Bodies) != 1 || len(gov.Bodies[0].Seats) != 30 || len(gov.Leaders) != 1 || gov.Leaders[0].Name != "理事00" {
			t.Fatalf("governance %+v", gov)
		}
		names := []string{}
		for _, s := range gov.Bodies[0].Seats {
			names = append(names, s.Name)
		}
		if !sort.StringsAreSorted(names[1:]) {
			t.Fatalf("seats not leaders first, then by name: %v", names)
		}
	})
}

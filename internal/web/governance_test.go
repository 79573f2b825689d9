package web_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// TestMeetingThroughThePages plays a council meeting of 21 seats under
// CHIA's rules through the pages only: the body, its term and seats; a
// meeting whose attendance is below quorum (14 of 21: no motion opens,
// with the charter's message); a proxy makes 15; a clerk's count at the
// boundary (14 yes of 21 present fails, 15 passes); a member's own
// account votes electronically for its seat and the seat whose proxy it
// holds, and for no other; a secret-ballot election whose receipt is shown
// once and found in the published list after the count; the minutes in
// both languages and as a PDF; and the pages' permissions.
func TestMeetingThroughThePages(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return now }}, func(t *testing.T, db *dbtest.DB) {
		var logs bytes.Buffer
		cfg := web.DefaultConfig()
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.Sealer = testSealer
		e := newEnvWith(t, db, cfg)
		var rows []kexie.MemberRecord
		for i := 1; i <= 22; i++ {
			rows = append(rows, kexie.MemberRecord{MemberNo: fmt.Sprintf("A-%02d", i), OrgCode: "A", Type: "individual",
				Name: fmt.Sprintf("理事%02d", i), Status: "active", Joined: "2020-01-01"})
		}
		if _, err := db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{}); err != nil {
			t.Fatal(err)
		}
		person := map[int]int64{} // member i → person
		memberAccount := func(username string, i int) {
			m, err := db.Membership.MemberByOrgNo(ctx, "A", fmt.Sprintf("A-%02d", i))
			if err != nil {
				t.Fatal(err)
			}
			u, err := db.Access.CreateUser(ctx, e.setup, access.NewUser{Username: username, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Membership.LinkMemberAccount(ctx, e.setup, u.ID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 22; i++ {
			m, err := db.Membership.MemberByOrgNo(ctx, "A", fmt.Sprintf("A-%02d", i))
			if err != nil {
				t.Fatal(err)
			}
			person[i] = m.PersonID
		}
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("staff.b", kexie.RoleStaff, e.b)
		e.user("auditor.a", kexie.RoleAuditor, e.a)
		memberAccount("chair.01", 1)     // holds seat 1 and, later, seat 15's proxy
		memberAccount("outsider.22", 22) // a member holding no seat

		staff := e.client()
		staff.lang = "en"
		staff.mustLogin("staff.a")
		post := func(path string, v url.Values, want int) resp {
			t.Helper()
			v.Set("csrf_token", staff.csrf)
			r := staff.post(path, v)
			wantStatus(t, r, want)
			return r
		}

		// The charter, the body, the term, the seats.
		post("/orgs/A/governance/charter", url.Values{"template": {"national_society"}}, http.StatusSeeOther)
		post("/orgs/A/governance/bodies", url.Values{"kind": {"council"}}, http.StatusSeeOther)
		bodies, err := db.Governance.Bodies(ctx, e.a.ID)
		if err != nil || len(bodies) != 1 || bodies[0].NameZH != "理事会" || bodies[0].NameEN != "Council" {
			t.Fatalf("bodies %+v %v", bodies, err)
		}
		post("/orgs/A/governance/terms", url.Values{"body": {itoa(bodies[0].ID)}, "number": {"9"}, "started": {"2025-06-01"}}, http.StatusSeeOther)
		terms, err := db.Governance.Terms(ctx, bodies[0].ID)
		if err != nil || len(terms) != 1 || terms[0].PlannedEnd != "2030-06-01" {
			t.Fatalf("terms %+v %v", terms, err)
		}
		termPath := "/orgs/A/governance/terms/" + itoa(terms[0].ID)
		for i := 1; i <= 21; i++ {
			v := url.Values{"member_no": {fmt.Sprintf("A-%02d", i)}, "post": {"director"}, "seated": {"2025-06-01"}}
			switch i {
			case 1:
				v.Set("post", "chair")
			case 2, 3:
				v.Set("post", "vice_chair")
			case 4:
				v.Set("post", "secretary_general")
			}
			if i <= 14 {
				v.Set("front_line", "1") // 14 of 21: under CHIA's 3/4
			}
			post(termPath+"/seats", v, http.StatusSeeOther)
		}
		if r := post(termPath+"/seats", url.Values{"form": {fmt.Sprintf("seat-%d", terms[0].ID)}, "member_no": {"Z-99"}, "post": {"director"},
			"seated": {"2025-06-01"}}, http.StatusBadRequest); !strings.Contains(r.body, "Z-99 is not a member number of this organisation") ||
			!strings.Contains(r.body, `value="Z-99"`) {
			t.Fatalf("an unknown member number: %.2000s", r.body)
		}
		seats, err := db.Governance.Seats(ctx, terms[0].ID, "")
		if err != nil || len(seats) != 21 {
			t.Fatalf("%d seats, %v", len(seats), err)
		}
		seat := map[int]int64{}
		for i, p := range person {
			for _, s := range seats {
				if s.PersonID == p {
					seat[i] = s.ID
				}
			}
		}
		gov := staff.get("/orgs/A/governance")
		wantStatus(t, gov, http.StatusOK)
		for _, want := range []string{"Council (9th term)", "planned end 2030-06-01", "National society template", "理事01", "Chair",
			"Broken:", "Council: 14 of 21 seat holders are front-line workers; at least 16 are needed.", "理事21"} {
			if !strings.Contains(gov.body, want) {
				t.Errorf("governance page lacks %q", want)
			}
		}
		org := staff.get("/orgs/A")
		for _, want := range []string{`href="/orgs/A/governance"`, "Current leaders", "Successive leaders", "Secretary general", "理事04"} {
			if !strings.Contains(org.body, want) {
				t.Errorf("organisation page lacks %q", want)
			}
		}

		// The meeting: 14 of 21 present is no quorum.
		r := post(termPath+"/meetings", url.Values{"held": {"2026-03-01"}, "place": {"北京"}, "mode": {"in_person"}, "agenda": {"Annual report"}},
			http.StatusSeeOther)
		loc := r.Header.Get("Location")
		var meetingID int64
		if _, err := fmt.Sscanf(loc, "/meetings/%d", &meetingID); err != nil {
			t.Fatalf("meeting created, went to %q", loc)
		}
		mpath := "/meetings/" + itoa(meetingID)
		attendance := func(set map[int]string, proxies map[int]int) resp {
			v := url.Values{}
			for i, st := range set {
				v.Set("status_"+itoa(seat[i]), st)
			}
			for from, to := range proxies {
				v.Set("status_"+itoa(seat[from]), "proxy")
				v.Set("proxy_"+itoa(seat[from]), itoa(seat[to]))
			}
			return staff.post(mpath+"/attendance", v)
		}
		set := map[int]string{}
		for i := 1; i <= 21; i++ {
			set[i] = "absent_excused"
			if i <= 14 {
				set[i] = "present"
			}
		}
		wantStatus(t, attendance(set, nil), http.StatusSeeOther)
		page := staff.get(mpath)
		if !strings.Contains(page.body, "21 seats entitled; 14 present, 0 represented by proxy; 15 needed (more than 2/3 of all seats). No quorum") {
			t.Fatalf("quorum of 14: %.3000s", page.body)
		}
		r = post(mpath+"/motions", url.Values{"form": {"motion"}, "title": {"Annual work report"}, "decision": {"ordinary"}, "counted_by": {"clerk"}},
			http.StatusConflict)
		if !strings.Contains(r.body, "No vote without a quorum: 14 of 21 seats count as present, 15 needed") || !strings.Contains(r.body, `value="Annual work report"`) {
			t.Fatalf("a motion without a quorum: %.3000s", r.body)
		}
		// Seat 15 entrusts seat 1: 15 count, a quorum.
		wantStatus(t, attendance(nil, map[int]int{15: 1}), http.StatusSeeOther)
		if page := staff.get(mpath); !strings.Contains(page.body, "14 present, 1 represented by proxy; 15 needed") || !strings.Contains(page.body, "Quorum met.") {
			t.Fatalf("quorum with a proxy: %.3000s", page.body)
		}
		// A chain is refused: seat 16 cannot entrust seat 15, itself represented.
		wantStatus(t, attendance(nil, map[int]int{16: 15}), http.StatusBadRequest)
		for i := 16; i <= 21; i++ {
			set[i] = "present"
		}
		delete(set, 15)
		wantStatus(t, attendance(set, nil), http.StatusSeeOther)

		// The clerk's count at the boundary: 14 yes of 21 present fails, 15 passes.
		clerkMotion := func(title string, yes, no int) governance.Motion {
			t.Helper()
			post(mpath+"/motions", url.Values{"title": {title}, "decision": {"ordinary"}, "counted_by": {"clerk"}}, http.StatusSeeOther)
			ms, err := db.Governance.Motions(ctx, meetingID)
			if err != nil {
				t.Fatal(err)
			}
			id := ms[len(ms)-1].ID
			post("/motions/"+itoa(id)+"/close", url.Values{"confirm": {"yes"}, "yes": {itoa(int64(yes))}, "no": {itoa(int64(no))}, "abstain": {"0"}}, http.StatusSeeOther)
			m, err := db.Governance.MotionByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if m := clerkMotion("Motion fourteen", 14, 7); m.Passed || m.Base != 21 || m.Required != 15 || m.CountedBy != "clerk" {
			t.Fatalf("14 yes of 21: %+v", m)
		}
		if m := clerkMotion("Motion fifteen", 15, 6); !m.Passed || m.Base != 21 || m.Required != 15 {
			t.Fatalf("15 yes of 21: %+v", m)
		}
		// More votes than people present is refused, the motion stays open.
		post(mpath+"/motions", url.Values{"title": {"Overcounted"}, "decision": {"ordinary"}, "counted_by": {"clerk"}}, http.StatusSeeOther)
		ms, _ := db.Governance.Motions(ctx, meetingID)
		over := ms[len(ms)-1].ID
		if r := post("/motions/"+itoa(over)+"/close", url.Values{"confirm": {"yes"}, "form": {"close-" + itoa(over)}, "yes": {"20"}, "no": {"2"}, "abstain": {"0"}},
			http.StatusBadRequest); !strings.Contains(r.body, "more votes than people present") {
			t.Fatalf("an overcount: %.2000s", r.body)
		}
		post("/motions/"+itoa(over)+"/close", url.Values{"confirm": {"yes"}, "yes": {"0"}, "no": {"21"}, "abstain": {"0"}}, http.StatusSeeOther)
		page = staff.get(mpath)
		for _, want := range []string{"14 yes, 7 no, 0 abstaining; base 21, 15 yes needed (more than 2/3 of those present): not passed.",
			"15 yes, 6 no, 0 abstaining; base 21, 15 yes needed (more than 2/3 of those present): passed.", "Counted by the clerk from a paper count."} {
			if !strings.Contains(page.body, want) {
				t.Errorf("meeting page lacks %q", want)
			}
		}

		// An electronic vote: the chair votes for seat 1 and, as proxy, for
		// seat 15, and for no other seat.
		post(mpath+"/motions", url.Values{"title": {"Electronic motion"}, "decision": {"ordinary"}, "counted_by": {"electronic"}}, http.StatusSeeOther)
		ms, _ = db.Governance.Motions(ctx, meetingID)
		electronic := ms[len(ms)-1].ID
		chair := e.client()
		chair.lang = "en"
		chair.mustLogin("chair.01")
		vote := chair.get(mpath + "/vote")
		wantStatus(t, vote, http.StatusOK)
		if strings.Count(vote.body, `action="/motions/`+itoa(electronic)+`/vote"`) != 2 || !strings.Contains(vote.body, "as proxy") {
			t.Fatalf("the chair's voting page: %.3000s", vote.body)
		}
		cast := func(c *client, path string, v url.Values) resp {
			v.Set("csrf_token", c.csrf)
			if _, ok := v["confirm"]; !ok {
				v.Set("confirm", "yes")
			}
			return c.post(path, v)
		}
		wantStatus(t, cast(chair, "/motions/"+itoa(electronic)+"/vote", url.Values{"seat": {itoa(seat[1])}, "vote": {"yes"}}), http.StatusSeeOther)
		wantStatus(t, cast(chair, "/motions/"+itoa(electronic)+"/vote", url.Values{"seat": {itoa(seat[15])}, "vote": {"no"}}), http.StatusSeeOther)
		wantStatus(t, cast(chair, "/motions/"+itoa(electronic)+"/vote", url.Values{"seat": {itoa(seat[2])}, "vote": {"yes"}}), http.StatusForbidden)
		if r := cast(chair, "/motions/"+itoa(electronic)+"/vote", url.Values{"seat": {itoa(seat[1])}, "vote": {"no"}}); r.StatusCode != http.StatusConflict ||
			!strings.Contains(r.body, "has voted on this motion already") {
			t.Fatalf("a second vote: %d %.2000s", r.StatusCode, r.body)
		}
		if v := chair.get(mpath + "/vote"); !strings.Contains(v.body, "voted: Yes") || !strings.Contains(v.body, "voted: No") {
			t.Fatalf("the votes cast are not shown: %.3000s", v.body)
		}
		wantStatus(t, chair.get(mpath), http.StatusForbidden) // a member's account reads no registry pages
		outsider := e.client()
		outsider.mustLogin("outsider.22")
		wantStatus(t, outsider.get(mpath+"/vote"), http.StatusNotFound)
		wantStatus(t, cast(outsider, "/motions/"+itoa(electronic)+"/vote", url.Values{"seat": {itoa(seat[1])}, "vote": {"yes"}}), http.StatusNotFound)
		if my := outsider.get("/my/meetings"); my.StatusCode != http.StatusOK || strings.Contains(my.body, mpath+"/vote") {
			t.Fatalf("an outsider's meetings: %d", my.StatusCode)
		}
		if my := chair.get("/my/meetings"); !strings.Contains(my.body, `href="`+mpath+`/vote"`) || !strings.Contains(my.body, "Vote now") {
			t.Fatalf("the chair's meetings: %.2000s", my.body)
		}
		post("/motions/"+itoa(electronic)+"/close", url.Values{"confirm": {"yes"}}, http.StatusSeeOther)
		if m, _ := db.Governance.MotionByID(ctx, electronic); m.Yes != 1 || m.No != 1 || m.Passed || m.CountedBy != "electronic" {
			t.Fatalf("the electronic count: %+v", m)
		}

		// An election by secret ballot.
		// Candidates: seat holders ticked, and a member who holds no seat
		// yet, by number (an election to add directors).
		if r := post(mpath+"/elections", url.Values{"form": {"election"}, "title": {"Election of a vice chair"}, "seats": {"1"},
			"candidate": {itoa(person[5])}, "member_nos": {"A-99"}}, http.StatusBadRequest); !strings.Contains(r.body, "A-99 is not the number of a current member") {
			t.Fatalf("an unknown candidate number: %.2000s", r.body)
		}
		post(mpath+"/elections", url.Values{"title": {"Election of a vice chair"}, "seats": {"1"},
			"candidate": {itoa(person[5]), itoa(person[6])}, "member_nos": {"A-22"}}, http.StatusSeeOther)
		es, err := db.Voting.Elections(ctx, meetingID)
		if err != nil || len(es) != 1 || es[0].Issued != 21 || len(es[0].Candidates) != 3 ||
			!slices.ContainsFunc(es[0].Candidates, func(c governance.Candidate) bool { return c.PersonID == person[22] }) {
			t.Fatalf("elections %+v %v", es, err)
		}
		eid := itoa(es[0].ID)
		if page := staff.get(mpath); !strings.Contains(page.body, "Ballots in: 0 of 21 issued.") {
			t.Fatalf("no turnout while the election is open: %.3000s", page.body)
		}
		if r := cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[1])}, "choice": {itoa(person[5])}, "confirm": {""}}); r.StatusCode != http.StatusBadRequest ||
			!strings.Contains(r.body, "A ballot cannot be changed once cast") {
			t.Fatalf("an unconfirmed ballot: %d %.2000s", r.StatusCode, r.body)
		}
		wantStatus(t, chair.get("/elections/"+eid+"/ballots"), http.StatusConflict) // published after the count
		ballot := cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[1])}, "choice": {itoa(person[5])}})
		wantStatus(t, ballot, http.StatusOK)
		m := regexp.MustCompile(`id="receipt-code">([0-9A-Z]{12})<`).FindStringSubmatch(ballot.body)
		if m == nil || ballot.Header.Get("Location") != "" {
			t.Fatalf("no receipt shown: %.3000s", ballot.body)
		}
		receipt := m[1]
		if again := chair.get(mpath + "/vote"); strings.Contains(again.body, receipt) || !strings.Contains(again.body, "ballot cast") {
			t.Fatal("the receipt is shown again unasked, or the ballot not marked cast")
		}
		// Asked for again (the answer was lost), until the count.
		again := cast(chair, "/elections/"+eid+"/receipt", url.Values{"seat": {itoa(seat[1])}})
		wantStatus(t, again, http.StatusOK)
		if !strings.Contains(again.body, `id="receipt-code">`+receipt+`<`) || again.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the receipt asked for again: %.3000s", again.body)
		}
		wantStatus(t, cast(chair, "/elections/"+eid+"/receipt", url.Values{"seat": {itoa(seat[3])}}), http.StatusForbidden)
		// An overfilled ballot is refused with its reason, and the seat
		// may still vote.
		overfilled := cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[15])}, "choice": {itoa(person[5]), itoa(person[6])}})
		wantStatus(t, overfilled, http.StatusBadRequest)
		if !strings.Contains(overfilled.body, "This ballot approves 2 candidates; at most 1 may be approved") {
			t.Fatalf("overfilled ballot: %.3000s", overfilled.body)
		}
		wantStatus(t, cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[15])}, "choice": {itoa(person[6])}}), http.StatusOK)
		if r := cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[1])}, "choice": {itoa(person[6])}}); r.StatusCode != http.StatusConflict {
			t.Fatalf("a second ballot: %d", r.StatusCode)
		}
		wantStatus(t, cast(chair, "/elections/"+eid+"/ballot", url.Values{"seat": {itoa(seat[3])}, "choice": {itoa(person[6])}}), http.StatusForbidden)
		for i := 2; i <= 12; i++ { // eleven more for candidate 5: 12 votes, more than half of 21
			if _, err := db.Voting.CastBallot(ctx, e.setup, es[0].ID, seat[i], []int64{person[5]}, testSealer); err != nil {
				t.Fatal(err)
			}
		}
		// Closing asks for a confirmation that names the turnout.
		if r := post("/elections/"+eid+"/close", url.Values{}, http.StatusBadRequest); !strings.Contains(r.body, "ballots in: 13 of 21") {
			t.Fatalf("closing an election unconfirmed: %.2000s", r.body)
		}
		post("/elections/"+eid+"/close", url.Values{"confirm": {"yes"}}, http.StatusSeeOther)
		list := chair.post("/elections/"+eid+"/ballots", url.Values{"receipt": {strings.ToLower(receipt)}})
		wantStatus(t, list, http.StatusOK)
		if !strings.Contains(list.body, "Receipt "+receipt+" is in the list.") || strings.Count(list.body, `<td class="code">`) != 13 {
			t.Fatalf("the published list: %.3000s", list.body)
		}
		wantStatus(t, outsider.get("/elections/"+eid+"/ballots"), http.StatusNotFound)
		if strings.Contains(logs.String(), receipt) {
			t.Fatal("a receipt was logged")
		}
		if after := cast(chair, "/elections/"+eid+"/receipt", url.Values{"seat": {itoa(seat[1])}}); strings.Contains(after.body, receipt) ||
			!strings.Contains(after.body, "its receipt is no longer kept") {
			t.Fatalf("the receipt after the count: %.3000s", after.body)
		}
		page = staff.get(mpath)
		for _, want := range []string{"Ballots issued 21, cast 13, valid 13, invalid 0; a candidate needs 11 votes (more than 1/2 of those present).",
			"Elected: 理事05."} {
			if !strings.Contains(page.body, want) {
				t.Errorf("meeting page lacks %q", want)
			}
		}

		// The minutes, in both languages, and as a PDF.
		en := staff.get(mpath + "/minutes?lang=en")
		wantStatus(t, en, http.StatusOK)
		for _, want := range []string{"Minutes: Council (9th term)", "Motion fourteen", "Motion fifteen", "not passed", "Election of a vice chair",
			"理事05: 12 votes, elected", "Represented by 理事01", "20 present, 1 represented by proxy", "Quorum met.", `href="` + mpath + `/minutes?lang=zh-Hans"`} {
			if !strings.Contains(en.body, want) {
				t.Errorf("English minutes lack %q", want)
			}
		}
		zh := staff.get(mpath + "/minutes?lang=zh-Hans")
		for _, want := range []string{"第9届理事会会议纪要", "Motion fourteen", "赞成14票，反对7票，弃权0票；基数21，需赞成15票（超过出席人数的三分之二）：未通过。",
			"理事05：12票，当选", "委托理事01代理", "已达到法定人数。", `lang="zh-Hans"`, `href="` + mpath + `/minutes?lang=en"`} {
			if !strings.Contains(zh.body, want) {
				t.Errorf("Chinese minutes lack %q", want)
			}
		}
		doc := staff.get(mpath + "/minutes.pdf")
		wantStatus(t, doc, http.StatusOK)
		if ct, cd := doc.Header.Get("Content-Type"), doc.Header.Get("Content-Disposition"); ct != "application/pdf" ||
			cd != `inline; filename="minutes-`+itoa(meetingID)+`.pdf"` {
			t.Fatalf("PDF headers %q %q", ct, cd)
		}
		text := pdfText(t, doc.body)
		for _, want := range []string{"Minutes: Council (9th term)", "Motion fourteen", "Election of a vice chair", "理事05"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q not in the PDF text:\n%s", want, text)
			}
		}
		if text := pdfText(t, staff.get(mpath+"/minutes.pdf?lang=zh-Hans").body); !strings.Contains(text, "会议纪要") || !strings.Contains(text, "未通过") {
			t.Errorf("the Chinese PDF:\n%s", text)
		}

		// Permissions: anonymous visitors sign in first; staff of another
		// subtree find nothing; an auditor reads without forms.
		anon := e.client()
		for _, p := range []string{"/orgs/A/governance", mpath, mpath + "/minutes", mpath + "/minutes.pdf", mpath + "/vote", "/elections/" + eid + "/ballots"} {
			if r := anon.get(p); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Errorf("anonymous %s: %d %s", p, r.StatusCode, r.Header.Get("Location"))
			}
		}
		other := e.client()
		other.mustLogin("staff.b")
		for _, p := range []string{"/orgs/A/governance", mpath, mpath + "/minutes", mpath + "/minutes.pdf", mpath + "/vote", "/elections/" + eid + "/ballots"} {
			if r := other.get(p); r.StatusCode != http.StatusNotFound {
				t.Errorf("staff of B, %s: %d", p, r.StatusCode)
			}
		}
		for _, p := range []string{mpath + "/motions", mpath + "/attendance", mpath + "/elections", "/motions/" + itoa(electronic) + "/close",
			"/elections/" + eid + "/close", "/orgs/A/governance/bodies", termPath + "/seats", "/orgs/A/governance/seats/" + itoa(seat[2]) + "/end"} {
			if r := cast(other, p, url.Values{"title": {"x"}}); r.StatusCode != http.StatusNotFound {
				t.Errorf("staff of B, POST %s: %d", p, r.StatusCode)
			}
		}
		// A term of B's is not reachable through A's path.
		bc, err := db.Governance.CreateBody(ctx, e.setup, e.b.ID, "council", "理事会", "Council")
		if err != nil {
			t.Fatal(err)
		}
		bt, err := db.Governance.StartTerm(ctx, e.setup, bc.ID, 1, "2025-01-01")
		if err != nil {
			t.Fatal(err)
		}
		post("/orgs/A/governance/terms/"+itoa(bt.ID)+"/seats", url.Values{"member_no": {"A-22"}, "post": {"director"}, "seated": {"2025-06-01"}}, http.StatusNotFound)
		aud := e.client()
		aud.mustLogin("auditor.a")
		if r := aud.get(mpath); r.StatusCode != http.StatusOK || strings.Contains(r.body, `id="motion-form"`) || strings.Contains(r.body, `name="status_`) {
			t.Fatalf("an auditor's meeting page: %d", r.StatusCode)
		}
		wantStatus(t, cast(aud, mpath+"/motions", url.Values{"title": {"x"}, "decision": {"ordinary"}}), http.StatusForbidden)

		// Ending a seat.
		post("/orgs/A/governance/seats/"+itoa(seat[21])+"/end", url.Values{"left_on": {"2026-03-01"}, "why": {"resignation"}, "confirm": {"yes"}}, http.StatusSeeOther)
		if g := staff.get("/orgs/A/governance"); !strings.Contains(g.body, "Seats ended this term (1)") || !strings.Contains(g.body, "Resignation") {
			t.Fatal("the ended seat is not listed")
		}
		staff.lang = "zh-Hans"
		if g := staff.get("/orgs/A/governance"); !strings.Contains(g.body, "第9届理事会") || !strings.Contains(g.body, "一线科技工作者") {
			t.Fatal("the Chinese governance page")
		}
	})
}

package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// keysOf is the sorted list of a JSON object's keys.
func keysOf(t *testing.T, body string) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not a JSON object (%v): %s", err, body)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wantKeys checks that a JSON object has exactly the keys named.
func wantKeys(t *testing.T, r resp, keys ...string) {
	t.Helper()
	sort.Strings(keys)
	if got := keysOf(t, r.body); !slices.Equal(got, keys) {
		t.Fatalf("%s %s: keys %v, want %v; body %s", r.Request.Method, r.Request.URL.Path, got, keys, r.body)
	}
}

// wantError checks an API error: its status and {"code", "message"}.
func wantError(t *testing.T, r resp, status int, code kexie.Code) {
	t.Helper()
	wantStatus(t, r, status)
	wantKeys(t, r, "code", "message")
	var e struct{ Code, Message string }
	r.json(t, &e)
	if e.Code != string(code) || e.Message == "" {
		t.Fatalf("%s %s: error %+v, want code %s and a message", r.Request.Method, r.Request.URL.Path, e, code)
	}
}

var referenceRE = regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$`)

// newForum enters, through the API as staff (bearer), an activity of
// organisation A with capacity places and opens its registration.
func newForum(t *testing.T, e *env, call apiDoc, staff, code string, capacity int, approval bool) {
	t.Helper()
	c := e.client()
	wantStatus(t, call(c, "POST", "/api/v1/orgs/A/activities", staff, map[string]any{"code": code, "kind": "forum", "category": "academic",
		"title_zh": "青年科学家论坛", "starts": "2025-05-16", "ends": "2025-05-17", "public": true, "capacity": capacity, "approval": approval}), http.StatusCreated)
	for _, s := range []string{"published", "registration_open"} {
		wantStatus(t, call(c, "POST", "/api/v1/activities/"+code+"/status", staff, map[string]any{"status": s}), http.StatusOK)
	}
}

// TestActivitiesAPIContract checks the activities API to the letter: the
// shapes of an activity and its programme, of a registration (201
// {reference, status, token, cancel}), of a check-in (201 {result, at});
// the status codes of refusals and errors {"code", "message"}.
func TestActivitiesAPIContract(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		auditorA1 := e.bearer(e.user("auditor.a1", kexie.RoleAuditor, e.a1))
		c := e.client()
		anon := e.client()

		// Create: 201 with the activity; organisations in order, the owner
		// the first registry sponsor; an empty title falls back and says so.
		r := call(c, "POST", "/api/v1/orgs/A/activities", staff, map[string]any{"code": "YSF-320", "kind": "forum", "category": "international",
			"title_zh": "第320次青年科学家论坛", "starts": "2025-05-16", "ends": "2025-05-17", "venue": "哈尔滨工程大学", "city": "哈尔滨",
			"region_code": "230100", "mode": "hybrid", "public": true, "capacity": 2,
			"organisations": []map[string]any{{"role": "guiding_unit", "name": "伊春市人民政府"}, {"role": "sponsor", "org_code": "A"},
				{"role": "organiser", "org_code": "A1"}}})
		wantStatus(t, r, http.StatusCreated)
		wantKeys(t, r, "code", "owner", "kind", "category", "title", "theme", "starts", "ends", "time_zone", "venue", "city", "region_code",
			"mode", "public", "status", "capacity", "confirmed", "organisations")
		var act struct {
			Code, Owner, Status, TimeZone string
			Title                         map[string]any
			Starts, Ends                  string
			Organisations                 []map[string]any
			Confirmed, Capacity           int
		}
		r.json(t, &act)
		if act.Code != "YSF-320" || act.Owner != "A" || act.Status != "draft" || act.Starts != "2025-05-16" || act.Ends != "2025-05-17" || act.Capacity != 2 {
			t.Fatalf("created %+v", act)
		}
		if fmt.Sprint(act.Title) != fmt.Sprint(map[string]any{"zh": "第320次青年科学家论坛", "en": "第320次青年科学家论坛", "zh_fallback": false, "en_fallback": true}) {
			t.Errorf("title %v: the English falls back to the Chinese and says so", act.Title)
		}
		if len(act.Organisations) != 3 || act.Organisations[0]["role"] != "guiding_unit" || act.Organisations[0]["name"] != "伊春市人民政府" ||
			act.Organisations[0]["org_code"] != nil || act.Organisations[1]["org_code"] != "A" || act.Organisations[2]["role"] != "organiser" {
			t.Errorf("organisations %v", act.Organisations)
		}

		// Refusals: no credentials 401; another subtree 404 as if missing;
		// bad input 400; a second code 409.
		wantError(t, call(anon, "POST", "/api/v1/orgs/A/activities", "", map[string]any{"code": "X"}), http.StatusUnauthorized, kexie.CodeUnauthorized)
		wantError(t, call(c, "POST", "/api/v1/orgs/A/activities", staffB, map[string]any{"code": "X", "kind": "forum", "category": "academic",
			"title_zh": "x", "starts": "2025-01-01"}), http.StatusNotFound, kexie.CodeNotFound)
		wantError(t, call(c, "POST", "/api/v1/orgs/A/activities", staff, map[string]any{"code": "X", "kind": "party", "category": "academic",
			"title_zh": "x", "starts": "2025-01-01"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/orgs/A/activities", staff, map[string]any{"code": "YSF-320", "kind": "forum", "category": "academic",
			"title_zh": "x", "starts": "2025-01-01"}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "GET", "/api/v1/activities/YSF-320", staffB, nil), http.StatusNotFound, kexie.CodeNotFound)
		wantError(t, call(c, "GET", "/api/v1/activities/NOPE", staff, nil), http.StatusNotFound, kexie.CodeNotFound)
		// The auditor of A1 reads it (A1 holds a role) but manages nothing.
		wantStatus(t, call(c, "GET", "/api/v1/activities/YSF-320", auditorA1, nil), http.StatusOK)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/status", auditorA1, map[string]any{"status": "published"}), http.StatusForbidden, kexie.CodeForbidden)

		// The programme: sessions 201 {"id"}; a break once for every room;
		// a session during the break or in a taken room: 409.
		for _, s := range []map[string]any{
			{"kind": "parallel", "title_zh": "分会场一", "room": "101", "starts": "2025-05-16 09:00", "ends": "2025-05-16 10:30", "international": true},
			{"kind": "parallel", "title_zh": "分会场二", "room": "102", "starts": "2025-05-16 09:00", "ends": "2025-05-16 10:00"},
			{"kind": "parallel", "title_en": "Session three", "room": "101", "starts": "2025-05-16T11:00:00+08:00", "ends": "2025-05-16T12:00:00+08:00"},
		} {
			r := call(c, "POST", "/api/v1/activities/YSF-320/sessions", staff, s)
			wantStatus(t, r, http.StatusCreated)
			wantKeys(t, r, "id")
		}
		r = call(c, "POST", "/api/v1/activities/YSF-320/breaks", staff, map[string]any{"title_zh": "茶歇", "title_en": "Tea", "starts": "2025-05-16 10:30", "ends": "2025-05-16 11:00"})
		wantStatus(t, r, http.StatusCreated)
		wantKeys(t, r, "id")
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/sessions", staff, map[string]any{"title_zh": "冲突", "room": "103",
			"starts": "2025-05-16 10:45", "ends": "2025-05-16 11:15"}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/sessions", staff, map[string]any{"title_zh": "冲突", "room": "101",
			"starts": "2025-05-16 09:30", "ends": "2025-05-16 10:00"}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/sessions", staff, map[string]any{"title_zh": "越界", "room": "101",
			"starts": "2025-05-18 09:00", "ends": "2025-05-18 10:00"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/breaks", staff, map[string]any{"title_zh": "午餐",
			"starts": "2025-05-16 09:30", "ends": "2025-05-16 10:00"}), http.StatusConflict, kexie.CodeConflict)

		r = call(c, "GET", "/api/v1/activities/YSF-320", staff, nil)
		wantStatus(t, r, http.StatusOK)
		var got struct {
			Programme struct {
				Days []struct {
					Date  string
					Rooms []string
					Rows  []struct {
						Starts, Ends time.Time
						Cells        []struct {
							Room    string
							Session *struct {
								Title         map[string]any
								International bool
							}
							Break            *struct{ Title map[string]any }
							RowSpan, ColSpan int
						}
					}
				}
			}
		}
		r.json(t, &got)
		days := got.Programme.Days
		if len(days) != 1 || days[0].Date != "2025-05-16" || !slices.Equal(days[0].Rooms, []string{"101", "102"}) {
			t.Fatalf("programme days %+v", days)
		}
		// Times 09:00 10:00 10:30 11:00 12:00: four rows; the break is one
		// cell two columns wide, in the row starting 10:30.
		rows := days[0].Rows
		if len(rows) != 4 || rows[0].Starts.In(kexie.Beijing).Format("15:04") != "09:00" {
			t.Fatalf("rows %+v", rows)
		}
		if c0 := rows[0].Cells; len(c0) != 2 || c0[0].Session == nil || c0[0].RowSpan != 2 || !c0[0].Session.International || c0[1].RowSpan != 1 {
			t.Errorf("first row %+v", c0)
		}
		if c1 := rows[1].Cells; len(c1) != 1 || c1[0].Room != "102" || c1[0].Session != nil {
			t.Errorf("second row: room 101 covered, 102 empty: %+v", c1)
		}
		if c2 := rows[2].Cells; len(c2) != 1 || c2[0].Break == nil || c2[0].ColSpan != 2 || c2[0].Break.Title["en"] != "Tea" {
			t.Errorf("break row %+v", c2)
		}
		if c3 := rows[3].Cells; len(c3) != 2 || c3[0].Session == nil || c3[0].Session.Title["zh"] != "Session three" || c3[0].Session.Title["zh_fallback"] != true {
			t.Errorf("last row %+v", c3)
		}

		// Status: 200 {"code", "status"}; a move not allowed is 409.
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/status", staff, map[string]any{"status": "held"}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/status", staff, map[string]any{"status": "nope"}), http.StatusBadRequest, kexie.CodeInvalid)
		// A draft does not exist for the public.
		wantError(t, call(anon, "POST", "/api/v1/activities/YSF-320/registrations", "", map[string]any{"name": "张三"}), http.StatusNotFound, kexie.CodeNotFound)
		r = call(c, "POST", "/api/v1/activities/YSF-320/status", staff, map[string]any{"status": "published"})
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "code", "status")
		// Published, not yet open: 409 for the public.
		wantError(t, call(anon, "POST", "/api/v1/activities/YSF-320/registrations", "", map[string]any{"name": "张三"}), http.StatusConflict, kexie.CodeConflict)
		wantStatus(t, call(c, "POST", "/api/v1/activities/YSF-320/status", staff, map[string]any{"status": "registration_open"}), http.StatusOK)

		// Registration: 201 {reference XXXX-XXXX, status, token, cancel};
		// two places: the third is waitlisted.
		type regResp struct{ Reference, Status, Token, Cancel string }
		var regs []regResp
		for i, want := range []string{"confirmed", "confirmed", "waitlisted"} {
			r := call(anon, "POST", "/api/v1/activities/YSF-320/registrations", "", map[string]any{"name": fmt.Sprintf("来宾%d", i), "employer": "哈尔滨工业大学", "country": "CN"})
			wantStatus(t, r, http.StatusCreated)
			wantKeys(t, r, "reference", "status", "token", "cancel")
			var g regResp
			r.json(t, &g)
			if g.Status != want || !referenceRE.MatchString(g.Reference) || g.Cancel != "/api/v1/registrations/"+g.Token+"/cancel" || len(g.Token) < 20 {
				t.Fatalf("registration %d: %+v, want %s", i, g, want)
			}
			regs = append(regs, g)
		}
		wantError(t, call(anon, "POST", "/api/v1/activities/YSF-320/registrations", "", map[string]any{"name": ""}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(anon, "POST", "/api/v1/activities/YSF-320/registrations", "", map[string]any{"name": "x", "shoe_size": 42}), http.StatusBadRequest, kexie.CodeInvalid)

		// Check-in: 201 {result, at, name, reference}; by the QR text (the
		// token) or a typed reference; a second scan is a duplicate at
		// the first time; a nonce sent again answers the same.
		r = call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": regs[0].Token, "list": "main", "nonce": "n-1"})
		wantStatus(t, r, http.StatusCreated)
		wantKeys(t, r, "result", "at", "name", "reference")
		var ck struct{ Result, At, Name, Reference string }
		r.json(t, &ck)
		first, err := time.Parse(time.RFC3339, ck.At)
		if err != nil || ck.Result != "checked_in" || ck.Reference != regs[0].Reference || ck.Name != "来宾0" {
			t.Fatalf("check-in %+v (%v)", ck, err)
		}
		if _, off := first.Zone(); off != 8*3600 {
			t.Errorf("at %s: Beijing time (+08:00)", ck.At)
		}
		var dup struct{ Result, At string }
		r = call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": "  " + regs[0].Reference[:4] + regs[0].Reference[5:] + " ", "nonce": "n-2"})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &dup)
		if dup.Result != "duplicate" || dup.At != ck.At {
			t.Errorf("second scan by the typed reference: %+v, want duplicate at %s", dup, ck.At)
		}
		r = call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": regs[0].Token, "nonce": "n-1"})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &dup)
		if dup.Result != "checked_in" || dup.At != ck.At {
			t.Errorf("the first nonce again: %+v, want its first answer", dup)
		}
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": regs[2].Token}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": "NOPE-NOPE"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": regs[1].Token, "list": "nope"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/activities/YSF-320/checkins", staffB, map[string]any{"code": regs[1].Token}), http.StatusNotFound, kexie.CodeNotFound)
		wantError(t, call(anon, "POST", "/api/v1/activities/YSF-320/checkins", "", map[string]any{"code": regs[1].Token}), http.StatusUnauthorized, kexie.CodeUnauthorized)

		// Cancel by the token: 200 {reference, status}; the confirmed place
		// goes to the waitlisted registration at once.
		r = call(anon, "POST", regs[1].Cancel, "", nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "reference", "status")
		var cn struct{ Reference, Status string }
		r.json(t, &cn)
		if cn.Reference != regs[1].Reference || cn.Status != "cancelled" {
			t.Errorf("cancel %+v", cn)
		}
		wantError(t, call(anon, "POST", regs[1].Cancel, "", nil), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(anon, "POST", "/api/v1/registrations/NOTATOKEN/cancel", "", nil), http.StatusNotFound, kexie.CodeNotFound)
		r = call(c, "POST", "/api/v1/activities/YSF-320/checkins", staff, map[string]any{"code": regs[2].Reference})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &dup)
		if dup.Result != "checked_in" {
			t.Errorf("the promoted registration checks in: %+v", dup)
		}

		// With approval, the public's registrations are pending.
		newForum(t, e, call, staff, "TRAIN-1", 10, true)
		r = call(anon, "POST", "/api/v1/activities/TRAIN-1/registrations", "", map[string]any{"name": "李四"})
		wantStatus(t, r, http.StatusCreated)
		var p regResp
		r.json(t, &p)
		if p.Status != "pending" {
			t.Errorf("registration needing approval: %+v", p)
		}

		// The list: {"activities": [...], "total"}, paged.
		r = call(c, "GET", "/api/v1/activities?limit=1", staff, nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "activities", "total")
		var l struct {
			Activities []map[string]any
			Total      int
		}
		r.json(t, &l)
		if l.Total != 2 || len(l.Activities) != 1 {
			t.Errorf("list: total %d, %d on the page", l.Total, len(l.Activities))
		}
		wantError(t, call(c, "GET", "/api/v1/activities?year=19", staff, nil), http.StatusBadRequest, kexie.CodeInvalid)
	})
}

// TestActivityCheckinFeedsLapse: a member who would lapse for want of
// participation does not after checking in over HTTP.
func TestActivityCheckinFeedsLapse(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "A-9", OrgCode: "A", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"},
		}, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		newForum(t, e, call, staff, "F-1", 0, false)
		c := e.client()
		r := call(c, "POST", "/api/v1/activities/F-1/registrations", staff, map[string]any{"org_code": "A", "member_no": "A-9"})
		wantStatus(t, r, http.StatusCreated)
		var g struct{ Reference string }
		r.json(t, &g)
		m, err := e.db.Membership.MemberByOrgNo(ctx, "A", "A-9")
		dbtest.Must(t, err)
		if m.Record.LastActivity != "" {
			t.Fatalf("last activity before: %q", m.Record.LastActivity)
		}
		wantStatus(t, call(c, "POST", "/api/v1/activities/F-1/checkins", staff, map[string]any{"code": g.Reference,
			"at": "2025-05-16T08:00:00+08:00", "offline": true, "nonce": "offline-1"}), http.StatusCreated)
		m, err = e.db.Membership.MemberByOrgNo(ctx, "A", "A-9")
		dbtest.Must(t, err)
		if m.Record.LastActivity != "2025-05-16" {
			t.Errorf("last activity after an offline check-in on 2025-05-16: %q", m.Record.LastActivity)
		}
	})
}

// TestActivityRegistrationRaceOverHTTP: many people register at once over
// HTTP for a few places: exactly the capacity is confirmed, the rest
// waitlisted, none lost; and a registration for another activity is not
// held up by it (it succeeds meanwhile).
func TestActivityRegistrationRaceOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		// Visitors from many addresses behind a trusted proxy: each
		// address may register 20 times an hour.
		cfg := web.DefaultConfig()
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		e := newEnvWith(t, db, cfg)
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		const places, people = 7, 48
		newForum(t, e, call, staff, "RACE", places, false)
		newForum(t, e, call, staff, "OTHER", 1, false)
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[string]int{}
		refs := map[string]bool{}
		for i := 0; i < people; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				code := "RACE"
				if i == people/2 {
					code = "OTHER"
				}
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/activities/"+code+"/registrations", strings.NewReader(fmt.Sprintf(`{"name":"参会者%d"}`, i)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
				r := e.client().do(req)
				var g struct{ Reference, Status string }
				if r.StatusCode == http.StatusCreated {
					_ = json.Unmarshal([]byte(r.body), &g)
				}
				mu.Lock()
				defer mu.Unlock()
				counts[code+":"+g.Status+":"+fmt.Sprint(r.StatusCode)]++
				refs[g.Reference] = true
			}(i)
		}
		wg.Wait()
		want := map[string]int{"RACE:confirmed:201": places, "RACE:waitlisted:201": people - 1 - places, "OTHER:confirmed:201": 1}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("answers %v, want %v", counts, want)
		}
		if len(refs) != people {
			t.Errorf("%d distinct references for %d registrations", len(refs), people)
		}
		a, err := e.db.Activities.ByCode(ctx, "RACE")
		dbtest.Must(t, err)
		n, err := e.db.Activities.RegistrationCounts(ctx, a.ID)
		dbtest.Must(t, err)
		if a.Confirmed != places || n["confirmed"] != places || n["waitlisted"] != people-1-places {
			t.Errorf("stored: confirmed %d (row) %v (registrations)", a.Confirmed, n)
		}
	})
}

// TestActivityStatsAPI: GET /api/v1/orgs/{code}/activity-stats?year= gives
// {"org", "year", "total", "by_category", "by_kind"}, each figures object
// with exactly its eight counts; the figures' inputs (contributions,
// anonymous counts, exhibitors, teams) answer 201 {"id"}; outside the
// caller's subtree the organisation is not found.
func TestActivityStatsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		c := e.client()
		newForum(t, e, call, staff, "F", 0, false)
		var id struct{ ID int64 }
		call(c, "POST", "/api/v1/activities/F/sessions", staff, map[string]any{"title_zh": "分会场", "room": "1", "international": true,
			"starts": "2025-05-16 09:00", "ends": "2025-05-16 10:00"}).json(t, &id)
		for path, body := range map[string]map[string]any{
			"/api/v1/activities/F/sessions/" + itoa(id.ID) + "/contributions": {"title": "报告", "speakers": "王芳", "paper": true},
			"/api/v1/activities/F/reach":                                      {"people": 1200, "method": "入场计数"},
			"/api/v1/activities/F/exhibitors":                                 {"booth": "A-01", "name": "哈尔滨工程大学", "theme": "船舶"},
			"/api/v1/activities/F/teams":                                      {"name": "甲队", "school": "哈尔滨工程大学", "members": "张三、李四", "prize_grade": "一等奖"},
		} {
			r := call(c, "POST", path, staff, body)
			wantStatus(t, r, http.StatusCreated)
			wantKeys(t, r, "id")
		}
		wantError(t, call(c, "POST", "/api/v1/activities/F/reach", staff, map[string]any{"people": 0, "method": "x"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/activities/F/exhibitors", staff, map[string]any{"booth": "A-01", "name": "另一家"}), http.StatusConflict, kexie.CodeConflict)
		var g struct{ Reference string }
		call(c, "POST", "/api/v1/activities/F/registrations", staff, map[string]any{"name": "来宾"}).json(t, &g)
		wantStatus(t, call(c, "POST", "/api/v1/activities/F/checkins", staff, map[string]any{"code": g.Reference}), http.StatusCreated)
		wantStatus(t, call(c, "POST", "/api/v1/activities/F/status", staff, map[string]any{"status": "held"}), http.StatusOK)

		r := call(c, "GET", "/api/v1/orgs/A/activity-stats?year=2025", staff, nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "org", "year", "total", "by_category", "by_kind")
		var st struct {
			Org        string
			Year       int
			Total      map[string]int64
			ByCategory map[string]map[string]int64 `json:"by_category"`
			ByKind     map[string]map[string]int64 `json:"by_kind"`
		}
		r.json(t, &st)
		want := map[string]int64{"activities": 1, "sessions": 1, "international_sessions": 1, "attendance": 1, "anonymous_attendance": 1200,
			"papers": 1, "exhibitors": 1, "teams": 1}
		if st.Org != "A" || st.Year != 2025 || fmt.Sprint(st.Total) != fmt.Sprint(want) || fmt.Sprint(st.ByKind["forum"]) != fmt.Sprint(want) ||
			fmt.Sprint(st.ByCategory["academic"]) != fmt.Sprint(want) || len(st.ByKind) != 14 || len(st.ByCategory) != 5 {
			t.Errorf("stats %s", r.body)
		}
		if st.ByKind["seminar"]["activities"] != 0 || len(st.ByKind["seminar"]) != 8 {
			t.Errorf("a kind without activities: %v", st.ByKind["seminar"])
		}
		wantError(t, call(c, "GET", "/api/v1/orgs/A/activity-stats?year=20x5", staff, nil), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "GET", "/api/v1/orgs/A/activity-stats?year=2025", staffB, nil), http.StatusNotFound, kexie.CodeNotFound)
		r = call(c, "GET", "/api/v1/orgs/A/activity-stats?year=2024", staff, nil)
		r.json(t, &st)
		if st.Total["activities"] != 0 {
			t.Errorf("2024: %s", r.body)
		}
	})
}

// TestActivityExhibitorsAndTeamsListed: a fair's exhibitors (by booth, in
// the booths' natural order, a registry organisation by its name) and a
// competition's teams are listed by the API and shown on the staff's and
// the public page; outside the caller's subtrees the lists are not found.
func TestActivityExhibitorsAndTeamsListed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		e.user("desk.a", kexie.RoleStaff, e.a)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		c := e.client()
		newForum(t, e, call, staff, "FAIR", 0, false)
		for _, x := range []map[string]any{{"booth": "10", "name": "哈尔滨工程大学", "theme": "船舶"}, {"booth": "2", "org_code": "A1", "theme": "机器人"}} {
			wantStatus(t, call(c, "POST", "/api/v1/activities/FAIR/exhibitors", staff, x), http.StatusCreated)
		}
		wantStatus(t, call(c, "POST", "/api/v1/activities/FAIR/teams", staff, map[string]any{"name": "火星车队", "category": "工程", "school": "哈尔滨工业大学",
			"members": "张三、李四", "advisers": "王老师", "prize_grade": "一等奖"}), http.StatusCreated)
		r := call(c, "GET", "/api/v1/activities/FAIR/exhibitors", staff, nil)
		wantStatus(t, r, http.StatusOK)
		var xs struct {
			Exhibitors []struct{ Booth, Name, OrgCode string }
			Total      int
		}
		r.json(t, &xs)
		if xs.Total != 2 || xs.Exhibitors[0].Booth != "2" || xs.Exhibitors[0].Name != "A1省科协" || xs.Exhibitors[1].Name != "哈尔滨工程大学" {
			t.Errorf("exhibitors: %s", r.body)
		}
		r = call(c, "GET", "/api/v1/activities/FAIR/teams", staff, nil)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "火星车队") || !strings.Contains(r.body, `"total":1`) {
			t.Errorf("teams: %s", r.body)
		}
		wantError(t, call(c, "GET", "/api/v1/activities/FAIR/teams", staffB, nil), http.StatusNotFound, kexie.CodeNotFound)
		pc := e.client()
		pc.lang = "zh-Hans"
		pc.mustLogin("desk.a")
		for _, path := range []string{"/activities/FAIR", "/calendar/FAIR"} {
			r := pc.get(path)
			wantStatus(t, r, http.StatusOK)
			for _, want := range []string{`id="activity-exhibitors"`, "参展单位 2 个", "A1省科协", "机器人", `id="activity-teams"`, "火星车队", "一等奖"} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s lacks %q", path, want)
				}
			}
		}
	})
}

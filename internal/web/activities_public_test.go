package web_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// publicFixture enters, as the set-up, a series of three editions (two
// public, one internal), a draft and a cancelled public activity.
func publicFixture(t *testing.T, e *env) {
	t.Helper()
	_, err := e.db.Activities.CreateSeries(ctx, e.setup, "A", activities.Series{Code: "YSF", NameZH: "青年科学家论坛", NameEN: "Young Scientists Forum"})
	dbtest.Must(t, err)
	mk := func(code string, edition int, public bool, starts string, statuses ...string) {
		in := activities.Input{Code: code, Kind: "forum", Category: "academic", TitleZH: fmt.Sprintf("第%d次青年科学家论坛", edition),
			TitleEN: fmt.Sprintf("The %dth Young Scientists Forum", edition), Starts: starts, Venue: "哈尔滨工程大学", City: "哈尔滨, 黑龙江",
			Public: public, Capacity: 1, Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "A"}, {Role: "co_sponsor", Name: "伊春市人民政府"}}}
		if edition != 0 {
			in.Series, in.Edition = "YSF", edition
		} else {
			in.TitleZH, in.TitleEN = code+"草稿", ""
		}
		_, err := e.db.Activities.Create(ctx, e.setup, in)
		dbtest.Must(t, err)
		for _, s := range statuses {
			dbtest.Must(t, e.db.Activities.SetStatus(ctx, e.setup, code, s))
		}
	}
	mk("YSF-319", 319, true, "2024-11-02", "published", "held")
	mk("YSF-320", 320, true, "2025-05-16", "published", "registration_open")
	mk("YSF-321", 321, false, "2025-09-01", "published")
	mk("DRAFT", 0, true, "2025-06-01")
	mk("GONE", 0, true, "2025-07-01", "cancelled")
	_, err = e.db.Activities.AddSession(ctx, e.setup, "YSF-320", activities.SessionInput{TitleZH: "主论坛", Room: "报告厅", Starts: "2025-05-16 09:00", Ends: "2025-05-16 11:00"})
	dbtest.Must(t, err)
}

// TestActivitiesPublicCalendar: the calendar lists exactly the public
// activities that are neither drafts nor cancelled, newest first, paged
// with the total, as a page, JSON and an ICS feed; a series page lists
// its public editions; the home page leads there.
func TestActivitiesPublicCalendar(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		publicFixture(t, e)
		call := newAPIDoc(t, e)
		anon := e.client()

		home := anon.get("/")
		if !strings.Contains(home.body, `href="/calendar"`) {
			t.Errorf("the home page has no link to the calendar")
		}
		r := anon.get("/calendar")
		wantStatus(t, r, http.StatusOK)
		for _, want := range []string{"/calendar/YSF-320", "/calendar/YSF-319", "第320次青年科学家论坛", `href="/calendar.ics"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("calendar page lacks %q", want)
			}
		}
		for _, not := range []string{"YSF-321", "DRAFT", "GONE"} {
			if strings.Contains(r.body, not) {
				t.Errorf("calendar page shows %s", not)
			}
		}
		if strings.Index(r.body, "/calendar/YSF-320") > strings.Index(r.body, "/calendar/YSF-319") {
			t.Errorf("calendar: newest first")
		}
		anon.lang = "en"
		if r := anon.get("/calendar?year=2024"); !strings.Contains(r.body, "The 319th Young Scientists Forum") || strings.Contains(r.body, "YSF-320") {
			t.Errorf("calendar of 2024 in English: %.2000s", r.body)
		}
		anon.lang = ""
		wantStatus(t, anon.get("/calendar?year=abc"), http.StatusBadRequest)

		r = call(anon, "GET", "/api/v1/calendar?limit=1", "", nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "activities", "total", "offset", "limit")
		var cal struct {
			Activities           []struct{ Code string }
			Total, Offset, Limit int
		}
		r.json(t, &cal)
		if cal.Total != 2 || len(cal.Activities) != 1 || cal.Activities[0].Code != "YSF-320" || cal.Limit != 1 {
			t.Errorf("calendar JSON %+v", cal)
		}
		r = call(anon, "GET", "/api/v1/calendar?limit=1&offset=1", "", nil)
		r.json(t, &cal)
		if cal.Total != 2 || len(cal.Activities) != 1 || cal.Activities[0].Code != "YSF-319" {
			t.Errorf("calendar JSON, second page %+v", cal)
		}

		// ICS: CRLF lines of at most 75 octets, one event per public
		// activity, all-day, DTEND the day after the last.
		r = anon.get("/calendar.ics")
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Errorf("content type %q", ct)
		}
		if !strings.HasPrefix(r.body, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(r.body, "END:VCALENDAR\r\n") {
			t.Errorf("ICS frame: %q", r.body)
		}
		for _, l := range strings.Split(strings.TrimSuffix(r.body, "\r\n"), "\r\n") {
			if len(l) > 75 || strings.Contains(l, "\n") {
				t.Errorf("ICS line of %d octets: %q", len(l), l)
			}
		}
		unfolded := strings.ReplaceAll(r.body, "\r\n ", "")
		if n := strings.Count(unfolded, "BEGIN:VEVENT\r\n"); n != 2 {
			t.Errorf("%d events, want 2", n)
		}
		for _, want := range []string{"UID:YSF-320@kexie\r\n", "DTSTART;VALUE=DATE:20250516\r\n", "DTEND;VALUE=DATE:20250517\r\n",
			"SUMMARY:第320次青年科学家论坛 / The 320th Young Scientists Forum\r\n", `LOCATION:哈尔滨工程大学 哈尔滨\, 黑龙江` + "\r\n"} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("ICS lacks %q:\n%s", want, unfolded)
			}
		}

		// The series: its public editions only.
		r = anon.get("/series/YSF")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "/calendar/YSF-320") || !strings.Contains(r.body, "/calendar/YSF-319") || strings.Contains(r.body, "YSF-321") {
			t.Errorf("series page: %.3000s", r.body)
		}
		r = call(anon, "GET", "/api/v1/series/YSF", "", nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "code", "name", "editions", "total")
		var sr struct {
			Name     map[string]any
			Editions []struct{ Edition int }
			Total    int
		}
		r.json(t, &sr)
		if sr.Total != 2 || len(sr.Editions) != 2 || sr.Editions[0].Edition != 320 || sr.Name["en"] != "Young Scientists Forum" {
			t.Errorf("series JSON %+v", sr)
		}
		wantError(t, call(anon, "GET", "/api/v1/series/NOPE", "", nil), http.StatusNotFound, kexie.CodeNotFound)
		wantStatus(t, anon.get("/series/NOPE"), http.StatusNotFound)
	})
}

// TestActivitiesPublicRegistration: the public page of an activity shows
// its organisations in roles and programme and, while registration is
// open, the form; registering gives a reference and a link; the link's
// page shows the QR code and the badge, and cancels only once confirmed
// twice; a draft, an internal or a cancelled activity is not found.
func TestActivitiesPublicRegistration(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		publicFixture(t, e)
		anon := e.client()
		for _, code := range []string{"YSF-321", "DRAFT", "GONE", "NOPE"} {
			wantStatus(t, anon.get("/calendar/"+code), http.StatusNotFound)
			wantStatus(t, anon.post("/calendar/"+code+"/register", url.Values{"name": {"张三"}}), http.StatusNotFound)
		}
		// Held: shown, no form.
		r := anon.get("/calendar/YSF-319")
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.body, `id="register-form"`) || !strings.Contains(r.body, `id="register-closed"`) {
			t.Errorf("a held activity offers registration")
		}
		r = anon.get("/calendar/YSF-320")
		wantStatus(t, r, http.StatusOK)
		for _, want := range []string{`id="register-form"`, "伊春市人民政府", "主论坛", "报告厅", `href="/series/YSF"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		if strings.Contains(r.body, `id="checkin"`) || strings.Contains(r.body, `id="activity-counts"`) {
			t.Errorf("the public page shows the desk's tools")
		}
		// An empty name: the form again, with the error.
		r = anon.post("/calendar/YSF-320/register", url.Values{"employer": {"哈尔滨工业大学"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, `value="哈尔滨工业大学"`) || !strings.Contains(r.body, `class="error"`) {
			t.Errorf("the refused form keeps its values and says why: %.3000s", r.body)
		}
		r = anon.post("/calendar/YSF-320/register", url.Values{"name": {"张三"}, "employer": {"哈尔滨工业大学"}, "country": {"中国"}})
		wantStatus(t, r, http.StatusCreated)
		ref := regexp.MustCompile(`id="register-reference">([A-Z0-9-]+)<`).FindStringSubmatch(r.body)
		link := regexp.MustCompile(`id="register-link" href="(/registrations/[A-Z0-9]+)"`).FindStringSubmatch(r.body)
		if ref == nil || link == nil || !referenceRE.MatchString(ref[1]) {
			t.Fatalf("registered: no reference or link: %.3000s", r.body)
		}
		// One place: the second is waitlisted.
		r = anon.post("/calendar/YSF-320/register", url.Values{"name": {"李四"}})
		wantStatus(t, r, http.StatusCreated)
		link2 := regexp.MustCompile(`id="register-link" href="(/registrations/[A-Z0-9]+)"`).FindStringSubmatch(r.body)
		if link2 == nil || !strings.Contains(r.body, "候补") {
			t.Fatalf("second registration: %.3000s", r.body)
		}

		r = anon.get(link[1])
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, ref[1]) || !strings.Contains(r.body, `id="reg-qr"`) || !strings.Contains(r.body, `id="reg-badge"`) {
			t.Errorf("registration page: %.3000s", r.body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("registration page cached: %q", r.Header.Get("Cache-Control"))
		}
		if r := anon.get(link2[1]); strings.Contains(r.body, `id="reg-qr"`) {
			t.Errorf("a waitlisted registration shows a QR code")
		}
		wantStatus(t, anon.get(link2[1]+"/qr.png"), http.StatusConflict)

		// The QR code is a PNG; the badge a PDF with the name and reference.
		r = anon.get(link[1] + "/qr.png")
		wantStatus(t, r, http.StatusOK)
		if _, err := png.Decode(bytes.NewReader([]byte(r.body))); err != nil {
			t.Errorf("QR code: %v", err)
		}
		r = anon.get(link[1] + "/badge.pdf")
		wantStatus(t, r, http.StatusOK)
		if txt := pdfText(t, r.body); !strings.Contains(txt, "张三") || !strings.Contains(txt, ref[1]) || !strings.Contains(txt, "报名编号") {
			t.Errorf("badge text: %q", txt)
		}

		// Cancelling: the button asks first; only the confirming POST
		// cancels, and the waitlisted one gets the place.
		r = anon.get(link[1] + "?confirm=cancel")
		if !strings.Contains(r.body, `id="reg-cancel-form"`) {
			t.Fatalf("no confirmation form")
		}
		if strings.Contains(anon.get(link[1]).body, `id="reg-cancel-form"`) {
			t.Errorf("the cancelling form shows before it is asked for")
		}
		r = anon.post(link[1]+"/cancel", nil)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `id="reg-cancelled"`) || strings.Contains(r.body, `id="reg-cancel"`) {
			t.Errorf("after cancelling: %.3000s", r.body)
		}
		if r := anon.get(link2[1]); !strings.Contains(r.body, `id="reg-qr"`) {
			t.Errorf("the waitlisted registration was not promoted")
		}
		wantStatus(t, anon.get("/registrations/NOTATOKEN"), http.StatusNotFound)
	})
}

// TestActivitiesPublicSessionRegistration: a session with places of its
// own is offered on the public form, with the places left; registering for
// it takes one of its places (the next person waits), and a session that
// is not the activity's is refused.
func TestActivitiesPublicSessionRegistration(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.db.Activities.Create(ctx, e.setup, activities.Input{Code: "WS", Kind: "training", Category: "training", TitleZH: "培训", Starts: "2025-05-16",
			Public: true, Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "A"}}})
		dbtest.Must(t, err)
		sid, err := e.db.Activities.AddSession(ctx, e.setup, "WS", activities.SessionInput{TitleZH: "实操课", Room: "机房", Starts: "2025-05-16 09:00",
			Ends: "2025-05-16 11:00", Capacity: 1})
		dbtest.Must(t, err)
		_, err = e.db.Activities.AddSession(ctx, e.setup, "WS", activities.SessionInput{TitleZH: "讲座", Room: "礼堂", Starts: "2025-05-16 09:00", Ends: "2025-05-16 11:00"})
		dbtest.Must(t, err)
		for _, s := range []string{"published", "registration_open"} {
			dbtest.Must(t, e.db.Activities.SetStatus(ctx, e.setup, "WS", s))
		}
		anon := e.client()
		r := anon.get("/calendar/WS")
		if !strings.Contains(r.body, `id="register-session"`) || !strings.Contains(r.body, "实操课") || strings.Contains(r.body, `>05-16 09:00 讲座`) {
			t.Fatalf("the form's sessions: %.4000s", r.body)
		}
		id := fmt.Sprint(sid)
		wantStatus(t, anon.post("/calendar/WS/register", url.Values{"name": {"甲"}, "session_id": {id}}), http.StatusCreated)
		r = anon.post("/calendar/WS/register", url.Values{"name": {"乙"}, "session_id": {id}})
		wantStatus(t, r, http.StatusCreated)
		if !strings.Contains(r.body, "候补") {
			t.Errorf("the session's one place is taken: the second should wait")
		}
		wantStatus(t, anon.post("/calendar/WS/register", url.Values{"name": {"丙"}, "session_id": {"999999"}}), http.StatusBadRequest)
		a, _ := e.db.Activities.ByCode(ctx, "WS")
		ss, _ := e.db.Activities.Sessions(ctx, a.ID)
		if ss[0].Confirmed+ss[1].Confirmed != 1 || a.Confirmed != 1 {
			t.Errorf("places: activity %d, sessions %d %d", a.Confirmed, ss[0].Confirmed, ss[1].Confirmed)
		}
	})
}

// TestActivityRegistrationRateLimit: a visitor's address registers at most
// 20 times an hour, by the API or the form; the next is refused with 429
// and says so in the caller's language, while another address and staff
// (who answer under their names) still register.
func TestActivityRegistrationRateLimit(t *testing.T) {
	cfg := web.DefaultConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	e := newEnvWith(t, dbtest.OpenSQLite(t, dbtest.Options{}), cfg)
	publicFixture(t, e)
	from := func(addr, lang, path, contentType, body string) resp {
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Forwarded-For", addr)
		req.Header.Set("Accept-Language", lang)
		// Cross-site protection lets a same-origin form through.
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		return e.client().do(req)
	}
	api := func(addr, lang string) resp {
		return from(addr, lang, "/api/v1/activities/YSF-320/registrations", "application/json", `{"name":"访客"}`)
	}
	for i := range 20 {
		if r := api("198.51.100.7", "en"); r.StatusCode != http.StatusCreated {
			t.Fatalf("registration %d: %d %s", i+1, r.StatusCode, r.body)
		}
	}
	r := api("198.51.100.7", "en")
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, "Too many registrations from your address") {
		t.Errorf("the refusal in English: %s", r.body)
	}
	r = api("198.51.100.7", "zh-Hans")
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, "报名次数过多") {
		t.Errorf("the refusal in Chinese: %s", r.body)
	}
	// The form from the same address: the page again, saying why.
	anon := e.client()
	anon.get("/calendar/YSF-320")
	form := url.Values{"name": {"张三"}, "csrf_token": {anon.csrf}}
	req, _ := http.NewRequest("POST", e.ts.URL+"/calendar/YSF-320/register", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	req.Header.Set("Accept-Language", "zh-Hans")
	r = anon.do(req)
	wantStatus(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.body, "报名次数过多") || !strings.Contains(r.body, `value="张三"`) {
		t.Errorf("the refused form: %.3000s", r.body)
	}
	wantStatus(t, api("198.51.100.8", "en"), http.StatusCreated)
	staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
	for range 3 {
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/activities/YSF-320/registrations", strings.NewReader(`{"name":"代报名"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		req.Header.Set("Authorization", "Bearer "+staff)
		wantStatus(t, e.client().do(req), http.StatusCreated)
	}
}

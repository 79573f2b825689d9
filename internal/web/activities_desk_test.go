package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestActivityDeskAPI: staff list the registrations (paged, by status,
// with the total), approve and reject pending ones (an approval takes a
// place if one remains, else waits), cancel one by reference (the first
// waitlisted moves up), register a list from a CSV file (members by number,
// others by name; refused rows reported with their lines; a dry run keeps
// nothing), add a check-in list, and read the history.
func TestActivityDeskAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "M1", OrgCode: "A", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"},
		}, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		c, anon := e.client(), e.client()
		newForum(t, e, call, staff, "T", 1, true)
		var refs []string
		for _, n := range []string{"甲", "乙", "丙"} {
			var g struct{ Reference, Status string }
			call(anon, "POST", "/api/v1/activities/T/registrations", "", map[string]any{"name": n}).json(t, &g)
			if g.Status != "pending" {
				t.Fatalf("registration needing approval: %+v", g)
			}
			refs = append(refs, g.Reference)
		}
		r := call(c, "GET", "/api/v1/activities/T/registrations?status=pending&limit=2", staff, nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "registrations", "total")
		var l struct {
			Registrations []map[string]any
			Total         int
		}
		r.json(t, &l)
		if l.Total != 3 || len(l.Registrations) != 2 || l.Registrations[0]["reference"] != refs[0] || l.Registrations[0]["name"] != "甲" {
			t.Errorf("pending: %s", r.body)
		}
		wantError(t, call(c, "GET", "/api/v1/activities/T/registrations", staffB, nil), http.StatusNotFound, kexie.CodeNotFound)
		wantError(t, call(c, "GET", "/api/v1/activities/T/registrations?status=lost", staff, nil), http.StatusBadRequest, kexie.CodeInvalid)

		decide := func(ref, action, want string) {
			t.Helper()
			r := call(c, "POST", "/api/v1/activities/T/registrations/"+ref+"/"+action, staff, nil)
			wantStatus(t, r, http.StatusOK)
			wantKeys(t, r, "reference", "status")
			var g struct{ Reference, Status string }
			r.json(t, &g)
			if g.Status != want || g.Reference != ref {
				t.Errorf("%s %s: %+v, want %s", action, ref, g, want)
			}
		}
		decide(refs[0], "approve", "confirmed")
		decide(refs[1], "approve", "waitlisted") // one place
		decide(refs[2], "reject", "rejected")
		wantError(t, call(c, "POST", "/api/v1/activities/T/registrations/"+refs[2]+"/approve", staff, nil), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/T/registrations/ZZZZ-ZZZZ/cancel", staff, nil), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "POST", "/api/v1/activities/T/registrations/"+refs[0]+"/cancel", staffB, nil), http.StatusNotFound, kexie.CodeNotFound)
		decide(refs[0], "cancel", "cancelled")
		r = call(c, "GET", "/api/v1/activities/T/registrations?status=confirmed", staff, nil)
		r.json(t, &l)
		if l.Total != 1 || l.Registrations[0]["reference"] != refs[1] {
			t.Errorf("after the cancellation the waitlisted one holds the place: %s", r.body)
		}

		// A list from a file: a member, an outside person, a member twice,
		// an unknown member, a nameless row.
		newForum(t, e, call, staff, "L", 0, false)
		csv := "org_code,member_no,name,employer,country\nA,M1,,,\n,,李雷,哈尔滨工业大学,CN\nA,M1,,,\nA,M9,,,\n,,,某单位,\n"
		post := func(q string) resp {
			req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/activities/L/registration-list"+q, strings.NewReader(csv))
			req.Header.Set("Authorization", "Bearer "+staff)
			req.Header.Set("Content-Type", "text/csv")
			return c.do(req)
		}
		var out struct {
			Read       int
			Registered []struct{ Reference, Status, Name string }
			Rejected   []struct {
				Line   int
				Reason string
			}
		}
		r = post("?dry_run=true")
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "read", "registered", "rejected")
		r.json(t, &out)
		if out.Read != 5 || len(out.Registered) != 2 || len(out.Rejected) != 3 || out.Rejected[0].Line != 4 || out.Rejected[2].Line != 6 || out.Registered[0].Name != "王芳" {
			t.Errorf("dry run: %s", r.body)
		}
		if a, _ := e.db.Activities.ByCode(ctx, "L"); a.Confirmed != 0 {
			t.Errorf("the dry run kept %d places", a.Confirmed)
		}
		r = post("")
		r.json(t, &out)
		if len(out.Registered) != 2 || out.Registered[1].Status != "confirmed" {
			t.Errorf("list: %s", r.body)
		}

		// A list per day, once a day; the history.
		r = call(c, "POST", "/api/v1/activities/L/checkin-lists", staff, map[string]any{"name": "daily", "policy": "once_daily"})
		wantStatus(t, r, http.StatusCreated)
		wantError(t, call(c, "POST", "/api/v1/activities/L/checkin-lists", staff, map[string]any{"name": "daily", "policy": "once"}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "POST", "/api/v1/activities/L/checkin-lists", staff, map[string]any{"name": "x", "policy": "sometimes"}), http.StatusBadRequest, kexie.CodeInvalid)
		for _, list := range []string{"daily", "daily", "main"} {
			wantStatus(t, call(c, "POST", "/api/v1/activities/L/checkins", staff, map[string]any{"code": out.Registered[0].Reference, "list": list}), http.StatusCreated)
		}
		r = call(c, "GET", "/api/v1/activities/L/checkins?limit=2", staff, nil)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "checkins", "total")
		var h struct {
			Checkins []map[string]any
			Total    int
		}
		r.json(t, &h)
		if h.Total != 3 || len(h.Checkins) != 2 || h.Checkins[0]["list"] != "main" || h.Checkins[1]["result"] != "duplicate" || h.Checkins[0]["scanned_by"] != "staff.a" {
			t.Errorf("history: %s", r.body)
		}
	})
}

// TestActivityProgrammeFile: a programme file through the API (CSV body)
// and through the editing page (an upload, previewed first).
func TestActivityProgrammeFile(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		e.user("desk.a", kexie.RoleStaff, e.a)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		newForum(t, e, call, staff, "P", 0, false)
		file := "kind,session_title_zh,room,starts,ends,title,speakers,paper\n" +
			"plenary,开幕式,主会场,2025-05-16 09:00,2025-05-16 10:00,致辞,王芳,\n" +
			",,主会场,2025-05-16 09:00,2025-05-16 10:00,主旨报告,李娜,是\n" +
			"休息,茶歇,,2025-05-16 10:00,2025-05-16 10:30,,,\n" +
			"parallel,冲突,主会场,2025-05-16 10:15,2025-05-16 11:00,,,\n"
		c := e.client()
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/activities/P/programme-file?dry_run=true", strings.NewReader(file))
		req.Header.Set("Authorization", "Bearer "+staff)
		req.Header.Set("Content-Type", "text/csv")
		r := c.do(req)
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "read", "sessions", "breaks", "contributions", "rejected")
		var out struct {
			Read, Sessions, Breaks, Contributions int
			Rejected                              []struct {
				Line   int
				Reason string
			}
		}
		r.json(t, &out)
		if out.Read != 4 || out.Sessions != 1 || out.Breaks != 1 || out.Contributions != 2 || len(out.Rejected) != 1 || out.Rejected[0].Line != 5 {
			t.Errorf("dry run: %s", r.body)
		}

		// The page: a preview, confirmed without choosing the file again.
		pc := e.client()
		pc.lang = "en"
		pc.mustLogin("desk.a")
		pc.get("/activities/P/edit")
		var pbody bytes.Buffer
		pmw := multipart.NewWriter(&pbody)
		_ = pmw.WriteField("csrf_token", pc.csrf)
		_ = pmw.WriteField("dry_run", "on")
		pfw, _ := pmw.CreateFormFile("file", "programme.csv")
		_, _ = pfw.Write([]byte(file))
		_ = pmw.Close()
		req, _ = http.NewRequest("POST", e.ts.URL+"/activities/P/programme-file", &pbody)
		req.Header.Set("Content-Type", pmw.FormDataContentType())
		r = pc.do(req)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `id="programme-confirm"`) {
			t.Fatalf("the preview offers no confirmation: %.3000s", r.body)
		}
		a, _ := e.db.Activities.ByCode(ctx, "P")
		if ss, _ := e.db.Activities.Sessions(ctx, a.ID); len(ss) != 0 {
			t.Fatal("the preview wrote")
		}
		r = pc.post("/activities/P/programme-file", url.Values{"file_data": {hidden(t, r.body, "file_data")}, "file_name": {hidden(t, r.body, "file_name")},
			"previewed": {hidden(t, r.body, "previewed")}})
		wantStatus(t, r, http.StatusOK)
		ss, _ := e.db.Activities.Sessions(ctx, a.ID)
		bs, _ := e.db.Activities.Breaks(ctx, a.ID)
		if len(ss) != 1 || len(bs) != 1 || strings.Contains(r.body, `id="programme-confirm"`) {
			t.Fatalf("after the confirmation: %d sessions, %d breaks", len(ss), len(bs))
		}
		// Another activity's page, and a direct upload: kept when not a
		// preview.
		newForum(t, e, call, staff, "P2", 0, false)
		pc.get("/activities/P2/edit")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", pc.csrf)
		fw, _ := mw.CreateFormFile("file", "programme.csv")
		_, _ = fw.Write([]byte(file))
		_ = mw.Close()
		req, _ = http.NewRequest("POST", e.ts.URL+"/activities/P2/programme-file", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r = pc.do(req)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `id="programme-imported"`) {
			t.Fatalf("no outcome shown: %.3000s", r.body)
		}
		a, _ = e.db.Activities.ByCode(ctx, "P2")
		ss, _ = e.db.Activities.Sessions(ctx, a.ID)
		bs, _ = e.db.Activities.Breaks(ctx, a.ID)
		if len(ss) != 1 || len(bs) != 1 {
			t.Errorf("after the upload: %d sessions, %d breaks", len(ss), len(bs))
		}
		// The programme lists each session's contributions with their
		// speakers (records from the file's column) and a paper's mark.
		pc.lang = "zh-Hans"
		r = pc.get("/activities/P")
		wantStatus(t, r, http.StatusOK)
		prog := r.body[strings.Index(r.body, `class="programme"`):]
		for _, want := range []string{`class="contributions"`, "致辞", "王芳", "主旨报告", "李娜", `class="paper">论文<`} {
			if !strings.Contains(prog, want) {
				t.Errorf("the programme lacks %q: %.3000s", want, prog)
			}
		}
		if strings.Count(prog, `class="paper"`) != 1 {
			t.Errorf("one contribution has a paper: %.3000s", prog)
		}
		var doc struct {
			Programme struct {
				Days []struct {
					Rows []struct {
						Cells []struct {
							Session *struct {
								Contributions []struct {
									Title    string
									Paper    bool
									Speakers []struct{ Name string }
								}
							}
						}
					}
				}
			}
		}
		call(c, "GET", "/api/v1/activities/P", staff, nil).json(t, &doc)
		var titles []string
		for _, d := range doc.Programme.Days {
			for _, row := range d.Rows {
				for _, cell := range row.Cells {
					if cell.Session != nil {
						for _, x := range cell.Session.Contributions {
							titles = append(titles, fmt.Sprint(x.Title, x.Paper, len(x.Speakers)))
						}
					}
				}
			}
		}
		if fmt.Sprint(titles) != "[致辞false 1 主旨报告true 1]" {
			t.Errorf("the API's programme: contributions %v", titles)
		}
	})
}

// TestActivityRegistrationFilePage: staff register a list of people from
// the editing page: a preview first (the names with the status each would
// get and the refused lines, nothing kept), then the list itself, under
// the same rules as the API (one place: the second waits).
func TestActivityRegistrationFilePage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		e.user("desk.a", kexie.RoleStaff, e.a)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		newForum(t, e, call, staff, "RL", 1, false)
		file := "org_code,member_no,name,employer,country\n,,李雷,哈尔滨工业大学,CN\n,,韩梅梅,,\nA,M9,,,\n"
		pc := e.client()
		pc.lang = "zh-Hans"
		pc.mustLogin("desk.a")
		r := pc.get("/activities/RL/edit")
		if !strings.Contains(r.body, `id="list-form"`) || !strings.Contains(r.body, "member_no") {
			t.Fatalf("the editing page has no list upload: %.3000s", r.body)
		}
		upload := func(preview bool) resp {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("csrf_token", pc.csrf)
			if preview {
				_ = mw.WriteField("dry_run", "on")
			}
			fw, _ := mw.CreateFormFile("file", "list.csv")
			_, _ = fw.Write([]byte(file))
			_ = mw.Close()
			req, _ := http.NewRequest("POST", e.ts.URL+"/activities/RL/registration-file", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return pc.do(req)
		}
		r = upload(true)
		wantStatus(t, r, http.StatusOK)
		for _, want := range []string{`id="list-preview"`, "预览", "李雷", "韩梅梅", "候补", "第 4 行"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the preview lacks %q: %.4000s", want, r.body)
			}
		}
		if a, _ := e.db.Activities.ByCode(ctx, "RL"); a.Confirmed != 0 {
			t.Fatalf("the preview kept %d places", a.Confirmed)
		}
		r = upload(false)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `id="list-registered"`) || strings.Contains(r.body, `id="list-preview"`) {
			t.Errorf("the list registered: %.4000s", r.body)
		}
		a, _ := e.db.Activities.ByCode(ctx, "RL")
		n, err := e.db.Activities.RegistrationCounts(ctx, a.ID)
		dbtest.Must(t, err)
		if n["confirmed"] != 1 || n["waitlisted"] != 1 {
			t.Errorf("stored: %v, want 1 confirmed, 1 waitlisted", n)
		}
		// Without a file: the page says so.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", pc.csrf)
		_ = mw.Close()
		req, _ := http.NewRequest("POST", e.ts.URL+"/activities/RL/registration-file", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		wantStatus(t, pc.do(req), http.StatusBadRequest)
	})
}

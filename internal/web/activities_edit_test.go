package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestActivitiesEditing: the record, the organisations and the programme
// change through the API (PUT, DELETE) and the pages; cancelling from the
// page asks to be confirmed first and only the confirming form cancels.
func TestActivitiesEditing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		e.user("staff.a", kexie.RoleStaff, e.a)
		staff := e.bearer(e.user("staff.a2", kexie.RoleStaff, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		c := e.client()
		newForum(t, e, call, staff, "F", 1, false)
		for i := 0; i < 2; i++ {
			wantStatus(t, call(c, "POST", "/api/v1/activities/F/registrations", staff, map[string]any{"name": "来宾"}), http.StatusCreated)
		}

		// PUT the record: more places confirm the waiting list.
		r := call(c, "PUT", "/api/v1/activities/F", staff, map[string]any{"kind": "seminar", "category": "training", "title_zh": "研讨会",
			"title_en": "Seminar", "starts": "2025-05-16", "ends": "2025-05-18", "public": true, "capacity": 2})
		wantStatus(t, r, http.StatusOK)
		var a struct {
			Code, Kind    string
			Ends          string
			Confirmed     int
			Organisations []map[string]any
		}
		r.json(t, &a)
		if a.Code != "F" || a.Kind != "seminar" || a.Ends != "2025-05-18" || a.Confirmed != 2 {
			t.Errorf("updated %+v", a)
		}
		wantError(t, call(c, "PUT", "/api/v1/activities/F", staff, map[string]any{"kind": "seminar", "category": "training", "title_zh": "研讨会",
			"starts": "2025-05-16", "capacity": 1}), http.StatusConflict, kexie.CodeConflict)
		wantError(t, call(c, "PUT", "/api/v1/activities/F", staff, map[string]any{"code": "G", "kind": "seminar", "category": "training", "title_zh": "x",
			"starts": "2025-05-16"}), http.StatusBadRequest, kexie.CodeInvalid)
		wantError(t, call(c, "PUT", "/api/v1/activities/F", staffB, map[string]any{"kind": "seminar"}), http.StatusNotFound, kexie.CodeNotFound)

		// Organisations: replaced in order.
		r = call(c, "PUT", "/api/v1/activities/F/organisations", staff, map[string]any{"organisations": []map[string]any{
			{"role": "sponsor", "org_code": "A"}, {"role": "co_sponsor", "name": "伊春市人民政府"}, {"role": "undertaker", "org_code": "A1"}}})
		wantStatus(t, r, http.StatusOK)
		r.json(t, &a)
		if len(a.Organisations) != 3 || a.Organisations[1]["name"] != "伊春市人民政府" || a.Organisations[2]["org_code"] != "A1" {
			t.Errorf("organisations %v", a.Organisations)
		}
		wantError(t, call(c, "PUT", "/api/v1/activities/F/organisations", staff, map[string]any{"organisations": []map[string]any{
			{"role": "sponsor", "name": "某公司"}}}), http.StatusBadRequest, kexie.CodeInvalid)

		// Sessions and breaks.
		var id struct{ ID int64 }
		call(c, "POST", "/api/v1/activities/F/sessions", staff, map[string]any{"title_zh": "分会场", "room": "1", "starts": "2025-05-18 09:00", "ends": "2025-05-18 10:00"}).json(t, &id)
		sid := itoa(id.ID)
		r = call(c, "PUT", "/api/v1/activities/F/sessions/"+sid, staff, map[string]any{"title_zh": "分会场（改）", "room": "2", "starts": "2025-05-18 09:00", "ends": "2025-05-18 11:00"})
		wantStatus(t, r, http.StatusOK)
		wantKeys(t, r, "id")
		call(c, "POST", "/api/v1/activities/F/breaks", staff, map[string]any{"title_zh": "午餐", "starts": "2025-05-18 12:00", "ends": "2025-05-18 13:00"}).json(t, &id)
		wantStatus(t, call(c, "DELETE", "/api/v1/activities/F/breaks/"+itoa(id.ID), staff, nil), http.StatusNoContent)
		wantError(t, call(c, "DELETE", "/api/v1/activities/F/breaks/"+itoa(id.ID), staff, nil), http.StatusNotFound, kexie.CodeNotFound)
		wantStatus(t, call(c, "DELETE", "/api/v1/activities/F/sessions/"+sid, staff, nil), http.StatusNoContent)
		wantError(t, call(c, "DELETE", "/api/v1/activities/F/sessions/x", staff, nil), http.StatusBadRequest, kexie.CodeInvalid)

		// The pages.
		pc := e.client()
		pc.mustLogin("staff.a")
		r = pc.get("/activities/F")
		if !strings.Contains(r.body, `href="/activities/F/edit"`) {
			t.Errorf("the activity page does not lead to its editing")
		}
		r = pc.get("/activities/F/edit")
		wantStatus(t, r, http.StatusOK)
		r = pc.post("/activities/F/sessions", url.Values{"kind": {"plenary"}, "title_zh": {"开幕式"}, "room": {"报告厅"}, "starts": {"2025-05-16 09:00"}, "ends": {"2025-05-16 10:00"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = pc.post("/activities/F/breaks", url.Values{"title_zh": {"茶歇"}, "starts": {"2025-05-16 09:30"}, "ends": {"2025-05-16 10:00"}})
		wantStatus(t, r, http.StatusConflict) // during the opening: the page again, saying why
		if !strings.Contains(r.body, `class="error"`) {
			t.Errorf("a refused break: no error shown")
		}
		r = pc.post("/activities/F/organisations", url.Values{"role_0": {"sponsor"}, "org_0": {"A"}, "name_0": {""}, "role_1": {"organiser"}, "org_1": {""}, "name_1": {"哈尔滨工程大学"}, "role_2": {""}})
		wantStatus(t, r, http.StatusSeeOther)
		r = pc.post("/activities/F/edit", url.Values{"kind": {"forum"}, "category": {"academic"}, "title_zh": {"论坛"}, "starts": {"2025-05-16"}, "ends": {"2025-05-18"},
			"mode": {"in_person"}, "capacity": {"5"}, "public": {"on"}})
		wantStatus(t, r, http.StatusSeeOther)
		got, err := e.db.Activities.ByCode(ctx, "F")
		if err != nil || got.TitleZH != "论坛" || got.TitleEN != "" || got.Capacity != 5 || len(got.Roles) != 2 || got.Roles[1].Name != "哈尔滨工程大学" {
			t.Errorf("after the pages' edits: %v %+v", err, got)
		}

		// Cancelling: asked first; nothing changes until confirmed.
		r = pc.post("/activities/F/status", url.Values{"status": {"cancelled"}})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `id="cancel-confirm-form"`) {
			t.Fatalf("no confirmation asked: %.2000s", r.body)
		}
		if got, _ := e.db.Activities.ByCode(ctx, "F"); got.Status != "registration_open" {
			t.Fatalf("cancelled before the confirmation: %s", got.Status)
		}
		r = pc.post("/activities/F/status", url.Values{"status": {"cancelled"}, "confirm": {"yes"}})
		wantStatus(t, r, http.StatusSeeOther)
		if got, _ := e.db.Activities.ByCode(ctx, "F"); got.Status != "cancelled" {
			t.Fatalf("after the confirmation: %s", got.Status)
		}
		r = pc.get("/activities/F/edit")
		if strings.Contains(r.body, `id="status-form"`) {
			t.Errorf("a cancelled activity still offers moves")
		}
	})
}

// TestActivityCheckinHistoryPage: every scan is listed, newest first, with
// the answer, who scanned, and an offline scan's upload; the total counts
// them all; staff elsewhere find nothing.
func TestActivityCheckinHistoryPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		call := newAPIDoc(t, e)
		e.user("desk.a", kexie.RoleStaff, e.a)
		e.user("staff.b", kexie.RoleStaff, e.b)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		c := e.client()
		newForum(t, e, call, staff, "F", 0, false)
		var g struct{ Reference string }
		call(c, "POST", "/api/v1/activities/F/registrations", staff, map[string]any{"name": "王芳"}).json(t, &g)
		wantStatus(t, call(c, "POST", "/api/v1/activities/F/checkins", staff, map[string]any{"code": g.Reference, "offline": true,
			"at": "2025-05-16 08:05", "nonce": "n1"}), http.StatusCreated)
		pc := e.client()
		pc.mustLogin("desk.a")
		r := pc.post("/activities/F/checkin", url.Values{"code": {g.Reference}, "list": {"main"}})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "08:05") {
			t.Errorf("the second scan does not say when the first was: %.2000s", r.body)
		}
		r = pc.get("/activities/F/checkins")
		wantStatus(t, r, http.StatusOK)
		body := r.body
		if !strings.Contains(body, `id="history-total"`) || !strings.Contains(body, "2") {
			t.Errorf("no total")
		}
		dup, first := strings.Index(body, `class="duplicate"`), strings.Index(body, `class="checked_in"`)
		if dup < 0 || first < 0 || dup > first {
			t.Errorf("history: the duplicate (newest) first, then the check-in: %.4000s", body)
		}
		if !strings.Contains(body, "2025-05-16 08:05:00") || !strings.Contains(body, "desk.a") || !strings.Contains(body, "staff.a") {
			t.Errorf("history lacks the offline time or who scanned: %.4000s", body)
		}
		pb := e.client()
		pb.mustLogin("staff.b")
		wantStatus(t, pb.get("/activities/F/checkins"), http.StatusNotFound)
	})
}

// TestActivitiesListAndNew: staff find their activities — drafts and
// internal ones too — from the menu, paged with the total, and enter a new
// one as a draft through its page; staff elsewhere see none of them.
func TestActivitiesListAndNew(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("staff.b", kexie.RoleStaff, e.b)
		pc := e.client()
		pc.mustLogin("staff.a")
		r := pc.get("/")
		if !strings.Contains(r.body, `href="/activities"`) {
			t.Errorf("the menu does not lead staff to the activities")
		}
		r = pc.get("/activities/new")
		wantStatus(t, r, http.StatusOK)
		r = pc.post("/activities/new", url.Values{"org": {"A1"}, "code": {"SEM-1"}, "kind": {"seminar"}, "category": {"training"}, "title_zh": {"培训班"},
			"starts": {"2025-03-01"}, "mode": {"online"}, "capacity": {"40"}})
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/activities/SEM-1/edit") {
			t.Errorf("after creating: %s", loc)
		}
		a, err := e.db.Activities.ByCode(ctx, "SEM-1")
		if err != nil || a.Status != "draft" || a.OrgCode != "A1" || a.Capacity != 40 || a.Public {
			t.Errorf("created %+v (%v)", a, err)
		}
		r = pc.post("/activities/new", url.Values{"org": {"B"}, "code": {"SEM-2"}, "kind": {"seminar"}, "category": {"training"}, "title_zh": {"培训班"},
			"starts": {"2025-03-01"}})
		wantStatus(t, r, http.StatusNotFound)
		if !strings.Contains(r.body, `value="SEM-2"`) {
			t.Errorf("the refused form lost what was typed")
		}
		r = pc.get("/activities?status=draft")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, `href="/activities/SEM-1"`) || !strings.Contains(r.body, `id="new-activity"`) {
			t.Errorf("the list: %.3000s", r.body)
		}
		pb := e.client()
		pb.mustLogin("staff.b")
		if r := pb.get("/activities"); strings.Contains(r.body, "SEM-1") {
			t.Errorf("staff of B see A1's draft")
		}
	})
}

// TestActivityFiguresPages: the editing page records anonymous counts,
// exhibitors and teams, and says what is recorded; a booth taken twice is
// refused on the page.
func TestActivityFiguresPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("staff.a", kexie.RoleStaff, e.a)
		_, err := e.db.Activities.Create(ctx, e.setup, activities.Input{Code: "FAIR", Kind: "science_fair", Category: "popularisation", TitleZH: "科普集市",
			Starts: "2018-09-15", Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "A"}}})
		dbtest.Must(t, err)
		pc := e.client()
		pc.mustLogin("staff.a")
		pc.get("/activities/FAIR/edit")
		wantStatus(t, pc.post("/activities/FAIR/reach", url.Values{"people": {"1000000"}, "method": {"入场计数"}}), http.StatusSeeOther)
		wantStatus(t, pc.post("/activities/FAIR/exhibitors", url.Values{"booth": {"01"}, "name": {"拜泉县农业局"}, "theme": {"绿色农资"}}), http.StatusSeeOther)
		wantStatus(t, pc.post("/activities/FAIR/teams", url.Values{"name": {"甲队"}, "school": {"哈尔滨市第一中学"}, "prize_grade": {"一等奖"}}), http.StatusSeeOther)
		r := pc.post("/activities/FAIR/exhibitors", url.Values{"booth": {"01"}, "org_code": {"B"}})
		wantStatus(t, r, http.StatusConflict)
		if !strings.Contains(r.body, `class="error"`) {
			t.Errorf("a booth taken twice: no error shown")
		}
		wantStatus(t, pc.post("/activities/FAIR/reach", url.Values{"people": {"many"}, "method": {"估计"}}), http.StatusBadRequest)
		r = pc.get("/activities/FAIR/edit")
		if !strings.Contains(r.body, "1000000") || !strings.Contains(r.body, `id="figures-recorded"`) {
			t.Errorf("recorded figures: %.3000s", r.body)
		}
		a, _ := e.db.Activities.ByCode(ctx, "FAIR")
		rec, _ := e.db.Activities.RecordedOf(ctx, a.ID)
		if rec.Reached != 1_000_000 || rec.Exhibitors != 1 || rec.Teams != 1 {
			t.Errorf("recorded %+v", rec)
		}
	})
}

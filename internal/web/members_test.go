package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

func TestMembersPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		cfg := web.DefaultConfig()
		cfg.Sealer = sl
		e := newEnvWith(t, db, cfg)
		mk := func(no, org, name, pinyin, id string) kexie.MemberRecord {
			m := kexie.MemberRecord{MemberNo: no, OrgCode: org, Type: "individual", Name: name, Pinyin: pinyin, Status: "active", Joined: "2020-01-01", Employer: "哈尔滨工业大学"}
			if id != "" {
				m.IDType, m.IDNumber = "resident_id", id
			}
			return m
		}
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			mk("A-1", "A", "王芳", "wangfang", "11010519491231002X"), mk("A1-1", "A1", "曾小明", "zengxiaoming", ""), mk("B-1", "B", "王芳", "wangfang", ""),
		}, sl), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		// Two-character name, pinyin, initials: A's subtree only.
		for _, q := range []string{"王芳", "wangfang", "wf"} {
			r := c.get("/members?q=" + url.QueryEscape(q))
			if b := r.body; !strings.Contains(b, "A-1") || strings.Contains(b, "B-1") {
				t.Errorf("search %q: wrong members (%d): %.600s", q, r.StatusCode, b)
			}
		}
		if b := c.get("/members?q=" + url.QueryEscape("zxm")).body; !strings.Contains(b, "A1-1") {
			t.Error("initials of 曾小明 (given pinyin zeng) not found")
		}
		wantStatus(t, c.get("/members?org=B"), http.StatusNotFound)
		var list struct {
			Members []struct {
				ID       int64
				MemberNo string `json:"member_no"`
			}
		}
		c.api("GET", "/api/v1/members?q=wangfang", "", nil).json(t, &list)
		if len(list.Members) != 1 || list.Members[0].MemberNo != "A-1" {
			t.Fatalf("API search: %+v", list)
		}
		id := itoa(list.Members[0].ID)
		// The record shows the ID masked; revealing needs a reason, is audited.
		p := c.get("/members/" + id)
		if !strings.Contains(p.body, "110105************") || strings.Contains(p.body, "11010519491231002X") {
			t.Fatal("record page: ID not masked")
		}
		wantStatus(t, c.post("/members/"+id+"/reveal", url.Values{"reason": {""}}), http.StatusBadRequest)
		r := c.post("/members/"+id+"/reveal", url.Values{"reason": {"certificate check"}})
		if !strings.Contains(r.body, "11010519491231002X") {
			t.Fatal("reveal did not show the number")
		}
		es, _ := e.db.Audit(ctx, dbtest.System, sqldb.AuditFilter{Action: "member.reveal_id"})
		_ = es
		// Expulsion needs a resolution; dues keep last_dues_paid.
		r = c.post("/members/"+id+"/status", url.Values{"status": {"expelled"}, "date": {"2026-11-20"}, "reason": {"违反章程"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, `value="违反章程"`) {
			t.Error("the status form lost its input")
		}
		wantStatus(t, c.post("/members/"+id+"/dues", url.Values{"date": {"2026-03-01"}, "amount": {"50.5"}, "period": {"2026"}}), http.StatusSeeOther)
		wantStatus(t, c.post("/members/"+id+"/dues", url.Values{"date": {"2026-03-01"}, "amount": {"-1"}}), http.StatusBadRequest)
		m, _ := e.db.Membership.MemberByID(ctx, list.Members[0].ID)
		if m.Record.LastDuesPaid != "2026-03-01" {
			t.Fatalf("last dues %q", m.Record.LastDuesPaid)
		}
		wantStatus(t, c.post("/members/"+id+"/status", url.Values{"status": {"expelled"}, "date": {"2026-11-20"}, "resolution": {"第九届常务理事会第3次会议决议"}}), http.StatusSeeOther)
		if b := c.get("/members/" + id).body; !strings.Contains(b, "Expelled") || !strings.Contains(b, "第九届常务理事会第3次会议决议") {
			t.Fatal("expulsion not shown with its resolution")
		}
		// Lapse review: A1-1 joined 2020 and never paid: lapses as of 2026.
		l := c.get("/lapse?as_of=2026-11-20")
		if !strings.Contains(l.body, "A1-1") || strings.Contains(l.body, "B-1") {
			t.Fatalf("lapse review list (%d): %.600s", l.StatusCode, l.body)
		}
		wantStatus(t, c.post("/lapse", url.Values{"as_of": {"2026-11-20"}}), http.StatusOK)
		if m, _ := e.db.Membership.SearchMembers(ctx, dbtest.System, membership.MemberFilter{Q: "A1-1"}, 0, 10); len(m) > 0 {
			_ = m
		}
		// Another subtree's member: not found.
		c.api("GET", "/api/v1/members?q=B-1", "", nil).json(t, &list)
		if len(list.Members) != 0 {
			t.Fatal("staff of A see B's member")
		}
		n, err := e.db.VerifyAudit(ctx, nil)
		if err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

// TestMemberSeesOnlyOwnRecord: an account linked to a member, with no
// role, sees its own memberships and nothing of the register.
func TestMemberSeesOnlyOwnRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "A-1", OrgCode: "A", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"},
			{MemberNo: "A-2", OrgCode: "A", Type: "individual", Name: "李娜", Status: "active", Joined: "2020-01-01"},
		}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.db.Access.CreateUser(ctx, e.setup, access.NewUser{Username: "wang.fang", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		own, _ := e.db.Membership.MemberByOrgNo(ctx, "A", "A-1")
		other, _ := e.db.Membership.MemberByOrgNo(ctx, "A", "A-2")
		if err := e.db.Membership.LinkMemberAccount(ctx, e.setup, u.ID, own.ID); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.lang = "en"
		c.mustLogin("wang.fang")
		b := c.get("/my/membership").body
		if !strings.Contains(b, "A-1") || strings.Contains(b, "A-2") {
			t.Fatal("own record page")
		}
		var mine struct {
			Members []struct {
				MemberNo string `json:"member_no"`
			}
		}
		c.api("GET", "/api/v1/me/memberships", "", nil).json(t, &mine)
		if len(mine.Members) != 1 || mine.Members[0].MemberNo != "A-1" {
			t.Fatalf("API own record: %+v", mine)
		}
		wantStatus(t, c.get("/members"), http.StatusForbidden)
		wantStatus(t, c.get("/members/"+itoa(own.ID)), http.StatusForbidden)
		wantStatus(t, c.api("GET", "/api/v1/members/"+itoa(other.ID), "", nil), http.StatusForbidden)
		wantStatus(t, c.get("/orgs/A"), http.StatusForbidden)
	})
}

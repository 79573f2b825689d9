package web_test

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// uploadMembers posts a member file to /import/members with the client's
// form token; previewed, when set, is the digest the confirm form carries.
func uploadMembers(c *client, name, content string, dry bool, previewed string) resp {
	c.e.t.Helper()
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", c.csrf)
	if dry {
		_ = mw.WriteField("dry_run", "1")
	}
	if previewed != "" {
		_ = mw.WriteField("previewed", previewed)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+"/import/members", strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// exported lists the stored members as "ORG/NO ID" (ID masked, or revealed
// when sl is given).
func exported(t *testing.T, e *env, sl *seal.Sealer) []string {
	t.Helper()
	var got []string
	x := membership.MemberExport{Reveal: sl != nil, Reason: "test", Sealer: sl}
	if _, err := e.db.Membership.ExportMembers(ctx, e.setup, x, func(m kexie.MemberRecord) error {
		got = append(got, m.OrgCode+"/"+m.MemberNo+" "+m.IDNumber)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

const memberImportFile = "member_no,org_code,type,name,id_type,id_number,joined,status\n" +
	"A-1,A,individual,王芳,resident_id,11010519491231002X,2020-01-01,active\n" + // A's: allowed, ID sealed
	"A1-1,A1,individual,曾小明,,,2020-01-01,active\n" + // below A: allowed
	"B-1,B,individual,李娜,,,2020-01-01,active\n" + // a sibling's: refused
	"A-2,A,planet,坏,,,2020-01-01,active\n" // a bad field: refused while reading

func TestImportMembersPreviewThenConfirm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		cfg := web.DefaultConfig()
		cfg.Sealer = sl
		e := newEnvWith(t, db, cfg)
		e.user("staff.a", kexie.RoleStaff, e.a)
		admin := e.user("sys", kexie.RoleSysAdmin, e.root)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		if b := c.get("/members").body; !strings.Contains(b, `href="/import/members"`) {
			t.Fatal("the members page does not offer the import to a user who may write")
		}
		wantStatus(t, c.get("/import/members"), http.StatusOK)

		// The preview writes nothing and offers to import the same file.
		r := uploadMembers(c, "members.csv", memberImportFile, true, "")
		wantStatus(t, r, http.StatusOK)
		const summary = "members: 4 read, 2 created, 0 updated, 0 unchanged, 2 rejected, 0 warnings"
		if !strings.Contains(r.body, summary) || !strings.Contains(r.body, "nothing was written") || !strings.Contains(r.body, `id="confirm-form"`) {
			t.Fatalf("preview: %s", r.body)
		}
		if !strings.Contains(r.body, "not permitted") || !strings.Contains(r.body, "Unknown member type planet.") {
			t.Fatalf("preview: rejected rows or their reasons missing: %s", r.body)
		}
		if strings.Contains(r.body, "11010519491231002X") {
			t.Fatal("the preview shows an identity number in clear")
		}
		if got := exported(t, e, nil); len(got) != 0 {
			t.Fatalf("the preview wrote: %v", got)
		}
		if es, _ := e.db.Audit(ctx, dbtest.As(admin.ID), sqldb.AuditFilter{Action: "member.import"}); len(es) != 0 {
			t.Fatal("the preview wrote an audit entry")
		}
		// The preview is confirmed without choosing the file again: the
		// server kept it, sealed (TestImportMembersKeptPreview).
		if strings.Contains(r.body, `name="previewed"`) || strings.Count(r.body, `type="file"`) != 1 {
			t.Fatalf("the confirmation asks for the file again: %s", r.body)
		}
		r = c.post("/import/members", url.Values{"stash": {hidden(t, r.body, "stash")}})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, summary) || strings.Contains(r.body, "nothing was written") || strings.Contains(r.body, `id="confirm-form"`) {
			t.Fatalf("import: %s", r.body)
		}
		got := strings.Join(exported(t, e, nil), "; ")
		if got != "A/A-1 110105************; A1/A1-1 " {
			t.Fatalf("stored: %s", got)
		}
		// Sealed under the server's key: it opens with it.
		if got := exported(t, e, sl); got[0] != "A/A-1 11010519491231002X" {
			t.Fatalf("revealed: %v", got)
		}
		if es, _ := e.db.Audit(ctx, dbtest.As(admin.ID), sqldb.AuditFilter{Action: "member.import", Actor: "staff.a"}); len(es) != 2 {
			t.Fatalf("the import wrote %d audit entries, want one per organisation (A, A1)", len(es))
		}
		// Again: nothing changes.
		r = uploadMembers(c, "members.csv", memberImportFile, false, "")
		if !strings.Contains(r.body, "members: 4 read, 0 created, 0 updated, 2 unchanged, 2 rejected, 0 warnings") {
			t.Fatalf("re-import: %s", r.body)
		}

		// Reasons read in the user's language.
		c.lang = "zh-Hans"
		c.get("/import/members")
		if r := uploadMembers(c, "members.csv", memberImportFile, true, ""); !strings.Contains(r.body, "未知的会员类型 planet。") {
			t.Fatalf("reason not localized: %s", r.body)
		}
	})
}

func TestImportMembersRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db) // no data key
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("auditor.a", kexie.RoleAuditor, e.a)

		// Anonymous: the page sends to sign-in, the upload is refused.
		anon := e.client()
		r := anon.get("/import/members")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous page: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		anon.get("/login")
		wantStatus(t, uploadMembers(anon, "members.csv", memberImportFile, false, ""), http.StatusUnauthorized)

		// A user who may only read: neither the page nor the link.
		ro := e.client()
		ro.mustLogin("auditor.a")
		if b := ro.get("/members").body; strings.Contains(b, `href="/import/members"`) {
			t.Error("the import is offered to a user who may not write")
		}
		wantStatus(t, ro.get("/import/members"), http.StatusForbidden)
		wantStatus(t, uploadMembers(ro, "members.csv", memberImportFile, false, ""), http.StatusForbidden)

		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		// Without the form token: refused, nothing written.
		c.csrf = "forged"
		wantStatus(t, uploadMembers(c, "members.csv", memberImportFile, false, ""), http.StatusForbidden)
		c.get("/import/members")
		if got := exported(t, e, nil); len(got) != 0 {
			t.Fatalf("written without a form token: %v", got)
		}
		// An ID number on a server without a data key: a clear error, in
		// the preview already, and nothing written.
		for _, dry := range []bool{true, false} {
			r = uploadMembers(c, "members.csv", memberImportFile, dry, "")
			wantStatus(t, r, http.StatusBadRequest)
			if !strings.Contains(r.body, "Line 2 has an identity number, but this server has no data key") {
				t.Fatalf("no data key: %s", r.body)
			}
		}
		if got := exported(t, e, nil); len(got) != 0 {
			t.Fatalf("written without a data key: %v", got)
		}
		// Without ID numbers the same server imports.
		noIDs := strings.Replace(memberImportFile, "resident_id,11010519491231002X", ",", 1)
		r = uploadMembers(c, "members.csv", noIDs, false, "")
		if !strings.Contains(r.body, "members: 4 read, 2 created, 0 updated, 0 unchanged, 2 rejected, 0 warnings") {
			t.Fatalf("import without IDs: %s", r.body)
		}
		// No file, and a file that is not a member file.
		wantStatus(t, uploadMembers(c, "", "", false, ""), http.StatusBadRequest)
		r = uploadMembers(c, "orgs.csv", "code,parent_code,kind,name_zh\nX,A,county_association,某\n", true, "")
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "Unknown column code in the header.") {
			t.Fatalf("wrong file: %s", r.body)
		}
	})
}

func TestImportMembersCapsRejectedRows(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	e.user("staff.a", kexie.RoleStaff, e.a)
	c := e.client()
	c.lang = "en"
	c.mustLogin("staff.a")
	c.get("/import/members")
	var f strings.Builder
	f.WriteString("member_no,org_code,type,name\n")
	for i := range 250 {
		f.WriteString("B-" + itoa(int64(i)) + ",B,individual,李娜\n")
	}
	r := uploadMembers(c, "members.csv", f.String(), true, "")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "250 rejected") || !strings.Contains(r.body, "The first 200 of 250 rejected rows are shown.") ||
		strings.Count(r.body, "not permitted") != 200 || strings.Contains(r.body, `id="confirm-form"`) {
		t.Fatalf("capped list: %.2000s", r.body)
	}
}

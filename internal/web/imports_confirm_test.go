package web_test

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// hidden reads a hidden field of the page.
func hidden(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hidden field %s", name)
	}
	return html.UnescapeString(m[1])
}

// rejectedDownload decodes the page's download of its rejected rows.
func rejectedDownload(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`id="rejected-download"[^>]*href="data:text/csv;charset=utf-8;base64,([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no download of the rejected rows")
	}
	b, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An organisation import is confirmed from its preview without choosing
// the file again, and only as previewed; the rejected rows can be
// downloaded; the page lists the accepted kind codes (issue 13).
func TestImportOrgsConfirmPreviewedAndDownloadRejected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := demoEnv(t, db)
		e.orgUser("county.staff", kexie.RoleStaff, "HLJ-CTY-001")
		c := e.client()
		c.lang = "en"
		c.mustLogin("county.staff")
		form := c.get("/import/orgs")
		if !strings.Contains(form.body, "<code>rural_tech_association</code> Rural technical association") || !strings.Contains(form.body, "<code>parent_code</code>") {
			t.Fatalf("the import page does not list the kind codes:\n%s", form.body)
		}
		file := "code,parent_code,kind,name_zh\n" +
			"NEW-RUR,HLJ-CTY-001,rural_tech_association,新建专业技术协会\n" +
			"NEW-SIB,HLJ-CTY-002,rural_tech_association,邻县协会\n" +
			"BAD,HLJ-CTY-001,planet,坏\n"
		r := upload(c, "orgs.csv", file, true)
		wantStatus(t, r, http.StatusOK)
		if got := rejectedDownload(t, r.body); !strings.Contains(got, "3,NEW-SIB,") || !strings.Contains(got, "4,BAD,") || strings.Contains(got, "NEW-RUR") {
			t.Fatalf("rejected rows downloaded:\n%s", got)
		}
		data, digest := hidden(t, r.body, "file_data"), hidden(t, r.body, "previewed")
		// Another file under the preview's digest is refused.
		other := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(file, "新建", "改过")))
		bad := c.post("/import/orgs", url.Values{"file_data": {other}, "file_name": {"orgs.csv"}, "previewed": {digest}})
		wantStatus(t, bad, http.StatusBadRequest)
		if _, err := e.db.Registry.OrgByCode(ctx, "NEW-RUR"); err == nil {
			t.Fatal("a file other than the previewed one was imported")
		}
		ok := c.post("/import/orgs", url.Values{"file_data": {data}, "file_name": {hidden(t, r.body, "file_name")}, "previewed": {digest}})
		wantStatus(t, ok, http.StatusOK)
		if !strings.Contains(ok.body, "orgs: 3 read, 1 created, 0 updated, 0 unchanged, 2 rejected, 0 warnings") {
			t.Fatalf("confirm: %s", ok.body)
		}
		if o, err := e.db.Registry.OrgByCode(ctx, "NEW-RUR"); err != nil || o.NameZH != "新建专业技术协会" {
			t.Fatalf("the previewed file was not imported: %+v %v", o, err)
		}
	})
}

// A member import's rejected rows can be downloaded, every one of them
// (the page lists the first 200).
func TestImportMembersDownloadRejected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		c.get("/import/members")
		var file strings.Builder
		file.WriteString("member_no,org_code,type,name\n")
		for i := range 250 {
			file.WriteString("X" + strconv.Itoa(i) + ",A,planet,某人\n")
		}
		file.WriteString("OK1,A,individual,王芳\n")
		r := uploadMembers(c, "members.csv", file.String(), true, "")
		wantStatus(t, r, http.StatusOK)
		got := rejectedDownload(t, r.body)
		if n := strings.Count(got, "Unknown member type planet."); n != 250 || !strings.HasPrefix(got, "\uFEFFLine,Member no.,Reason\n2,X0,") || strings.Contains(got, "OK1") {
			t.Fatalf("%d rejected rows downloaded:\n%.300s", n, got)
		}
	})
}

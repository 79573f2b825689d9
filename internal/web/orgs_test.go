package web_test

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/demo"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// demoEnv is a server on a database holding the demo federation.
func demoEnv(t *testing.T, db *dbtest.DB) *env {
	t.Helper()
	if _, err := demo.Load(ctx, db.DB, kexie.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, db, web.DefaultConfig())
}

func (e *env) orgUser(name string, role kexie.Role, code string) kexie.User {
	e.t.Helper()
	o, err := e.db.Registry.OrgByCode(ctx, code)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.user(name, role, o)
}

func TestProfileAndStats(t *testing.T) {
	e := demoEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	e.orgUser("sys.admin", kexie.RoleSysAdmin, "CAST")
	c := e.client()
	c.mustLogin("sys.admin")
	r := c.api("GET", "/api/v1/orgs/HLJ/stats", "", nil)
	wantStatus(t, r, http.StatusOK)
	want := `{"org":"HLJ","children":{"municipal_association":13,"provincial_society":204,"system_association":5,"university_association":14},` +
		`"subtree":{"county_association":126,"enterprise_association":204,"municipal_association":13,"provincial_society":204,"rural_tech_association":2727,"system_association":5,"university_association":14},` +
		`"independent":{"county_association":68},"members":{"individual":23,"total":23}}`
	if strings.TrimSpace(r.body) != want {
		t.Fatalf("stats:\n%s\nwant\n%s", r.body, want)
	}
	c.lang = "en"
	p := c.get("/orgs/HLJ")
	wantStatus(t, p, http.StatusOK)
	for _, s := range []string{
		"Heilongjiang Association for Science and Technology has 204 provincial societies, 13 municipal associations, 126 county associations (68 independent), 5 system associations, 204 enterprise associations, 14 university associations and 2,727 rural technical associations.",
		"1958-12", "1966-08", "Suspended", "Restored", "科学技术普及部" /* not translated: structure names show in English */} {
		if s == "科学技术普及部" {
			if !strings.Contains(p.body, "Science Popularization Department") {
				t.Error("structure not shown in English")
			}
			continue
		}
		if !strings.Contains(p.body, s) {
			t.Errorf("English profile lacks %q", s)
		}
	}
	c.lang = "zh-CN"
	p = c.get("/orgs/HLJ")
	for _, s := range []string{
		"黑龙江省科学技术协会有省级学会204个、市级科协13个、县级科协126个（其中独立设置68个）、系统科协5个、企业科协204个、高校科协14个和农村专业技术协会2727个。",
		"暂停活动", "恢复活动", "科学技术普及部", "中国科学技术协会", /* competent unit */
	} {
		if !strings.Contains(p.body, s) {
			t.Errorf("Chinese profile lacks %q", s)
		}
	}
	// Paging of the organisations below.
	if !strings.Contains(p.body, "?page=2") {
		t.Error("no second page of the 236 organisations below HLJ")
	}
	if p2 := c.get("/orgs/HLJ?page=2"); !strings.Contains(p2.body, "?page=1") {
		t.Error("page 2 has no way back")
	}
	// Search by Chinese, pinyin, initials, English and code.
	for _, q := range []string{"哈尔滨市科学", "haerbinshi", "hebskx", "harbin", "HLJ-MUN-2301"} {
		if b := c.get("/orgs?q=" + url.QueryEscape(q)).body; !strings.Contains(b, "/orgs/HLJ-MUN-2301") {
			t.Errorf("search %q does not find Harbin", q)
		}
	}
	// A two-character search works too.
	if b := c.get("/orgs?q=" + url.QueryEscape("大庆")).body; !strings.Contains(b, "HLJ-MUN-2306") {
		t.Error("search 大庆")
	}
}

// TestCountyStaffSeeOnlyTheirCounty: a county's staff can neither read nor
// change a sibling county or its parent, through pages, API or search.
func TestCountyStaffSeeOnlyTheirCounty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := demoEnv(t, db)
		county, _ := e.db.Registry.OrgByCode(ctx, "HLJ-CTY-001")
		e.orgUser("county.staff", kexie.RoleStaff, county.Code)
		c := e.client()
		c.mustLogin("county.staff")
		wantStatus(t, c.get("/orgs/HLJ-CTY-001"), http.StatusOK)
		for _, code := range []string{"HLJ-CTY-002", county.ParentCode, "HLJ", "CAST", "JL-CTY-001"} {
			wantStatus(t, c.get("/orgs/"+code), http.StatusNotFound)
			wantStatus(t, c.api("GET", "/api/v1/orgs/"+code, "", nil), http.StatusNotFound)
			wantStatus(t, c.api("GET", "/api/v1/orgs/"+code+"/stats", "", nil), http.StatusNotFound)
			wantStatus(t, c.api("GET", "/api/v1/orgs/"+code+"/children", "", nil), http.StatusNotFound)
		}
		var res struct {
			Orgs []struct{ Code, ParentCode string }
		}
		c.api("GET", "/api/v1/orgs?q=%E7%A7%91%E5%AD%A6&limit=500", "", nil).json(t, &res) // 科学
		if len(res.Orgs) == 0 {
			t.Fatal("search finds nothing in the county's own subtree")
		}
		for _, o := range res.Orgs {
			if o.Code != "HLJ-CTY-001" && o.ParentCode != "HLJ-CTY-001" {
				t.Errorf("search shows %s (parent %s) to county staff", o.Code, o.ParentCode)
			}
		}
		top := c.get("/orgs").body
		if !strings.Contains(top, "/orgs/HLJ-CTY-001") || strings.Contains(top, "/orgs/HLJ\"") || strings.Contains(top, "/orgs/CAST") {
			t.Error("the tree browser shows more than the county")
		}
		// The path above the county is hidden on its page.
		if b := c.get("/orgs/HLJ-CTY-001").body; strings.Contains(b, `href="/orgs/HLJ"`) {
			t.Error("the county page links to the province")
		}
	})
}

func upload(c *client, name, content string, dry bool) resp {
	c.e.t.Helper()
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", c.csrf)
	if dry {
		_ = mw.WriteField("dry_run", "1")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+"/import/orgs", strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestImportUIAndScopedWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := demoEnv(t, db)
		e.orgUser("county.staff", kexie.RoleStaff, "HLJ-CTY-001")
		c := e.client()
		c.lang = "en"
		c.mustLogin("county.staff")
		c.get("/import/orgs")
		file := "code,parent_code,kind,name_zh\n" +
			"NEW-RUR,HLJ-CTY-001,rural_tech_association,新建专业技术协会\n" + // inside: allowed
			"NEW-SIB,HLJ-CTY-002,rural_tech_association,邻县协会\n" + // under a sibling county: refused
			"HLJ-CTY-002,HLJ-MUN-2301,county_association,改名\n" + // changing a sibling: refused
			"BAD,HLJ-CTY-001,planet,坏\n"
		r := upload(c, "orgs.csv", file, true)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "orgs: 4 read, 1 created, 0 updated, 0 unchanged, 3 rejected, 0 warnings") || !strings.Contains(r.body, "nothing was written") {
			t.Fatalf("preview: %s", r.body)
		}
		if _, err := e.db.Registry.OrgByCode(ctx, "NEW-RUR"); err == nil {
			t.Fatal("the preview wrote")
		}
		r = upload(c, "orgs.csv", file, false)
		if !strings.Contains(r.body, "orgs: 4 read, 1 created, 0 updated, 0 unchanged, 3 rejected, 0 warnings") || strings.Count(r.body, "not permitted") != 1 || !strings.Contains(r.body, "parent HLJ-CTY-002 was rejected") {
			t.Fatalf("import: %s", r.body)
		}
		if sib, _ := e.db.Registry.OrgByCode(ctx, "HLJ-CTY-002"); sib.NameZH == "改名" {
			t.Fatal("county staff renamed a sibling county")
		}
		if _, err := e.db.Registry.OrgByCode(ctx, "NEW-RUR"); err != nil {
			t.Fatal("the allowed row was not written")
		}
		// The county's export holds its own subtree only.
		x := c.get("/export/orgs.csv")
		wantStatus(t, x, http.StatusOK)
		if !strings.Contains(x.body, "HLJ-CTY-001,") || strings.Contains(x.body, "HLJ-CTY-002,") || strings.Contains(x.body, "\nHLJ,") {
			t.Fatalf("export beyond the subtree:\n%.500s", x.body)
		}
		// A change of a sibling through the status form: not found.
		wantStatus(t, c.post("/orgs/HLJ-CTY-002/status", url.Values{"action": {"suspend"}, "date": {"2026-11"}, "resolution": {"x"}}), http.StatusNotFound)
	})
}

func TestStatusChangeIsFiledWithTheNextHigherAssociation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := demoEnv(t, db)
		e.orgUser("county.admin", kexie.RoleOrgAdmin, "HLJ-CTY-001")
		county, _ := e.db.Registry.OrgByCode(ctx, "HLJ-CTY-001")
		e.orgUser("city.staff", kexie.RoleStaff, county.ParentCode)
		c := e.client()
		c.lang = "en"
		c.mustLogin("county.admin")
		c.get("/orgs/HLJ-CTY-001")
		// Without a resolution: refused, the form keeps what was typed.
		r := c.post("/orgs/HLJ-CTY-001/status", url.Values{"action": {"rename"}, "date": {"2026-11-20"}, "name_zh": {"新名称科学技术协会"}, "name_en": {"New Name"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "resolution of its congress") || !strings.Contains(r.body, `value="新名称科学技术协会"`) {
			t.Fatal("refusal without resolution, or the form lost its input")
		}
		r = c.post("/orgs/HLJ-CTY-001/status", url.Values{"action": {"rename"}, "date": {"2026-11-20"}, "resolution": {"第八次代表大会决议（2026）1号"},
			"name_zh": {"新名称科学技术协会"}, "name_en": {"New Name"}})
		wantStatus(t, r, http.StatusSeeOther)
		if b := c.get("/orgs/HLJ-CTY-001").body; !strings.Contains(b, "New Name") || !strings.Contains(b, "Renamed") {
			t.Fatal("rename not shown")
		}
		// The city's staff see it in their inbox and acknowledge it; the
		// county's admin cannot acknowledge its own filing.
		city := e.client()
		city.lang = "en"
		city.mustLogin("city.staff")
		inbox := city.get("/filings")
		if !strings.Contains(inbox.body, "New Name") || !strings.Contains(inbox.body, "第八次代表大会决议（2026）1号") {
			t.Fatalf("inbox: %.800s", inbox.body)
		}
		id := regexpFind(inbox.body, `/filings/(\d+)/ack`)
		c.get("/orgs/HLJ-CTY-001")
		wantStatus(t, c.post("/filings/"+id+"/ack", nil), http.StatusNotFound)
		wantStatus(t, city.post("/filings/"+id+"/ack", nil), http.StatusSeeOther)
		if b := city.get("/filings").body; !strings.Contains(b, "Acknowledged") {
			t.Fatal("acknowledgement not shown")
		}
		wantStatus(t, city.post("/filings/"+id+"/ack", nil), http.StatusConflict)
	})
}

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return "0"
	}
	return m[1]
}

func TestEditProfile(t *testing.T) {
	e := demoEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	e.orgUser("county.admin", kexie.RoleOrgAdmin, "HLJ-CTY-001")
	c := e.client()
	c.lang = "en"
	c.mustLogin("county.admin")
	c.get("/orgs/HLJ-CTY-001")
	form := url.Values{"name_en": {"Daoli District Association"}, "region_code": {"230102"}, "uscc": {"91350100M000100Y43"},
		"established": {"1984-05"}, "address": {"哈尔滨市道里区"}, "registration_authority": {"道里区委"}, "legal_rep": {"王芳"}, "independent": {"1"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("region_code", "999999")
	r := c.post("/orgs/HLJ-CTY-001/profile", bad)
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(r.body, "999999 is not a GB/T 2260 region code") || !strings.Contains(r.body, `value="哈尔滨市道里区"`) {
		t.Fatal("bad region: no clear error, or the form lost its input")
	}
	wantStatus(t, c.post("/orgs/HLJ-CTY-001/profile", form), http.StatusSeeOther)
	o, _ := e.db.Registry.OrgByCode(ctx, "HLJ-CTY-001")
	if o.Address != "哈尔滨市道里区" || o.LegalRep != "王芳" || o.Established != "1984-05" || o.USCC != "91350100M000100Y43" || o.NameEN != "Daoli District Association" {
		t.Fatalf("profile not saved: %+v", o)
	}
	// Not on the parent.
	wantStatus(t, c.post("/orgs/"+o.ParentCode+"/profile", form), http.StatusNotFound)
}

package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// An organisation's region reads in the reader's language: English names
// on English screens, Chinese on Chinese ones.
func TestOrgRegionInTheReadersLanguage(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	if _, err := e.db.Registry.CreateOrg(ctx, e.setup, kexie.Organisation{Code: "HRB-DL", ParentID: e.a.ID, Kind: "county_association",
		NameZH: "道里区科协", NameEN: "Daoli District Association", RegionCode: "230102"}); err != nil {
		t.Fatal(err)
	}
	e.user("staff.a", kexie.RoleStaff, e.a)
	c := e.client()
	c.lang = "en"
	c.mustLogin("staff.a")
	r := c.get("/orgs/HRB-DL")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "Daoli Qu, Ha&#39;erbin Shi, Heilongjiang Province") || strings.Contains(r.body, "黑龙江省哈尔滨市道里区") {
		t.Fatalf("English page: region not in English:\n%s", r.body)
	}
	c.lang = "zh-Hans"
	if r := c.get("/orgs/HRB-DL"); !strings.Contains(r.body, "黑龙江省哈尔滨市道里区") {
		t.Fatalf("Chinese page: region not in Chinese:\n%s", r.body)
	}
}

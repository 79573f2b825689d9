package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// The audit log, the filings, the lapse list and the receipts show their
// total and page by number, as the members list does.
func TestListsShowTotalAndPages(t *testing.T) {
	e := newEnv(t, dbtest.OpenSQLite(t, dbtest.Options{}))
	e.user("sys", kexie.RoleSysAdmin, e.root)
	// 51 county associations under A, each renamed: 51 filings with A.
	for i := range 51 {
		code := "A-C" + strconv.Itoa(i)
		o, err := e.db.Registry.CreateOrg(ctx, e.setup, kexie.Organisation{Code: code, ParentID: e.a.ID, Kind: "county_association", NameZH: code + "县科协"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.Registry.ChangeOrgStatus(ctx, e.setup, o.ID, registry.StatusChange{Action: "rename", Happened: "2025-01-01",
			Resolution: "R" + strconv.Itoa(i), NameZH: code + "新县科协"}); err != nil {
			t.Fatal(err)
		}
	}
	// 101 members who lapse (joined long ago, nothing since).
	var recs []kexie.MemberRecord
	for i := range 101 {
		recs = append(recs, kexie.MemberRecord{Line: i + 2, MemberNo: "L" + strconv.Itoa(i), OrgCode: "A", Type: "individual", Name: "王芳", Status: "active", Joined: "2000-01-01"})
	}
	if _, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(recs, nil), membership.MemberImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// A foreign member approved in A: filed with the national association.
	today0 := kexie.Today(e.db.Now()).String()
	fid, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "foreign", Name: "Marie Curie", Nationality: "FR"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []membership.Decision{{Action: "review", Day: today0}, {Action: "approve", Day: today0, Body: "council", Resolution: "R1"}} {
		if _, err := e.db.Membership.Decide(ctx, e.setup, fid, d); err != nil {
			t.Fatal(err)
		}
	}
	// 51 donation receipts this year.
	today := kexie.Today(time.Now()).String()
	for range 51 {
		if _, _, err := e.db.Finance.IssueDonation(ctx, e.setup, e.a.ID, finance.NewDonation{Date: today, Donor: "某基金会", Amount: 100, Purpose: "科普"}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	c.lang = "en"
	c.mustLogin("sys")
	for _, tc := range []struct {
		path, total, id string
		page2           string
	}{
		{"/audit", "", "list-total", "/audit?page=2"}, // every entry: counted below
		{"/filings", "51 in all", "list-total", "/filings?page=2"},
		{"/lapse", "101 in all", "list-total", "/lapse?page=2"},
		{"/orgs/A/ledger/receipts", "51 in all", "list-total", "/orgs/A/ledger/receipts?page=2"},
	} {
		r := c.get(tc.path)
		wantStatus(t, r, http.StatusOK)
		if tc.total == "" {
			n, err := e.db.AuditCount(ctx, e.setup, sqldb.AuditFilter{})
			if err != nil || n < 100 {
				t.Fatalf("%d audit entries, %v", n, err)
			}
			tc.total = strconv.Itoa(n) + " in all"
		}
		if !strings.Contains(r.body, `id="`+tc.id+`">`+tc.total+`</span>`) {
			t.Errorf("%s: no total %q:\n%.3000s", tc.path, tc.total, r.body[strings.Index(r.body, "<main"):])
			continue
		}
		if !strings.Contains(r.body, `href="`+tc.page2+`"`) {
			t.Errorf("%s: no link to page 2", tc.path)
			continue
		}
		if r := c.get(tc.page2); !strings.Contains(r.body, `<strong aria-current="page">2</strong>`) {
			t.Errorf("%s: page 2 is not current: %.2000s", tc.page2, r.body)
		}
	}
	// The foreign members' filings: their own total; the organisation in
	// English on an English screen.
	if r := c.get("/filings"); !strings.Contains(r.body, `id="member-filings-total">1 in all</span>`) || !strings.Contains(r.body, "<td>FR</td><td>A Association</td>") {
		t.Errorf("foreign members' filings: %.4000s", r.body[strings.Index(r.body, `id="member-filings"`)-400:])
	}
}

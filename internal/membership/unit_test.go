package membership_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/tabular"
)

// A unit member has a unit's fields — its unified social credit code and
// a contact person — kept and read back; a person's fields (gender, birth
// date, an identity document) are refused for a unit, and a unit's for a
// person.
func TestUnitMembersHaveUnitFields(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	check := func(v map[string]string) (kexie.MemberRecord, error) {
		v["org_code"] = "A"
		return memberfile.Check(tabular.Record{Line: 2, Values: v}, now)
	}
	for _, bad := range []map[string]string{
		{"type": "unit", "name": "长春光机所", "gender": "male"},
		{"type": "unit", "name": "长春光机所", "birth_date": "2000-01-01"},
		{"type": "unit", "name": "长春光机所", "id_number": "11010519491231002X"},
		{"type": "unit", "name": "长春光机所", "credit_code": "91350100M000100Y4"},
		{"type": "individual", "name": "王芳", "credit_code": "91350100M000100Y43"},
		{"type": "individual", "name": "王芳", "contact_person": "李娜"},
	} {
		if _, err := check(bad); kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Errorf("%v: %v, want invalid", bad, err)
		}
	}
	unit, err := check(map[string]string{"type": "unit", "name": "长春光机所", "credit_code": "91350100m000100y43", "contact_person": "李娜", "phone": "13800000000"})
	if err != nil {
		t.Fatal(err)
	}
	if unit.CreditCode != "91350100M000100Y43" || unit.ContactPerson != "李娜" {
		t.Fatalf("unit fields: %+v", unit)
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		u := unit
		u.OrgCode, u.MemberNo, u.Status, u.Joined = a.Code, "U1", "active", "2020-01-01"
		_, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{u}, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		m, err := db.Membership.MemberByOrgNo(ctx, a.Code, "U1")
		dbtest.Must(t, err)
		if m.Record.CreditCode != "91350100M000100Y43" || m.Record.ContactPerson != "李娜" {
			t.Fatalf("read back: %+v", m.Record)
		}
		var out []string
		_, err = db.Membership.ExportMembers(ctx, dbtest.Admin, membership.MemberExport{}, func(r kexie.MemberRecord) error {
			out = append(out, strings.Join(memberfile.Values(r), ","))
			return nil
		})
		dbtest.Must(t, err)
		if len(out) != 1 || !strings.Contains(out[0], "91350100M000100Y43,李娜") {
			t.Fatalf("export: %v", out)
		}
	})
}

package membership_test

import (
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestPersonSharedAcrossSubtrees: a person is shared by their memberships,
// and only one who may write every membership they hold changes their
// details. Staff of A importing a row that carries the ID number of a
// member of B gets the membership in A, linked to the same person, and a
// warning — the person's name, phone and employer stay B's; a row for A's
// own member whose holder is also B's changes nothing of the holder either.
// Staff over both changes them, and the change is audited under the
// organisation of the row (issue 12, item 2).
func TestPersonSharedAcrossSubtrees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("R", "", "national_association", "中国科协"),
			dbtest.OrgRow("A", "R", "provincial_association", "甲"), dbtest.OrgRow("B", "R", "provincial_association", "乙")), registry.ImportOptions{})
		dbtest.Must(t, err)
		a, _ := db.Registry.OrgByCode(ctx, "A")
		root, _ := db.Registry.OrgByCode(ctx, "R")
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		const id = "11010519491231002X"
		jilin := mem(2, "B1", "B", "吉林会员", id)
		jilin.Phone, jilin.Employer = "13900000000", "吉林大学"
		_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{jilin}, sl), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		staffA := dbtest.User(t, db, "staff.a", kexie.RoleStaff, a.ID)
		asA := kexie.Actor{UserID: staffA.ID, Username: staffA.Username, Source: "test"}

		intruder := mem(2, "A1", "A", "冒名者", id)
		intruder.Phone, intruder.Employer = "13811111111", "某县某厂"
		out, err := db.Membership.ImportMembers(ctx, asA, membership.MemberRecords([]kexie.MemberRecord{intruder}, sl), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		if out.Created != 1 || len(out.Warnings) != 1 {
			t.Fatalf("A's import of B's member's document: %+v", out)
		}
		holder := func() kexie.MemberRecord {
			t.Helper()
			m, err := db.Membership.MemberByNo(ctx, a.ID, "A1")
			dbtest.Must(t, err)
			return m.Record
		}
		if h := holder(); h.Name != "吉林会员" || h.Phone != "13900000000" || h.Employer != "吉林大学" {
			t.Fatalf("B's member's details were rewritten by A's import: %+v", h)
		}
		// A row for A's own member changes nothing of a holder B shares.
		again := mem(2, "A1", "A", "冒名者", id)
		again.Phone = "13822222222"
		out, err = db.Membership.ImportMembers(ctx, asA, membership.MemberRecords([]kexie.MemberRecord{again}, sl), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		if len(out.Warnings) != 1 {
			t.Fatalf("A's update of the shared holder: %+v", out)
		}
		if h := holder(); h.Name != "吉林会员" || h.Phone != "13900000000" {
			t.Fatalf("B's member's details were rewritten by A's update: %+v", h)
		}
		// Staff over both may.
		staffR := dbtest.User(t, db, "staff.r", kexie.RoleStaff, root.ID)
		asR := kexie.Actor{UserID: staffR.ID, Username: staffR.Username, Source: "test"}
		out, err = db.Membership.ImportMembers(ctx, asR, membership.MemberRecords([]kexie.MemberRecord{again}, sl), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		if len(out.Warnings) != 0 {
			t.Fatalf("the root's staff: %+v", out)
		}
		if h := holder(); h.Phone != "13822222222" {
			t.Fatalf("the root's staff could not change the holder: %+v", h)
		}
		es, err := db.Audit(ctx, dbtest.System, sqldb.AuditFilter{Action: "person.update", Limit: 100})
		dbtest.Must(t, err)
		for _, e := range es {
			if e.OrgID == 0 {
				t.Errorf("a change of a person audited under no organisation: %+v", e)
			}
		}
	})
}

// TestOneDocumentOneMemberPerOrganisation: an identity document is one
// member's in an organisation. A row bringing a new number with a
// document a member there holds is refused naming that member; a row for a
// member whose holder also holds another membership there (a state older
// data can be in) is refused naming the other.
func TestOneDocumentOneMemberPerOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		const id = "11010519491231002X"
		imp := func(rows ...kexie.MemberRecord) kexie.ImportOutcome {
			t.Helper()
			out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, sl), membership.MemberImportOptions{})
			dbtest.Must(t, err)
			return out
		}
		if out := imp(mem(2, "A1", "A", "张三", id), mem(3, "A3", "A", "李四", "")); out.Created != 2 {
			t.Fatalf("first import: %+v", out)
		}
		out := imp(mem(2, "A2", "A", "张三", id))
		if out.Created != 0 || len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "already member A1's in A") {
			t.Fatalf("a new number with A1's document: %+v", out)
		}
		// A3 comes to share A1's holder, as older data may.
		_, err = db.Writer().ExecContext(ctx, `UPDATE memberships SET person_id = (SELECT person_id FROM memberships WHERE org_id = $1 AND member_no = 'A1')
			WHERE org_id = $1 AND member_no = 'A3'`, a.ID)
		dbtest.Must(t, err)
		out = imp(mem(2, "A1", "A", "张三", id))
		if out.Unchanged != 0 || len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "already member A3's in A") {
			t.Fatalf("A1 while its holder is also A3: %+v", out)
		}
	})
}

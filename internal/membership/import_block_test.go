package membership_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// docNo is a valid resident identity number, a different one for each k.
func docNo(k int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k/1000)
	first17 := fmt.Sprintf("110105%s%03d", birth.Format("20060102"), k%1000)
	return first17 + string(cnid.ResidentCheck(first17))
}

// An import into a register that holds members reads what it matches
// for a block of rows at once; a row must still see what earlier rows of
// the same import wrote, whether they were in its block or in an earlier
// one: a holder made or given a document, a membership made, a holder's
// details changed. Each case is run with its two rows next to each other
// and with more than a block of other rows between them.
func TestImportSeesEarlierRowsAcrossBlocks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("R", "", "national_association", "中国科协"),
			dbtest.OrgRow("A", "R", "provincial_association", "甲"), dbtest.OrgRow("B", "R", "provincial_association", "乙"),
			dbtest.OrgRow("C", "R", "provincial_association", "丙")), registry.ImportOptions{})
		dbtest.Must(t, err)
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		import_ := func(rows []kexie.MemberRecord) kexie.ImportOutcome {
			t.Helper()
			out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, sl), membership.MemberImportOptions{})
			dbtest.Must(t, err)
			return out
		}
		withPhone := func(m kexie.MemberRecord, phone string) kexie.MemberRecord { m.Phone = phone; return m }
		// What the register holds: for each gap g, members in A, B (one
		// holder for two of them) and C.
		gaps := []int{0, 600}
		var stored []kexie.MemberRecord
		for _, g := range gaps {
			d := 10_000 * (g + 1)
			stored = append(stored,
				mem(0, fmt.Sprintf("A-S3-%d", g), "A", "张三", docNo(d+3)),
				mem(0, fmt.Sprintf("B-S4-%d", g), "B", "李四", docNo(d+4)),
				withPhone(mem(0, fmt.Sprintf("A-S5-%d", g), "A", "王五", docNo(d+5)), "13800000001"),
				withPhone(mem(0, fmt.Sprintf("B-S6-%d", g), "B", "王五", docNo(d+5)), "13800000001"))
		}
		for i := range stored {
			stored[i].Line = i + 2
		}
		if out := import_(stored); out.Created != len(stored) {
			t.Fatalf("stored: %+v", out)
		}
		// The import: each case's first rows, g other rows, its second rows.
		var rows []kexie.MemberRecord
		want := map[string]string{} // member number of a second row → the rejection or warning it must get ("" none)
		for _, g := range gaps {
			d := 10_000 * (g + 1)
			no := func(s string) string { return fmt.Sprintf("%s-%d", s, g) }
			rows = append(rows,
				mem(0, no("A-N1"), "A", "赵一", docNo(d+1)),                           // a new holder
				mem(0, no("A-S3"), "A", "张三", docNo(d+30)),                          // a stored holder's new document
				mem(0, no("A-D4"), "A", "李四", docNo(d+4)),                           // a stored holder's new membership
				withPhone(mem(0, no("A-S5"), "A", "王五", docNo(d+5)), "13800000002"), // a stored holder's new phone
				mem(0, no("A-N6"), "A", "钱六", docNo(d+6)))                           // a new member number
			for k := 0; k < g; k++ {
				rows = append(rows, mem(0, fmt.Sprintf("C-F%d-%d", k, g), "C", "孙七", docNo(d+100+k)))
			}
			rows = append(rows,
				mem(0, no("B-N1"), "B", "赵一", docNo(d+1)),                           // the same holder
				mem(0, no("B-X3"), "B", "张三", docNo(d+30)),                          // the holder of the new document
				mem(0, no("C-D3"), "C", "张三", docNo(d+3)),                           // the old document: no one's now
				mem(0, no("A-D4b"), "A", "李四", docNo(d+4)),                          // a second membership of one document in A
				withPhone(mem(0, no("B-S6"), "B", "王五", docNo(d+5)), "13800000001"), // the phone the earlier row changed
				mem(0, no("A-N6"), "A", "钱六", docNo(d+60)))                          // the number again
			want[no("A-D4b")] = "the same identity document is already member " + no("A-D4") + "'s in A"
			want[no("B-S6")] = "the holder of this identity document was given other details on an earlier row"
			want[no("A-N6")] = "the same member " + no("A-N6") + " as an earlier row of this file"
		}
		for i := range rows {
			rows[i].Line = i + 2
		}
		out := import_(rows)
		got := map[string]string{}
		for _, r := range append(out.Rejected, out.Warnings...) {
			got[r.Code] += r.Reason
		}
		for no, reason := range want {
			if !strings.Contains(got[no], reason) {
				t.Errorf("%s: got %q, want %q", no, got[no], reason)
			}
			delete(got, no)
		}
		if len(got) != 0 {
			t.Errorf("unexpected rejections or warnings: %v", got)
		}
		holders := func(nos ...string) int {
			var n int
			args := []any{}
			for _, no := range nos {
				args = append(args, no)
			}
			dbtest.Must(t, db.Writer().QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_id) FROM memberships WHERE member_no IN ($1, $2)`, args...).Scan(&n))
			return n
		}
		for _, g := range gaps {
			no := func(s string) string { return fmt.Sprintf("%s-%d", s, g) }
			if n := holders(no("A-N1"), no("B-N1")); n != 1 {
				t.Errorf("gap %d: a document new in this import has %d holders", g, n)
			}
			if n := holders(no("A-S3"), no("B-X3")); n != 1 {
				t.Errorf("gap %d: the new document of a stored holder has %d holders", g, n)
			}
			if n := holders(no("A-S3"), no("C-D3")); n != 2 {
				t.Errorf("gap %d: the document a holder gave up is still theirs", g)
			}
		}
		// Per gap: A-S3 and A-S5 updated; B-S6 keeps the details of the
		// earlier row, unchanged.
		if out.Updated != 2*len(gaps) || out.Unchanged != len(gaps) {
			t.Errorf("updated %d unchanged %d", out.Updated, out.Unchanged)
		}
		if n, err := db.VerifyAudit(ctx, nil); err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

// Each row's organisation is resolved as the import meets it: unknown
// codes and organisations outside the importing user's subtrees are
// rejected with their reason, and an organisation that holds members
// has its rows matched against them — into an empty register and into
// one that holds members, rows of several organisations in one batch.
func TestImportResolvesEachRowsOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, a1, b := dbtest.Tree(t, db)
		staff := dbtest.As(dbtest.User(t, db, "staff-a", kexie.RoleStaff, a.ID).ID)
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		rows := func(tag string) []kexie.MemberRecord {
			return []kexie.MemberRecord{mem(2, a.Code+tag, a.Code, "王芳", docNo(1)), mem(3, b.Code+tag, b.Code, "李娜", docNo(2)),
				mem(4, "Z"+tag, "NO-SUCH-ORG", "张伟", docNo(3)), mem(5, a1.Code+tag, a1.Code, "刘洋", docNo(4))}
		}
		for _, round := range []string{"empty", "again", "held"} {
			tag := "-1"
			if round == "held" {
				tag = "-2"
			}
			out, err := db.Membership.ImportMembers(ctx, staff, membership.MemberRecords(rows(tag), sl), membership.MemberImportOptions{})
			dbtest.Must(t, err)
			got := map[int]string{}
			for _, r := range out.Rejected {
				got[r.Line] = r.Reason
			}
			if got[3] != "not permitted: outside the organisations you may change" || got[4] != "unknown org_code NO-SUCH-ORG" {
				t.Fatalf("%s: rejected %v", round, got)
			}
			switch round {
			case "empty":
				if out.Created != 2 || len(got) != 2 {
					t.Fatalf("%s: %+v", round, out)
				}
			case "again":
				if out.Unchanged != 2 || len(got) != 2 {
					t.Fatalf("%s: %+v", round, out)
				}
			case "held":
				// The same people under new numbers, in organisations that
				// hold them: one document, one member there.
				if out.Created != 0 || got[2] != "the same identity document is already member "+a.Code+"-1's in "+a.Code ||
					got[5] != "the same identity document is already member "+a1.Code+"-1's in "+a1.Code {
					t.Fatalf("%s: %+v", round, out)
				}
			}
		}
	})
}

package membership_test

import (
	"bytes"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// A member approved from an application re-imports from its own export
// unchanged: what approving stores is what importing would store.
func TestApprovedMemberReimportsUnchanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		today := kexie.Today(db.Now()).String()
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		// As the use case takes them (the web form checks them as an import
		// row first; other callers need not).
		for i, rec := range []kexie.MemberRecord{
			{Type: "individual", Name: "王芳", Gender: "female", BirthDate: "1990-05-01", Phone: "13800000000", Email: "wf@example.cn",
				Employer: "哈尔滨工业大学", Title: "教授", Discipline: "430"},
			{Type: "individual", Name: "曾小明", Pinyin: "zeng xiaoming"},
			{Type: "foreign", Name: "Marie Curie", NameEN: "Marie Curie", Nationality: "FR", Gender: "female"},
			{Type: "unit", Name: "某某科技有限公司", CreditCode: "91350100M000100Y43", ContactPerson: "李娜"},
			{Type: "student", Name: "李雷", Gender: "male", BirthDate: "2004-01-01"},
			{Type: "individual", Name: "张伟", IDType: "resident_id", IDNumber: "11010519491231002X"},
			{Type: "foreign", Name: "John Smith", Nationality: "GB", IDType: "passport", IDNumber: "P1234567"},
		} {
			id, _, err := db.Membership.Apply(ctx, dbtest.Admin, a.ID, rec, sl, memberfile.MaskedID)
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			for _, d := range []membership.Decision{{Action: "review", Day: today}, {Action: "approve", Day: today, Body: "council", Resolution: "R1"}} {
				if _, err := db.Membership.Decide(ctx, dbtest.Admin, id, d); err != nil {
					t.Fatalf("%d %s: %v", i, d.Action, err)
				}
			}
		}
		var buf bytes.Buffer
		w, err := memberfile.NewWriter("members.csv", &buf)
		dbtest.Must(t, err)
		n, err := db.Membership.ExportMembers(ctx, dbtest.Admin, membership.MemberExport{}, func(m kexie.MemberRecord) error {
			return w.Write(memberfile.Values(m))
		})
		dbtest.Must(t, err)
		dbtest.Must(t, w.Close())
		if n != 7 {
			t.Fatalf("%d exported", n)
		}
		src := func(emit func(kexie.MemberRecord) error) error {
			_, err := memberfile.Stream("members.csv", bytes.NewReader(buf.Bytes()), db.Now(), emit, func(r kexie.Rejection) {
				t.Errorf("rejected: %+v", r)
			})
			return err
		}
		sealed := func(emit func(kexie.MemberRecord) error) error {
			return src(func(m kexie.MemberRecord) error {
				if err := membership.SealMember(&m, sl); err != nil {
					return err
				}
				return emit(m)
			})
		}
		out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, sealed, membership.MemberImportOptions{})
		dbtest.Must(t, err)
		if out.Updated != 0 || out.Unchanged != 7 || out.Created != 0 {
			t.Fatalf("re-import of the export: %+v\n%s", out, buf.String())
		}
	})
}

package membership_test

import (
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// An application does not change the details of a holder already on file
// (another organisation's member): anyone may apply. Nor does it take them:
// it keeps what the applicant typed, and its reviewers learn of the
// holder on file only where they may read them.
func TestApplicationKeepsTheHolderOnFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, b := dbtest.Tree(t, db)
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		mask := func(_, n string) string { return n[:4] + "…" }
		id, _, err := db.Membership.Apply(ctx, dbtest.Admin, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female", Phone: "13800000000",
			IDType: "resident_id", IDNumber: "11010519491231002X"}, sl, mask)
		if err != nil {
			t.Fatal(err)
		}
		public := kexie.Actor{Username: "anonymous", Source: "192.0.2.1"}
		other, _, err := db.Membership.Apply(ctx, public, b.ID, kexie.MemberRecord{Type: "individual", Name: "冒名", Gender: "female", Phone: "13900000000",
			IDType: "resident_id", IDNumber: "11010519491231002X"}, sl, mask)
		if err != nil {
			t.Fatal(err)
		}
		bStaff := dbtest.As(dbtest.User(t, db, "b.staff", kexie.RoleStaff, b.ID).ID)
		app, err := db.Membership.Member(ctx, bStaff, kexie.PermMembershipRead, other)
		if err != nil {
			t.Fatal(err)
		}
		if app.Record.Name != "冒名" || app.Record.Phone != "13900000000" {
			t.Fatalf("B's staff see another subtree's holder, not what was typed: %+v", app.Record)
		}
		if dup, err := db.Membership.PossibleDuplicates(ctx, bStaff, other); err != nil || len(dup) != 0 {
			t.Fatalf("B's staff learn of A's holder: %+v %v", dup, err)
		}
		if dup, err := db.Membership.PossibleDuplicates(ctx, dbtest.Admin, other); err != nil || len(dup) != 1 || dup[0].ID != id {
			t.Fatalf("the federation's administrator sees no duplicate: %+v %v", dup, err)
		}
		m, err := db.Membership.MemberByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Record.Name != "王芳" || m.Record.Phone != "13800000000" {
			t.Fatalf("the holder on file was changed by another application: %+v", m.Record)
		}
	})
}

package access_test

import (
	"errors"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestGrantRules: nobody grants a role to themselves (an organisation
// administrator could otherwise make themselves treasurer, accountant and
// auditor at once), and one person never both records and approves the
// books of one organisation, whichever of the two subtrees holds the
// other — while the system may grant anything and disjoint subtrees do
// not clash.
func TestGrantRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		admin := dbtest.User(t, db, "admin.a", kexie.RoleOrgAdmin, a.ID)
		as := kexie.Actor{UserID: admin.ID, Username: admin.Username, Source: "test"}

		for _, r := range []kexie.Role{kexie.RoleTreasurer, kexie.RoleAuditor, kexie.RoleStaff} {
			if err := db.GrantRole(ctx, as, admin.ID, a1.ID, r); kexie.ErrorCode(err) != kexie.CodeForbidden {
				t.Errorf("self-grant of %s: %v, want forbidden", r, err)
			}
		}
		if _, _, err := db.Grantable(ctx, as, &admin, string(kexie.RoleSysAdmin), a.Code); kexie.ErrorCode(err) != kexie.CodeForbidden {
			t.Errorf("an organisation administrator made a system administrator: %v", err)
		}
		if _, _, err := db.Grantable(ctx, as, &admin, string(kexie.RoleTreasurer), b.Code); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("grant outside the subtree: %v, want not found", err)
		}

		cashier := dbtest.User(t, db, "cashier", kexie.RoleTreasurer, a.ID)
		if err := db.GrantRole(ctx, as, cashier.ID, a1.ID, kexie.RoleAccountant); !errors.Is(err, kexie.ErrConflict) {
			t.Errorf("treasurer of A made accountant of A1 (below): %v, want conflict", err)
		}
		if err := db.GrantRole(ctx, dbtest.Admin, cashier.ID, root.ID, kexie.RoleAccountant); !errors.Is(err, kexie.ErrConflict) {
			t.Errorf("treasurer of A made accountant of the root (above), even by the system: %v, want conflict", err)
		}
		if err := db.GrantRole(ctx, dbtest.Admin, cashier.ID, b.ID, kexie.RoleAccountant); err != nil {
			t.Errorf("treasurer of A made accountant of B (apart): %v", err)
		}
		if err := db.GrantRole(ctx, as, cashier.ID, a1.ID, kexie.RoleEditor); err != nil {
			t.Errorf("another administrator's grant of an unrelated role: %v", err)
		}
		if err := db.GrantRole(ctx, dbtest.Admin, admin.ID, a1.ID, kexie.RoleTreasurer); err != nil {
			t.Errorf("the system's grant: %v", err)
		}
		grants, err := db.Grants(ctx, cashier.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(grants) != 3 {
			t.Errorf("cashier holds %d grants, want 3 (treasurer A, accountant B, editor A1): %+v", len(grants), grants)
		}
	})
}

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
			if err := db.Access.GrantRole(ctx, as, admin.ID, a1.ID, r); kexie.ErrorCode(err) != kexie.CodeForbidden {
				t.Errorf("self-grant of %s: %v, want forbidden", r, err)
			}
		}
		if _, _, err := db.Access.Grantable(ctx, as, &admin, string(kexie.RoleSysAdmin), a.Code); kexie.ErrorCode(err) != kexie.CodeForbidden {
			t.Errorf("an organisation administrator made a system administrator: %v", err)
		}
		if _, _, err := db.Access.Grantable(ctx, as, &admin, string(kexie.RoleTreasurer), b.Code); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("grant outside the subtree: %v, want not found", err)
		}

		cashier := dbtest.User(t, db, "cashier", kexie.RoleTreasurer, a.ID)
		if err := db.Access.GrantRole(ctx, as, cashier.ID, a1.ID, kexie.RoleAccountant); !errors.Is(err, kexie.ErrConflict) {
			t.Errorf("treasurer of A made accountant of A1 (below): %v, want conflict", err)
		}
		if err := db.Access.GrantRole(ctx, dbtest.Admin, cashier.ID, root.ID, kexie.RoleAccountant); !errors.Is(err, kexie.ErrConflict) {
			t.Errorf("treasurer of A made accountant of the root (above), even by the system: %v, want conflict", err)
		}
		if err := db.Access.GrantRole(ctx, as, cashier.ID, a1.ID, kexie.RoleEditor); err != nil {
			t.Errorf("another administrator's grant of an unrelated role: %v", err)
		}
		if err := db.Access.GrantRole(ctx, dbtest.Admin, cashier.ID, b.ID, kexie.RoleAccountant); err != nil {
			t.Errorf("treasurer of A made accountant of B (apart): %v", err)
		}
		// Now holding a role outside A, the cashier is no longer A's
		// administrator's to manage.
		if err := db.Access.GrantRole(ctx, as, cashier.ID, a.ID, kexie.RoleEditor); !errors.Is(err, kexie.ErrNotFound) {
			t.Errorf("a grant to a user with a role outside the manager's subtrees: %v, want not found", err)
		}
		if err := db.Access.GrantRole(ctx, dbtest.Admin, admin.ID, a1.ID, kexie.RoleTreasurer); err != nil {
			t.Errorf("the system's grant: %v", err)
		}
		grants, err := db.Access.Grants(ctx, cashier.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(grants) != 3 {
			t.Errorf("cashier holds %d grants, want 3 (treasurer A, accountant B, editor A1): %+v", len(grants), grants)
		}
	})
}

// TestAccountWritesCheckTheActor: an account's own settings and tokens are
// its user's (or the system's); disabling, enabling and roles are for those
// who manage the account. To anyone else the account does not exist, and
// nothing is written.
func TestAccountWritesCheckTheActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, a1, b := dbtest.Tree(t, db)
		adminA := dbtest.User(t, db, "admin.a", kexie.RoleOrgAdmin, a.ID)
		adminB := dbtest.User(t, db, "admin.b", kexie.RoleOrgAdmin, b.ID)
		staff := dbtest.User(t, db, "staff.a1", kexie.RoleStaff, a1.ID)
		actor := func(u kexie.User) kexie.Actor { return kexie.Actor{UserID: u.ID, Username: u.Username, Source: "test"} }
		tok, _, err := db.Access.CreateAPIToken(ctx, actor(staff), staff.ID, "mine", nil)
		dbtest.Must(t, err)
		notFound := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, kexie.ErrNotFound) {
				t.Errorf("%s: %v, want not found", what, err)
			}
		}
		_, _, err = db.Access.CreateAPIToken(ctx, actor(adminA), staff.ID, "theirs", nil)
		notFound("a token made for another user", err)
		notFound("another user's token revoked", db.Access.RevokeAPIToken(ctx, actor(adminA), staff.ID, tok.ID))
		notFound("another user's language set", db.Access.SetUserLang(ctx, actor(adminA), staff.ID, "en"))
		notFound("disabled by an administrator of another subtree", db.Access.DisableUser(ctx, actor(adminB), staff.ID))
		notFound("a role revoked by an administrator of another subtree", db.Access.RevokeRole(ctx, actor(adminB), staff.ID, a1.ID, kexie.RoleStaff))
		notFound("a role given where the actor manages nobody", db.Access.GrantRole(ctx, actor(adminB), staff.ID, a.ID, kexie.RoleEditor))
		notFound("a password set by an administrator of another subtree", db.Access.SetPassword(ctx, actor(adminB), staff.ID, "a long enough password 1", false, ""))
		if u, err := db.Access.UserByID(ctx, staff.ID); err != nil || u.Disabled || u.Lang == "en" {
			t.Errorf("the account changed: %+v %v", u, err)
		}
		if ts, err := db.Access.APITokens(ctx, staff.ID); err != nil || len(ts) != 1 || ts[0].Revoked {
			t.Errorf("the tokens changed: %+v %v", ts, err)
		}
		// Those who may, can.
		dbtest.Must(t, db.Access.SetUserLang(ctx, actor(staff), staff.ID, "en"))
		dbtest.Must(t, db.Access.RevokeAPIToken(ctx, actor(staff), staff.ID, tok.ID))
		dbtest.Must(t, db.Access.DisableUser(ctx, actor(adminA), staff.ID))
		dbtest.Must(t, db.Access.EnableUser(ctx, actor(adminA), staff.ID))
		dbtest.Must(t, db.Access.GrantRole(ctx, actor(adminA), staff.ID, a.ID, kexie.RoleEditor))
		dbtest.Must(t, db.Access.RevokeRole(ctx, actor(adminA), staff.ID, a.ID, kexie.RoleEditor))
	})
}

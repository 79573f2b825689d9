package dbtest

import (
	"context"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
)

// The small set-up helpers that the tests of several domains share. A
// helper only one package's tests use stays in that package.

// Admin is the actor tests write their set-up as: no user behind it
// (UserID 0, as the command line), recorded as "test" in the audit log
// and in fields such as a dues standard's SetBy.
var Admin = kexie.Actor{Username: "test", Source: "test", System: true}

// Must fails the test at once when err is not nil.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Tree builds the smallest federation with two branches, as Admin:
// root → A → A1 and root → B, where root is the national association
// (EnsureRoot) and A, A1 and B are provincial associations named by their
// codes ("A科协" …).
func Tree(t testing.TB, db *DB) (root, a, a1, b kexie.Organisation) {
	t.Helper()
	ctx := context.Background()
	var err error
	if root, err = db.Registry.EnsureRoot(ctx, Admin); err != nil {
		t.Fatal(err)
	}
	mk := func(code string, parent int64) kexie.Organisation {
		o, err := db.Registry.CreateOrg(ctx, Admin, kexie.Organisation{Code: code, ParentID: parent, Kind: "provincial_association", NameZH: code + "科协"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a = mk("A", root.ID)
	a1 = mk("A1", a.ID)
	b = mk("B", root.ID)
	return
}

// User creates, as Admin, the account name (password FixturePassword)
// holding role on the organisation org.
func User(t testing.TB, db *DB, name string, role kexie.Role, org int64) kexie.User {
	t.Helper()
	u, err := db.Access.CreateUser(context.Background(), Admin, access.NewUser{Username: name, Password: FixturePassword, Role: role, OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// OrgRow is a row of an organisation import file: an active organisation
// with this code, parent code ("" for the root), kind and Chinese name.
// Give the rows their line numbers with Numbered.
func OrgRow(code, parent, kind, name string) registry.ImportRow {
	return registry.ImportRow{Org: kexie.Organisation{Code: code, ParentCode: parent, Kind: kexie.OrgKind(kind), NameZH: name, Status: kexie.OrgActive}}
}

// Numbered gives import rows the line numbers they have in a file whose
// first line is the header (2, 3, …), and returns them.
func Numbered(rows ...registry.ImportRow) []registry.ImportRow {
	for i := range rows {
		rows[i].Line = i + 2
	}
	return rows
}

// FixturePassword is the password of the accounts User creates: one the
// password policy takes (it holds no user name).
const FixturePassword = "fixture passphrase for tests"

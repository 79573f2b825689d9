package access_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

// clock is a settable clock for session expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestUsersAndAuthentication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		long := strings.Repeat("科学技术协会", 12) // 72 characters, 216 bytes
		u, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "Wang.Fang", DisplayName: "王芳", Password: long, Role: kexie.RoleStaff, OrgID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "wang.fang" {
			t.Fatalf("username not normalised: %q", u.Username)
		}
		if _, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "WANG.FANG", Password: "another-password"}); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("duplicate user name: %v", err)
		}
		if _, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "li", Password: "another-password"}); !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("short user name: %v", err)
		}
		if _, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "zhao", Password: "short"}); !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("short password: %v", err)
		}
		got, err := db.Access.Authenticate(ctx, "wang.fang", long)
		if err != nil || got.ID != u.ID || len(got.Grants) != 1 || got.Grants[0].Role != kexie.RoleStaff {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		for _, c := range [][2]string{{"wang.fang", long + "x"}, {"nobody", long}, {"", ""}} {
			if _, err := db.Access.Authenticate(ctx, c[0], c[1]); !errors.Is(err, kexie.ErrUnauthorized) {
				t.Errorf("authenticate %q: %v", c[0], err)
			}
		}
		if err := db.Access.DisableUser(ctx, dbtest.Admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Access.Authenticate(ctx, "wang.fang", long); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("disabled user signed in: %v", err)
		}
		if err := db.Access.DisableUser(ctx, dbtest.Admin, u.ID); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("disabling twice: %v", err)
		}
		if err := db.Access.DisableUser(ctx, dbtest.Admin, 9999); !errors.Is(err, kexie.ErrNotFound) {
			t.Fatalf("disabling nobody: %v", err)
		}
	})
}

func TestSessionsExpireAndEndOnDisable(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	p := access.SessionPolicy{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}
	dbtest.EachWith(t, dbtest.Options{Now: c.now}, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		u := dbtest.User(t, db, "zhang", kexie.RoleStaff, root.ID)
		tok, _ := auth.NewToken("")
		h := auth.TokenHash(tok)
		if _, err := db.Access.CreateSession(ctx, dbtest.Admin, u.ID, h, "", "test", p); err != nil {
			t.Fatal(err)
		}
		// Requests every 20 minutes keep it alive past the idle limit …
		for i := 0; i < 5; i++ {
			c.add(20 * time.Minute)
			if _, _, err := db.Access.Session(ctx, h, p); err != nil {
				t.Fatalf("after %d×20min: %v", i+1, err)
			}
		}
		// … but not past the absolute limit (2h after sign-in).
		c.add(20 * time.Minute)
		if _, _, err := db.Access.Session(ctx, h, p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("session outlived its absolute limit: %v", err)
		}
		// Idle: a new session left alone for exactly 30 minutes has ended.
		tok2, _ := auth.NewToken("")
		h2 := auth.TokenHash(tok2)
		if _, err := db.Access.CreateSession(ctx, dbtest.Admin, u.ID, h2, "", "test", p); err != nil {
			t.Fatal(err)
		}
		c.add(30 * time.Minute)
		if _, _, err := db.Access.Session(ctx, h2, p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("idle session still valid: %v", err)
		}
		// Rotation: signing in with an old session presented deletes it.
		tok3, _ := auth.NewToken("")
		tok4, _ := auth.NewToken("")
		_, _ = db.Access.CreateSession(ctx, dbtest.Admin, u.ID, auth.TokenHash(tok3), "", "", p)
		_, _ = db.Access.CreateSession(ctx, dbtest.Admin, u.ID, auth.TokenHash(tok4), auth.TokenHash(tok3), "", p)
		if _, _, err := db.Access.Session(ctx, auth.TokenHash(tok3), p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("the pre-login session survived sign-in")
		}
		// Disabling the user ends the remaining session.
		if err := db.Access.DisableUser(ctx, dbtest.Admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Access.Session(ctx, auth.TokenHash(tok4), p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("disabled user's session still valid: %v", err)
		}
		if n, _ := db.Access.CountSessions(ctx, u.ID); n != 0 {
			t.Fatalf("%d sessions left after disable", n)
		}
	})
}

func TestAPITokens(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	dbtest.EachWith(t, dbtest.Options{Now: c.now}, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		u := dbtest.User(t, db, "token.user", kexie.RoleStaff, root.ID)
		tok, secret, err := db.Access.CreateAPIToken(ctx, dbtest.Admin, u.ID, "script", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "kx_") || !strings.HasPrefix(secret, tok.Prefix) {
			t.Fatalf("token %q prefix %q", secret, tok.Prefix)
		}
		if got, err := db.Access.UserByAPIToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("bearer: %v", err)
		}
		if _, err := db.Access.UserByAPIToken(ctx, secret+"x"); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("altered token accepted")
		}
		exp := c.now().Add(time.Hour)
		_, short, err := db.Access.CreateAPIToken(ctx, dbtest.Admin, u.ID, "short", &exp)
		if err != nil {
			t.Fatal(err)
		}
		c.add(time.Hour)
		if _, err := db.Access.UserByAPIToken(ctx, short); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("expired token accepted")
		}
		other := dbtest.User(t, db, "other.user", kexie.RoleStaff, root.ID)
		if err := db.Access.RevokeAPIToken(ctx, dbtest.Admin, other.ID, tok.ID); !errors.Is(err, kexie.ErrNotFound) {
			t.Fatalf("revoking someone else's token: %v", err)
		}
		if err := db.Access.RevokeAPIToken(ctx, dbtest.Admin, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Access.UserByAPIToken(ctx, secret); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("revoked token accepted")
		}
		list, _ := db.Access.APITokens(ctx, u.ID)
		if len(list) != 2 || !list[1].Revoked {
			t.Fatalf("token list: %+v", list)
		}
	})
}

func TestSubtreePermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		staffA := dbtest.User(t, db, "staff.a", kexie.RoleStaff, a.ID)
		auditorA := dbtest.User(t, db, "auditor.a", kexie.RoleAuditor, a.ID)
		adminA := dbtest.User(t, db, "admin.a", kexie.RoleOrgAdmin, a.ID)
		sys := dbtest.User(t, db, "sys", kexie.RoleSysAdmin, root.ID)
		staffB := dbtest.User(t, db, "staff.b", kexie.RoleStaff, b.ID)
		cases := []struct {
			u    kexie.User
			p    kexie.Permission
			org  kexie.Organisation
			want bool
		}{
			{staffA, kexie.PermMembershipWrite, a, true},
			{staffA, kexie.PermMembershipWrite, a1, true},
			{staffA, kexie.PermMembershipWrite, b, false},
			{staffA, kexie.PermMembershipWrite, root, false},
			{staffA, kexie.PermAuditRead, a, false},
			{auditorA, kexie.PermAuditRead, a1, true},
			{auditorA, kexie.PermMembershipWrite, a1, false},
			{sys, kexie.PermMembershipWrite, b, true},
		}
		for _, c := range cases {
			got, err := db.Can(ctx, c.u.ID, c.p, c.org.ID)
			if err != nil || got != c.want {
				t.Errorf("%s %s on %s: got %v, want %v (%v)", c.u.Username, c.p, c.org.Code, got, c.want, err)
			}
		}
		mg := func(m, u kexie.User) bool {
			ok, err := db.Access.CanManageUser(ctx, m.ID, u.ID)
			dbtest.Must(t, err)
			return ok
		}
		if !mg(adminA, staffA) || mg(adminA, staffB) || mg(adminA, sys) || mg(staffA, auditorA) || !mg(sys, staffB) {
			t.Error("CanManageUser")
		}
		users, err := db.Access.ListUsers(ctx, dbtest.As(adminA.ID), 0, 50)
		dbtest.Must(t, err)
		var names []string
		for _, u := range users {
			names = append(names, u.Username)
		}
		if got := strings.Join(names, ","); got != "admin.a,auditor.a,staff.a" {
			t.Errorf("org admin of A lists %s", got)
		}
		both := dbtest.User(t, db, "both.ab", kexie.RoleStaff, a1.ID)
		dbtest.Must(t, db.Access.GrantRole(ctx, dbtest.Admin, both.ID, b.ID, kexie.RoleStaff))
		if mg(adminA, both) {
			t.Error("org admin of A may manage a user who also holds a role in B")
		}
		users, err = db.Access.ListUsers(ctx, dbtest.As(adminA.ID), 0, 50)
		dbtest.Must(t, err)
		names = nil
		for _, u := range users {
			names = append(names, u.Username)
		}
		if got := strings.Join(names, ","); got != "admin.a,auditor.a,staff.a" {
			t.Errorf("org admin of A lists %s", got)
		}
		// The auditor of A sees audit entries of A and A1, not B's.
		entries, err := db.Audit(ctx, dbtest.As(auditorA.ID), sqldb.AuditFilter{Limit: 500})
		dbtest.Must(t, err)
		for _, e := range entries {
			if e.OrgID != a.ID && e.OrgID != a1.ID {
				t.Errorf("auditor of A sees entry %d of org %d", e.Seq, e.OrgID)
			}
		}
		if len(entries) == 0 {
			t.Error("auditor of A sees nothing")
		}
		all, _ := db.Audit(ctx, dbtest.As(sys.ID), sqldb.AuditFilter{Limit: 500})
		if len(all) <= len(entries) {
			t.Error("system administrator does not see more than a subtree auditor")
		}
		none, _ := db.Audit(ctx, dbtest.As(staffA.ID), sqldb.AuditFilter{})
		if len(none) != 0 {
			t.Error("staff without audit.read sees audit entries")
		}
	})
}

func TestPasswordResetRevokesTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		u := dbtest.User(t, db, "reset.me", kexie.RoleStaff, root.ID)
		_, secret, err := db.Access.CreateAPIToken(ctx, dbtest.Admin, u.ID, "laptop", nil)
		dbtest.Must(t, err)
		// The user's own change keeps their tokens …
		dbtest.Must(t, db.Access.SetPassword(ctx, dbtest.Admin, u.ID, "my own new password", false, ""))
		if _, err := db.Access.UserByAPIToken(ctx, secret); err != nil {
			t.Fatal("own password change revoked the token")
		}
		// … an administrator's reset does not.
		dbtest.Must(t, db.Access.SetPassword(ctx, dbtest.Admin, u.ID, "one-time reset pw", true, ""))
		if _, err := db.Access.UserByAPIToken(ctx, secret); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("token survived an administrator's reset")
		}
	})
}

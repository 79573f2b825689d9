package domaintest_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
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

var admin = kexie.Actor{Username: "test", Source: "test"}

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

// tree builds root → A → A1 and root → B.
func tree(t *testing.T, db *dbtest.DB) (root, a, a1, b kexie.Organisation) {
	t.Helper()
	var err error
	if root, err = db.EnsureRoot(ctx, admin); err != nil {
		t.Fatal(err)
	}
	mk := func(code string, parent int64) kexie.Organisation {
		o, err := db.CreateOrg(ctx, admin, kexie.Organisation{Code: code, ParentID: parent, Kind: "provincial_association", NameZH: code + "科协"})
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

func user(t *testing.T, db *dbtest.DB, name string, role kexie.Role, org int64) kexie.User {
	t.Helper()
	u, err := db.CreateUser(ctx, admin, access.NewUser{Username: name, Password: "password-" + name, Role: role, OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		again, err := db.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v, %v", again, err)
		}
		st, err := db.MigrationStatus(ctx)
		if err != nil || len(st) == 0 {
			t.Fatal(st, err)
		}
		for _, m := range st {
			if m.AppliedAt == nil {
				t.Errorf("migration %d not applied", m.Version)
			}
		}
	})
}

func TestUsersAndAuthentication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		long := strings.Repeat("科学技术协会", 12) // 72 characters, 216 bytes
		u, err := db.CreateUser(ctx, admin, access.NewUser{Username: "Wang.Fang", DisplayName: "王芳", Password: long, Role: kexie.RoleStaff, OrgID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "wang.fang" {
			t.Fatalf("username not normalised: %q", u.Username)
		}
		if _, err := db.CreateUser(ctx, admin, access.NewUser{Username: "WANG.FANG", Password: "another-password"}); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("duplicate user name: %v", err)
		}
		if _, err := db.CreateUser(ctx, admin, access.NewUser{Username: "li", Password: "another-password"}); !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("short user name: %v", err)
		}
		if _, err := db.CreateUser(ctx, admin, access.NewUser{Username: "zhao", Password: "short"}); !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("short password: %v", err)
		}
		got, err := db.Authenticate(ctx, "wang.fang", long)
		if err != nil || got.ID != u.ID || len(got.Grants) != 1 || got.Grants[0].Role != kexie.RoleStaff {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		for _, c := range [][2]string{{"wang.fang", long + "x"}, {"nobody", long}, {"", ""}} {
			if _, err := db.Authenticate(ctx, c[0], c[1]); !errors.Is(err, kexie.ErrUnauthorized) {
				t.Errorf("authenticate %q: %v", c[0], err)
			}
		}
		if err := db.DisableUser(ctx, admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "wang.fang", long); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("disabled user signed in: %v", err)
		}
		if err := db.DisableUser(ctx, admin, u.ID); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("disabling twice: %v", err)
		}
		if err := db.DisableUser(ctx, admin, 9999); !errors.Is(err, kexie.ErrNotFound) {
			t.Fatalf("disabling nobody: %v", err)
		}
	})
}

func TestSessionsExpireAndEndOnDisable(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	p := access.SessionPolicy{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}
	dbtest.EachWith(t, dbtest.Options{Now: c.now}, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		u := user(t, db, "zhang", kexie.RoleStaff, root.ID)
		tok, _ := auth.NewToken("")
		h := auth.TokenHash(tok)
		if _, err := db.CreateSession(ctx, admin, u.ID, h, "", "test", p); err != nil {
			t.Fatal(err)
		}
		// Requests every 20 minutes keep it alive past the idle limit …
		for i := 0; i < 5; i++ {
			c.add(20 * time.Minute)
			if _, _, err := db.Session(ctx, h, p); err != nil {
				t.Fatalf("after %d×20min: %v", i+1, err)
			}
		}
		// … but not past the absolute limit (2h after sign-in).
		c.add(20 * time.Minute)
		if _, _, err := db.Session(ctx, h, p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("session outlived its absolute limit: %v", err)
		}
		// Idle: a new session left alone for exactly 30 minutes has ended.
		tok2, _ := auth.NewToken("")
		h2 := auth.TokenHash(tok2)
		if _, err := db.CreateSession(ctx, admin, u.ID, h2, "", "test", p); err != nil {
			t.Fatal(err)
		}
		c.add(30 * time.Minute)
		if _, _, err := db.Session(ctx, h2, p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("idle session still valid: %v", err)
		}
		// Rotation: signing in with an old session presented deletes it.
		tok3, _ := auth.NewToken("")
		tok4, _ := auth.NewToken("")
		_, _ = db.CreateSession(ctx, admin, u.ID, auth.TokenHash(tok3), "", "", p)
		_, _ = db.CreateSession(ctx, admin, u.ID, auth.TokenHash(tok4), auth.TokenHash(tok3), "", p)
		if _, _, err := db.Session(ctx, auth.TokenHash(tok3), p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("the pre-login session survived sign-in")
		}
		// Disabling the user ends the remaining session.
		if err := db.DisableUser(ctx, admin, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Session(ctx, auth.TokenHash(tok4), p); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatalf("disabled user's session still valid: %v", err)
		}
		if n, _ := db.CountSessions(ctx, u.ID); n != 0 {
			t.Fatalf("%d sessions left after disable", n)
		}
	})
}

func TestAPITokens(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	dbtest.EachWith(t, dbtest.Options{Now: c.now}, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		u := user(t, db, "token.user", kexie.RoleStaff, root.ID)
		tok, secret, err := db.CreateAPIToken(ctx, admin, u.ID, "script", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "kx_") || !strings.HasPrefix(secret, tok.Prefix) {
			t.Fatalf("token %q prefix %q", secret, tok.Prefix)
		}
		if got, err := db.UserByAPIToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("bearer: %v", err)
		}
		if _, err := db.UserByAPIToken(ctx, secret+"x"); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("altered token accepted")
		}
		exp := c.now().Add(time.Hour)
		_, short, err := db.CreateAPIToken(ctx, admin, u.ID, "short", &exp)
		if err != nil {
			t.Fatal(err)
		}
		c.add(time.Hour)
		if _, err := db.UserByAPIToken(ctx, short); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("expired token accepted")
		}
		other := user(t, db, "other.user", kexie.RoleStaff, root.ID)
		if err := db.RevokeAPIToken(ctx, admin, other.ID, tok.ID); !errors.Is(err, kexie.ErrNotFound) {
			t.Fatalf("revoking someone else's token: %v", err)
		}
		if err := db.RevokeAPIToken(ctx, admin, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByAPIToken(ctx, secret); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("revoked token accepted")
		}
		list, _ := db.APITokens(ctx, u.ID)
		if len(list) != 2 || !list[1].Revoked {
			t.Fatalf("token list: %+v", list)
		}
	})
}

func TestSubtreePermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := tree(t, db)
		staffA := user(t, db, "staff.a", kexie.RoleStaff, a.ID)
		auditorA := user(t, db, "auditor.a", kexie.RoleAuditor, a.ID)
		adminA := user(t, db, "admin.a", kexie.RoleOrgAdmin, a.ID)
		sys := user(t, db, "sys", kexie.RoleSysAdmin, root.ID)
		staffB := user(t, db, "staff.b", kexie.RoleStaff, b.ID)
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
		mg := func(m, u kexie.User) bool { ok, err := db.CanManageUser(ctx, m.ID, u.ID); must(t, err); return ok }
		if !mg(adminA, staffA) || mg(adminA, staffB) || mg(adminA, sys) || mg(staffA, auditorA) || !mg(sys, staffB) {
			t.Error("CanManageUser")
		}
		users, err := db.ListUsers(ctx, dbtest.As(adminA.ID), 0, 50)
		must(t, err)
		var names []string
		for _, u := range users {
			names = append(names, u.Username)
		}
		if got := strings.Join(names, ","); got != "admin.a,auditor.a,staff.a" {
			t.Errorf("org admin of A lists %s", got)
		}
		both := user(t, db, "both.ab", kexie.RoleStaff, a1.ID)
		must(t, db.GrantRole(ctx, admin, both.ID, b.ID, kexie.RoleStaff))
		if mg(adminA, both) {
			t.Error("org admin of A may manage a user who also holds a role in B")
		}
		users, err = db.ListUsers(ctx, dbtest.As(adminA.ID), 0, 50)
		must(t, err)
		names = nil
		for _, u := range users {
			names = append(names, u.Username)
		}
		if got := strings.Join(names, ","); got != "admin.a,auditor.a,staff.a" {
			t.Errorf("org admin of A lists %s", got)
		}
		// The auditor of A sees audit entries of A and A1, not B's.
		entries, err := db.Audit(ctx, dbtest.As(auditorA.ID), sqldb.AuditFilter{Limit: 500})
		must(t, err)
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditLogIsAppendOnlyAndChained(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _, _, _ := tree(t, db)
		sys := user(t, db, "sys", kexie.RoleSysAdmin, root.ID)
		n, err := db.VerifyAudit(ctx, nil)
		if err != nil || n != 6 { // 4 orgs, user create, grant
			t.Fatalf("verify: %d %v", n, err)
		}
		es, _ := db.Audit(ctx, dbtest.As(sys.ID), sqldb.AuditFilter{Action: "user."})
		if len(es) != 2 || es[0].Action != "user.grant" || es[1].Action != "user.create" {
			t.Fatalf("filter by action prefix: %+v", es)
		}
		if strings.Contains(es[1].After, "argon2") {
			t.Fatal("password hash reached the audit log")
		}
		if err := db.RawExec(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`); !errors.Is(err, kexie.ErrImmutable) {
			t.Fatalf("UPDATE on audit_log: %v", err)
		}
		if err := db.RawExec(ctx, `DELETE FROM audit_log WHERE seq = 2`); !errors.Is(err, kexie.ErrImmutable) {
			t.Fatalf("DELETE on audit_log: %v", err)
		}
		// Someone with the power to drop the trigger alters entry 3: verify
		// names it.
		if db.Dialect() == sqldb.SQLite {
			must(t, db.RawExec(ctx, `DROP TRIGGER audit_log_no_update`))
		} else {
			must(t, db.RawExec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`))
		}
		must(t, db.RawExec(ctx, `UPDATE audit_log SET object_id = 'X' WHERE seq = 3`))
		if _, err := db.VerifyAudit(ctx, nil); err == nil || !strings.HasPrefix(err.Error(), "entry 3:") {
			t.Fatalf("verify after tampering: %v", err)
		}
	})
}

func TestConcurrentAuditAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.CreateOrg(ctx, admin, kexie.Organisation{Code: fmt.Sprintf("C%02d", i), ParentID: root.ID, Kind: "county_association", NameZH: "县科协"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		n, err := db.VerifyAudit(ctx, nil)
		if err != nil || n != 41 {
			t.Fatalf("after concurrent appends: %d entries, %v", n, err)
		}
	})
}

func TestVerifyAuditWhileWriting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		u := user(t, db, "busy.user", kexie.RoleStaff, root.ID)
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			langs := []string{"en", "zh-Hans"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if err := db.SetUserLang(ctx, admin, u.ID, langs[i%2]); err != nil {
					done <- err
					return
				}
			}
		}()
		for i := 0; i < 30; i++ {
			if _, err := db.VerifyAudit(ctx, nil); err != nil {
				close(stop)
				t.Fatalf("verify %d during writes: %v", i, err)
			}
		}
		close(stop)
		must(t, <-done)
	})
}

func TestPasswordResetRevokesTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		u := user(t, db, "reset.me", kexie.RoleStaff, root.ID)
		_, secret, err := db.CreateAPIToken(ctx, admin, u.ID, "laptop", nil)
		must(t, err)
		// The user's own change keeps their tokens …
		must(t, db.SetPassword(ctx, admin, u.ID, "my own new password", false, ""))
		if _, err := db.UserByAPIToken(ctx, secret); err != nil {
			t.Fatal("own password change revoked the token")
		}
		// … an administrator's reset does not.
		must(t, db.SetPassword(ctx, admin, u.ID, "one-time reset pw", true, ""))
		if _, err := db.UserByAPIToken(ctx, secret); !errors.Is(err, kexie.ErrUnauthorized) {
			t.Fatal("token survived an administrator's reset")
		}
	})
}

func TestPostgresRejectsNULAsInvalid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.EnsureRoot(ctx, admin)
		u := user(t, db, "nul.user", kexie.RoleSysAdmin, root.ID)
		_, err := db.Audit(ctx, dbtest.As(u.ID), sqldb.AuditFilter{Actor: "a\x00b"})
		if err != nil && !errors.Is(err, kexie.ErrInvalid) {
			t.Fatalf("NUL in a filter: %v (want no error or invalid)", err)
		}
	})
}

func TestBackup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		out := filepath.Join(t.TempDir(), "copy.db")
		if db.Dialect() == sqldb.Postgres {
			if err := db.Backup(ctx, out); err == nil || !strings.Contains(err.Error(), "pg_dump") {
				t.Fatalf("postgres backup: %v", err)
			}
			return
		}
		root, _ := db.EnsureRoot(ctx, admin)
		user(t, db, "backup.user", kexie.RoleStaff, root.ID)
		must(t, db.Backup(ctx, out))
		if err := db.Backup(ctx, out); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("backup over an existing file: %v", err)
		}
		cp, err := dbtest.Open(ctx, sqldb.Config{Path: out})
		must(t, err)
		defer cp.Close()
		if _, err := cp.UserByName(ctx, "backup.user"); err != nil {
			t.Fatalf("copy lacks the user: %v", err)
		}
		if n, err := cp.VerifyAudit(ctx, nil); err != nil || n != 3 {
			t.Fatalf("copy's audit chain: %d %v", n, err)
		}
	})
}

func TestSecretIsStable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		a, err := db.Secret(ctx, "csrf")
		must(t, err)
		b, _ := db.Secret(ctx, "csrf")
		c, _ := db.Secret(ctx, "other")
		if len(a) != 32 || string(a) != string(b) || string(a) == string(c) {
			t.Fatal("secrets")
		}
	})
}

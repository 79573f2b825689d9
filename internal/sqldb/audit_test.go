package sqldb_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

func TestAuditLogIsAppendOnlyAndChained(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _, _, _ := dbtest.Tree(t, db)
		sys := dbtest.User(t, db, "sys", kexie.RoleSysAdmin, root.ID)
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
			dbtest.Must(t, db.RawExec(ctx, `DROP TRIGGER audit_log_no_update`))
		} else {
			dbtest.Must(t, db.RawExec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`))
		}
		dbtest.Must(t, db.RawExec(ctx, `UPDATE audit_log SET object_id = 'X' WHERE seq = 3`))
		if _, err := db.VerifyAudit(ctx, nil); err == nil || !strings.HasPrefix(err.Error(), "entry 3:") {
			t.Fatalf("verify after tampering: %v", err)
		}
	})
}

func TestConcurrentAuditAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: fmt.Sprintf("C%02d", i), ParentID: root.ID, Kind: "county_association", NameZH: "县科协"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			dbtest.Must(t, err)
		}
		n, err := db.VerifyAudit(ctx, nil)
		if err != nil || n != 41 {
			t.Fatalf("after concurrent appends: %d entries, %v", n, err)
		}
	})
}

func TestVerifyAuditWhileWriting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _ := db.Registry.EnsureRoot(ctx, dbtest.Admin)
		u := dbtest.User(t, db, "busy.user", kexie.RoleStaff, root.ID)
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
				if err := db.Access.SetUserLang(ctx, dbtest.Admin, u.ID, langs[i%2]); err != nil {
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
		dbtest.Must(t, <-done)
	})
}

package sqldb_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kexie/kexie/internal/auditlog"

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

// TestAuditChainAnchored: what an unkeyed chain cannot show on its own —
// an entry written past the head, a tail cut with the head moved back,
// every entry re-hashed after an edit — is damage: the first by itself,
// the other two against an anchor (a head written down earlier, outside
// the database).
func TestAuditChainAnchored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		early, err := db.AuditHead(ctx)
		dbtest.Must(t, err)
		for _, code := range []string{"X1", "X2"} {
			_, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: code, ParentID: 1, Kind: "county_association", NameZH: "县科协"})
			dbtest.Must(t, err)
		}
		late, err := db.AuditHead(ctx)
		dbtest.Must(t, err)
		if late.Seq != early.Seq+2 {
			t.Fatalf("heads %+v %+v", early, late)
		}
		if n, err := db.VerifyAudit(ctx, nil, early, late); err != nil || n != late.Seq {
			t.Fatalf("intact chain through its anchors: %d %v", n, err)
		}
		// Whoever can drop the triggers can do all that follows.
		if db.Dialect() == sqldb.SQLite {
			dbtest.Must(t, db.RawExec(ctx, `DROP TRIGGER audit_log_no_update`))
			dbtest.Must(t, db.RawExec(ctx, `DROP TRIGGER audit_log_no_delete`))
		} else {
			dbtest.Must(t, db.RawExec(ctx, `ALTER TABLE audit_log DISABLE TRIGGER USER`))
		}
		entries, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Limit: 500})
		dbtest.Must(t, err)
		slices.Reverse(entries)
		write := func(e auditlog.Entry) {
			dbtest.Must(t, db.RawExec(ctx, `INSERT INTO audit_log
				(seq, at, actor_id, actor, source, action, object_type, object_id, org_id, before_state, after_state, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
				e.Seq, e.At, e.ActorID, e.Actor, e.Source, e.Action, e.ObjectType, e.ObjectID, e.OrgID, e.Before, e.After, e.PrevHash, e.Hash))
		}

		// An entry past the head, well formed and chained.
		extra := entries[len(entries)-1]
		extra.Seq, extra.PrevHash, extra.ObjectID = late.Seq+1, late.Hash, "forged"
		extra.Hash = auditlog.ComputeHash(extra)
		write(extra)
		if _, err := db.VerifyAudit(ctx, nil); err == nil || !strings.Contains(err.Error(), "past the chain head") {
			t.Fatalf("an entry past the head: %v", err)
		}
		dbtest.Must(t, db.RawExec(ctx, `DELETE FROM audit_log WHERE seq = $1`, extra.Seq))

		// The tail cut and the head moved back: intact on its own, not
		// against the later anchor.
		dbtest.Must(t, db.RawExec(ctx, `DELETE FROM audit_log WHERE seq > $1`, early.Seq))
		dbtest.Must(t, db.RawExec(ctx, `UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1`, early.Seq, early.Hash))
		if _, err := db.VerifyAudit(ctx, nil); err != nil {
			t.Fatalf("the cut chain on its own: %v", err)
		}
		if _, err := db.VerifyAudit(ctx, nil, late); err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("entry %d: missing", late.Seq)) {
			t.Fatalf("a cut tail against its anchor: %v", err)
		}

		// Entry 2 edited and every entry from it re-hashed: intact on its
		// own, not against the early anchor.
		prev := entries[0].Hash
		for _, e := range entries[1:early.Seq] {
			if e.Seq == 2 {
				e.ObjectID = "rewritten"
			}
			e.PrevHash = prev
			e.Hash = auditlog.ComputeHash(e)
			dbtest.Must(t, db.RawExec(ctx, `UPDATE audit_log SET object_id = $1, prev_hash = $2, hash = $3 WHERE seq = $4`, e.ObjectID, e.PrevHash, e.Hash, e.Seq))
			prev = e.Hash
		}
		dbtest.Must(t, db.RawExec(ctx, `UPDATE audit_head SET last_hash = $1 WHERE id = 1`, prev))
		if _, err := db.VerifyAudit(ctx, nil); err != nil {
			t.Fatalf("the re-hashed chain on its own: %v", err)
		}
		if _, err := db.VerifyAudit(ctx, nil, early); err == nil || !strings.Contains(err.Error(), "differs from its anchor") {
			t.Fatalf("a re-hashed chain against its anchor: %v", err)
		}
	})
}

// TestAuditManyInChunks: entries appended together (written by multi-row
// inserts of 64, 32, … rows) keep their order, their actors and one
// chain, whatever their number.
func TestAuditManyInChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		total := 0
		for _, n := range []int{1, 7, 64, 200} {
			var changes []sqldb.Change
			var actors []kexie.Actor
			for i := range n {
				changes = append(changes, sqldb.Change{Action: "test.append", ObjectType: "test", ObjectID: fmt.Sprintf("%d-%d", n, i)})
				actors = append(actors, kexie.Actor{Username: fmt.Sprintf("actor-%d-%d", n, i), Source: "test", System: true})
			}
			dbtest.Must(t, db.Write(ctx, dbtest.Admin, func(tx *sqldb.Tx) error { return tx.AuditMany(ctx, changes, actors) }))
			total += n
		}
		if n, err := db.VerifyAudit(ctx, nil); err != nil || n != int64(total) {
			t.Fatalf("verify: %d entries of %d, %v", n, total, err)
		}
		es, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Action: "test.append"})
		dbtest.Must(t, err)
		if len(es) < 3 {
			t.Fatalf("%d entries listed", len(es))
		}
		for _, e := range es {
			if e.Actor != "actor-"+e.ObjectID {
				t.Fatalf("entry %d: object %s by %s", e.Seq, e.ObjectID, e.Actor)
			}
		}
	})
}

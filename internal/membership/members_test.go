package membership_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

func mem(line int, no, org, name, id string) kexie.MemberRecord {
	m := kexie.MemberRecord{Line: line, MemberNo: no, OrgCode: org, Type: "individual", Name: name, Status: "active", Joined: "2020-01-01"}
	if id != "" {
		m.IDType, m.IDNumber = "resident_id", id
	}
	return m
}

func TestImportMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("R", "", "national_association", "中国科协"), dbtest.OrgRow("A", "R", "provincial_association", "甲"),
			dbtest.OrgRow("B", "R", "provincial_association", "乙")), registry.ImportOptions{})
		dbtest.Must(t, err)
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		opt := membership.MemberImportOptions{}
		const id = "11010519491231002X"
		rows := []kexie.MemberRecord{mem(2, "A1", "A", "王芳", id), mem(3, "", "B", "王芳", id), mem(4, "", "A", "李娜", "")}
		out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, sl), opt)
		dbtest.Must(t, err)
		if out.Created != 3 || len(out.Rejected) != 0 {
			t.Fatalf("%+v", out)
		}
		// Without member_no the row is matched again, not duplicated.
		again, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, sl), opt)
		dbtest.Must(t, err)
		if again.Unchanged != 3 {
			t.Fatalf("re-import: %+v", again)
		}
		// The same document under another member number in A: rejected.
		dup, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{mem(2, "A9", "A", "王芳", id)}, sl), opt)
		dbtest.Must(t, err)
		if len(dup.Rejected) != 1 || !strings.Contains(dup.Rejected[0].Reason, "A1") {
			t.Fatalf("duplicate document: %+v", dup)
		}
		// An update of a column present; absent columns keep their values.
		upd := mem(2, "A1", "A", "王芳", "")
		upd.Phone, upd.Has = "13812345678", map[string]bool{"member_no": true, "org_code": true, "type": true, "name": true, "phone": true}
		out, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{upd}, sl), opt)
		dbtest.Must(t, err)
		if out.Updated != 1 {
			t.Fatalf("update: %+v", out)
		}
		var got []kexie.MemberRecord
		_, err = db.Membership.ExportMembers(ctx, dbtest.Admin, membership.MemberExport{Reveal: true, Reason: "test", Sealer: sl}, func(m kexie.MemberRecord) error {
			got = append(got, m)
			return nil
		})
		dbtest.Must(t, err)
		if len(got) != 3 || got[0].MemberNo != "A-000001" && got[0].MemberNo != "A1" {
			t.Fatalf("export: %+v", got)
		}
		for _, m := range got {
			if m.MemberNo == "A1" && (m.IDNumber != id || m.Phone != "13812345678" || m.Joined != "2020-01-01") {
				t.Fatalf("A1 after partial update: %+v", m)
			}
			if m.OrgCode == "B" && m.Phone != "13812345678" {
				t.Fatalf("the same person in B should be the same holder: %+v", m)
			}
		}
		// Lapse as of a day: all three joined 2020 and never paid.
		l, err := db.Membership.Lapses(ctx, dbtest.System, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		dbtest.Must(t, err)
		if len(l) != 3 || l[0].Reason != kexie.LapseBoth {
			t.Fatalf("lapses %+v", l)
		}
		dbtest.Must(t, db.Membership.ApplyLapses(ctx, dbtest.Admin, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), l[:1]))
		l2, _ := db.Membership.Lapses(ctx, dbtest.System, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if len(l2) != 2 {
			t.Fatalf("after applying one: %+v", l2)
		}
		if n, err := db.VerifyAudit(ctx, nil); err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

package membership_test

import (
	"errors"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

func TestDuesStandards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, b := dbtest.Tree(t, db)
		set := func(org int64, typ kexie.MemberType, fen int64, from string) (kexie.DuesStandard, error) {
			return db.Membership.SetDuesStandard(ctx, dbtest.Admin, org, membership.NewDuesStandard{Type: typ, AmountFen: fen, EffectiveFrom: from, Note: "第八次会员代表大会决议"})
		}
		first, err := set(a.ID, "individual", 5000, "2020-01-01")
		dbtest.Must(t, err)
		if first.Period != "year" || first.SetBy != dbtest.Admin.Username || first.OrgCode != "A" {
			t.Fatalf("stored standard: %+v", first)
		}
		_, err = set(a.ID, "individual", 8000, "2026-01-01")
		dbtest.Must(t, err)
		_, err = set(a.ID, "student", 2000, "2020-01-01")
		dbtest.Must(t, err)
		_, err = set(b.ID, "individual", 9900, "2010-01-01")
		dbtest.Must(t, err)

		// Nothing is changed: the same type and date again is a conflict.
		if _, err := set(a.ID, "individual", 6000, "2026-01-01"); !errors.Is(err, kexie.ErrConflict) {
			t.Fatalf("second standard for the same day: %v", err)
		}
		for name, n := range map[string]membership.NewDuesStandard{
			"negative amount": {Type: "individual", AmountFen: -1, EffectiveFrom: "2027-01-01"},
			"unknown type":    {Type: "patron", AmountFen: 1, EffectiveFrom: "2027-01-01"},
			"unknown period":  {Type: "individual", AmountFen: 1, Period: "decade", EffectiveFrom: "2027-01-01"},
			"no date":         {Type: "individual", AmountFen: 1},
			"partial date":    {Type: "individual", AmountFen: 1, EffectiveFrom: "2027-01"},
		} {
			if _, err := db.Membership.SetDuesStandard(ctx, dbtest.Admin, a.ID, n); !errors.Is(err, kexie.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := set(999999, "individual", 1, "2027-01-01"); !errors.Is(err, kexie.ErrNotFound) {
			t.Errorf("no such organisation: %v", err)
		}
		dept, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: "A-D", ParentID: a.ID, Kind: "department", NameZH: "办公室"})
		dbtest.Must(t, err)
		if _, err := set(dept.ID, "individual", 1, "2027-01-01"); !errors.Is(err, kexie.ErrInvalid) {
			t.Errorf("a department has no members, so no standards: %v", err)
		}

		// The history: A's three, by type, newest first; B's not among them.
		hist, err := db.Membership.DuesStandards(ctx, a.ID)
		dbtest.Must(t, err)
		if len(hist) != 3 || hist[0].Type != "individual" || hist[0].EffectiveFrom != "2026-01-01" || hist[1].EffectiveFrom != "2020-01-01" || hist[2].Type != "student" {
			t.Fatalf("history: %+v", hist)
		}
		if hist[0].Note != "第八次会员代表大会决议" || hist[0].CreatedAt.IsZero() {
			t.Fatalf("note or time lost: %+v", hist[0])
		}

		// The standard in force for a membership on a day.
		id, _, err := db.Membership.Apply(ctx, dbtest.Admin, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳"}, nil, nil)
		dbtest.Must(t, err)
		day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
		for on, want := range map[string]int64{"2019-12-31": -1, "2020-01-01": 5000, "2025-12-31": 5000, "2026-01-01": 8000} {
			s, ok, err := db.Membership.DuesStandardFor(ctx, id, day(on))
			dbtest.Must(t, err)
			if want < 0 && ok || want >= 0 && (!ok || s.AmountFen != want) {
				t.Errorf("on %s: %+v (found %v), want %d", on, s, ok, want)
			}
		}
		unit, _, err := db.Membership.Apply(ctx, dbtest.Admin, a.ID, kexie.MemberRecord{Type: "unit", Name: "哈尔滨工业大学"}, nil, nil)
		dbtest.Must(t, err)
		if _, ok, err := db.Membership.DuesStandardFor(ctx, unit, day("2026-06-30")); err != nil || ok {
			t.Errorf("a type without standards: %v %v", ok, err)
		}
		if _, _, err := db.Membership.DuesStandardFor(ctx, 999999, day("2026-06-30")); !errors.Is(err, kexie.ErrNotFound) {
			t.Errorf("no such membership: %v", err)
		}

		// Append-only in the schema too, and every setting audited.
		if err := db.RawExec(ctx, `UPDATE dues_standards SET amount_fen = 1`); !errors.Is(err, kexie.ErrImmutable) {
			t.Errorf("update of a standard: %v", err)
		}
		if err := db.RawExec(ctx, `DELETE FROM dues_standards`); !errors.Is(err, kexie.ErrImmutable) {
			t.Errorf("delete of a standard: %v", err)
		}
		// An auditor of A sees A's three settings, not B's.
		auditor := dbtest.User(t, db, "auditor.a", kexie.RoleAuditor, a.ID)
		es, err := db.Audit(ctx, dbtest.As(auditor.ID), sqldb.AuditFilter{Action: "dues.standard"})
		dbtest.Must(t, err)
		if len(es) != 3 {
			t.Fatalf("%d audit entries for A, want 3", len(es))
		}
		if n, err := db.VerifyAudit(ctx, nil); err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

package membership_test

import (
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// A rejected application is no applicant: it leaves the member lists,
// searches and exports, reads as rejected, and takes no dues or
// participation. The open application beside it stays.
func TestARejectedApplicationIsNoApplicant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		visitor := kexie.Actor{Username: "anonymous"}
		open, _, err := db.Membership.Apply(ctx, visitor, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
		dbtest.Must(t, err)
		rejected, _, err := db.Membership.Apply(ctx, visitor, a.ID, kexie.MemberRecord{Type: "individual", Name: "王刚", Gender: "male"}, nil, nil)
		dbtest.Must(t, err)
		today := kexie.Today(db.Now()).String()
		_, err = db.Membership.Decide(ctx, dbtest.Admin, rejected, membership.Decision{Action: "reject", Day: today, Note: "不符合条件"})
		dbtest.Must(t, err)

		for _, f := range []membership.MemberFilter{{Status: "applicant"}, {Q: "王"}, {OrgID: a.ID}} {
			ms, err := db.Membership.SearchMembers(ctx, dbtest.Admin, f, 0, 100)
			dbtest.Must(t, err)
			if len(ms) != 1 || ms[0].ID != open {
				t.Fatalf("search %+v: %+v, want only the open application", f, ms)
			}
		}
		var exported []string
		_, err = db.Membership.ExportMembers(ctx, dbtest.Admin, membership.MemberExport{}, func(r kexie.MemberRecord) error {
			exported = append(exported, r.Name)
			return nil
		})
		dbtest.Must(t, err)
		if len(exported) != 1 || exported[0] != "王芳" {
			t.Fatalf("export: %v, want only the open application", exported)
		}
		m, err := db.Membership.MemberByID(ctx, rejected)
		dbtest.Must(t, err)
		if !m.Rejected() {
			t.Fatalf("the rejected application does not read as rejected: %+v", m)
		}
		for what, err := range map[string]error{
			"dues":          db.Membership.RecordDues(ctx, dbtest.Admin, rejected, today, 5000, "2026", "R-1"),
			"participation": db.Membership.RecordParticipation(ctx, dbtest.Admin, rejected, today, "年会"),
		} {
			if kexie.ErrorCode(err) != kexie.CodeConflict || kexie.AsError(err).Key != "err.application_rejected" {
				t.Fatalf("%s for a rejected application: %v, want err.application_rejected", what, err)
			}
		}
	})
}

// An applicant looks their application's state up by its reference, also
// after approval has given them a member number.
func TestApplicationStateByReference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		visitor := kexie.Actor{Username: "anonymous"}
		today := kexie.Today(db.Now()).String()
		id, ref, err := db.Membership.Apply(ctx, visitor, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
		dbtest.Must(t, err)
		state := func(ref string) membership.ApplicationState {
			t.Helper()
			s, err := db.Membership.ApplicationByRef(ctx, ref)
			dbtest.Must(t, err)
			return s
		}
		if s := state(" " + ref + " "); s.Stage != membership.StageSubmitted || s.OrgCode != "A" || s.Submitted != today {
			t.Fatalf("submitted: %+v", s)
		}
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "review", Day: today})
		dbtest.Must(t, err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "approve", Day: today, Body: "council", Resolution: "R1"})
		dbtest.Must(t, err)
		if s := state(ref); s.Stage != membership.StageApproved || s.Decided != today {
			t.Fatalf("approved: %+v", s)
		}
		other, ref2, err := db.Membership.Apply(ctx, visitor, a.ID, kexie.MemberRecord{Type: "individual", Name: "王刚", Gender: "male"}, nil, nil)
		dbtest.Must(t, err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, other, membership.Decision{Action: "reject", Day: today, Note: "材料不全"})
		dbtest.Must(t, err)
		if s := state(ref2); s.Stage != membership.StageRejected || s.Note != "材料不全" {
			t.Fatalf("rejected: %+v", s)
		}
		for _, bad := range []string{"", "APP-NOSUCHREF", "A-000001"} {
			if _, err := db.Membership.ApplicationByRef(ctx, bad); kexie.ErrorCode(err) != kexie.CodeNotFound {
				t.Fatalf("reference %q: %v, want not found", bad, err)
			}
		}
	})
}

package awards_test

import (
	"testing"
	"time"

	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Every awards write checks the caller's permission on its object before
// it looks at the input: a caller without it is told the object does not
// exist, whatever they sent — never which input would have been valid.
func TestPermissionBeforeInput(t *testing.T) {
	clk := &clock{}
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return clk.now }}, func(t *testing.T, db *dbtest.DB) {
		w := setup(t, db, clk, 30, gradesFirstSecond())
		aw := db.Awards
		clk.set("2025-03-10")
		n, err := aw.Nominate(ctx, w.staffA1, w.round.ID, w.a1.ID, w.nominee("张三", "230102199001011234", "1990-01-01", "中科院"), w.sl)
		dbtest.Must(t, err)
		out := w.outsider // an award secretary, of another organisation
		bad := awards.Nominee{Name: "", IDNumber: ""}
		_, err = aw.Nominate(ctx, out, w.round.ID, w.a1.ID, bad, w.sl)
		wantCode(t, "nominate, nameless, by an outsider", err, kexie.CodeNotFound)
		_, err = aw.CreateProgramme(ctx, out, awards.Programme{OrgID: w.a.ID, Code: ""})
		wantCode(t, "a programme without a code at another organisation", err, kexie.CodeNotFound)
		_, err = aw.CreateRound(ctx, out, w.prog.ID, awards.Round{Year: 1})
		wantCode(t, "a round of year 1 by an outsider", err, kexie.CodeNotFound)
		wantCode(t, "units with a quota of 0 by an outsider", aw.SetUnits(ctx, out, w.round.ID, []awards.Unit{{OrgID: w.a1.ID, Quota: 0}}), kexie.CodeNotFound)
		_, err = aw.AddExpert(ctx, out, w.prog.ID, awards.Expert{Name: ""}, w.sl)
		wantCode(t, "a nameless expert by an outsider", err, kexie.CodeNotFound)
		wantCode(t, "a relation of no kind by an outsider", aw.AddRelation(ctx, out, w.experts[0].ID, awards.Relation{Kind: "friend"}, w.sl), kexie.CodeNotFound)
		wantCode(t, "a conflict of no mode by an outsider", aw.SetConflict(ctx, out, w.experts[0].ID, n.ID, "maybe", ""), kexie.CodeNotFound)
		wantCode(t, "a stage list of no kind by an outsider", aw.SetStages(ctx, out, w.round.ID, []awards.Stage{{Kind: "oral"}}), kexie.CodeNotFound)
		wantCode(t, "not accepted without a reason, by an outsider", aw.FormalCheck(ctx, out, n.ID, false, ""), kexie.CodeNotFound)
		wantCode(t, "a decision without a resolution, by an outsider", aw.Decide(ctx, out, w.round.ID, nil, ""), kexie.CodeNotFound)
		// The same input from the award office is refused for what it is.
		wantCode(t, "not accepted without a reason", aw.FormalCheck(ctx, w.sec, n.ID, false, ""), kexie.CodeInvalid)
		dbtest.Must(t, aw.FormalCheck(ctx, w.sec, n.ID, true, ""))
		for range 2 {
			_, err = aw.Advance(ctx, w.sec, w.round.ID)
			dbtest.Must(t, err)
		}
		wantCode(t, "advance by a score that is no number, by an outsider", aw.AdvanceStage(ctx, out, w.round.ID, awards.Advancing{MinScore: "x"}), kexie.CodeNotFound)
		_, err = aw.Assign(ctx, w.sec, w.round.ID, 1)
		dbtest.Must(t, err)
		list, err := aw.MyReviews(ctx, w.expertUsers[1])
		dbtest.Must(t, err)
		if len(list) != 1 {
			t.Fatalf("expert2 has %d reviews", len(list))
		}
		other := w.expertUsers[2]
		wantCode(t, "a conflict declared without a reason, on another's assignment", aw.Declare(ctx, other, list[0].ID, true, ""), kexie.CodeNotFound)
		wantCode(t, "a recusal without a reason, on another's assignment", aw.Recuse(ctx, other, list[0].ID, ""), kexie.CodeNotFound)
		wantCode(t, "a recusal without a reason", aw.Recuse(ctx, w.expertUsers[1], list[0].ID, ""), kexie.CodeInvalid)
	})
}

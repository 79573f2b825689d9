package awards_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// BenchmarkAssignRound is the measure over a database: 3 experts
// to each of 2,000 accepted nominations from a pool of 300, about 5% of
// pairs in conflict (one of 20 employers each, shared by nominee and
// expert), through Service.Assign — the conflicts read by one query,
// the assignment, its 6,000 rows written, audited. Each iteration checks
// that no assignment is in conflict and loads are within 1, then clears
// the assignments (untimed).
func BenchmarkAssignRound(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var db *dbtest.DB
			if kind == "sqlite" {
				db = dbtest.OpenSQLite(b, dbtest.Options{})
			} else {
				dbtest.PGDSN(b)
				db = dbtest.OpenPostgres(b, dbtest.Options{})
			}
			benchAssign(b, db)
		})
	}
}

func benchAssign(b *testing.B, db *dbtest.DB) {
	_, a, a1, _ := dbtest.Tree(b, db)
	aw := db.Awards
	sys := kexie.SystemActor("bench")
	p, err := aw.CreateProgramme(ctx, sys, awards.Programme{OrgID: a.ID, Code: "BENCH", NameZH: "奖", CycleYears: 1, Grades: []awardrule.Grade{{Code: "only"}}})
	dbtest.Must(b, err)
	today := kexie.Today(time.Now())
	r, err := aw.CreateRound(ctx, sys, p.ID, awards.Round{Year: today.Year(), NominateFrom: today, NominateTo: today.AddDays(10), ExpertsPer: 3,
		Units: []awards.Unit{{OrgID: a1.ID, Quota: 1000}}})
	dbtest.Must(b, err)
	rng := rand.New(rand.NewPCG(1, 2))
	employer := func() string { return fmt.Sprintf("单位%02d", rng.IntN(20)) }
	now := time.Now()
	dbtest.Must(b, db.Write(ctx, sys, func(tx *sqldb.Tx) error {
		for i := range 2000 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_nominations (round_id, unit_id, name, id_type, id_sealed, id_hash, id_masked, employer, status, created_at, updated_at)
				VALUES ($1, $2, $3, 'resident_id', '', $4, '', $5, 'accepted', $6, $6)`, r.ID, a1.ID, fmt.Sprintf("候选人%d", i), fmt.Sprintf("h%d", i), employer(), now); err != nil {
				return err
			}
		}
		for i := range 300 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO award_experts (programme_id, name, employer, created_at) VALUES ($1, $2, $3, $4)`,
				p.ID, fmt.Sprintf("专家%d", i), employer(), now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE award_rounds SET stage = 'review' WHERE id = $1`, r.ID)
		return err
	}))
	// The pairs in conflict, as the data says (same employer).
	conflict := map[[2]int64]bool{}
	rows, err := db.Reader().QueryContext(ctx, `SELECT n.id, x.id FROM award_nominations n JOIN award_experts x ON x.employer = n.employer WHERE n.round_id = $1`, r.ID)
	dbtest.Must(b, err)
	for rows.Next() {
		var n, x int64
		dbtest.Must(b, rows.Scan(&n, &x))
		conflict[[2]int64{n, x}] = true
	}
	rows.Close()
	b.ReportMetric(float64(len(conflict))/(2000*300)*100, "%conflicted")
	for i := 0; b.Loop(); i++ {
		res, err := aw.Assign(ctx, sys, r.ID, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Assigned != 6000 || len(res.Infeasible) != 0 {
			b.Fatalf("assigned %d, infeasible %d", res.Assigned, len(res.Infeasible))
		}
		lo, hi := 1<<30, 0
		for _, l := range res.Loads {
			lo, hi = min(lo, l), max(hi, l)
		}
		if hi-lo > 1 || len(res.Loads) != 300 {
			b.Fatalf("loads %d…%d over %d experts", lo, hi, len(res.Loads))
		}
		for n, xs := range res.Experts {
			for _, x := range xs {
				if conflict[[2]int64{n, x}] {
					b.Fatalf("nomination %d given expert %d, in conflict", n, x)
				}
			}
		}
		dbtest.Must(b, db.Write(ctx, sys, func(tx *sqldb.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM award_assignments`)
			return err
		}))
		b.StartTimer()
	}
}

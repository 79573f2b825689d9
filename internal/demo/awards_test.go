package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// The demo's award programmes: the two Heilongjiang ones and CHIA's, each
// with a past round announced and a current round in review with its
// experts assigned; loading twice changes nothing; a past winner is
// refused when nominated again, by identity document.
func TestDemoAwards(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return beijingDay("2028-03-10") }}, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		actor := kexie.SystemActor("test")
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		if _, err := db.Registry.EnsureRoot(ctx, actor); err != nil {
			t.Fatal(err)
		}
		_, err = Load(ctx, db.DB, actor)
		dbtest.Must(t, err)
		for range 2 {
			dbtest.Must(t, LoadAwards(ctx, db.DB, actor, sl))
		}
		ps, err := db.Awards.Programmes(ctx, actor)
		dbtest.Must(t, err)
		if len(ps) != 3 {
			t.Fatalf("%d programmes", len(ps))
		}
		byCode := map[string]awards.Programme{}
		for _, p := range ps {
			byCode[p.Code] = p
		}
		want := map[string]int{"HLJ-YOUTH": 3, "HLJ-WORKER": 2, "CHIA-STA": 4}
		for code, winners := range want {
			p, ok := byCode[code]
			if !ok {
				t.Fatalf("no programme %s", code)
			}
			rs, err := db.Awards.Rounds(ctx, p.ID)
			dbtest.Must(t, err)
			if len(rs) != 2 || rs[0].Stage != "review" || rs[1].Stage != "announced" {
				t.Fatalf("%s rounds %+v", code, rs)
			}
			pub, err := db.Awards.PublicityOf(ctx, rs[1].ID)
			dbtest.Must(t, err)
			if len(pub.Winners) != winners {
				t.Errorf("%s: %d winners, want %d", code, len(pub.Winners), winners)
			}
			var assigned int
			dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM award_assignments a JOIN award_nominations n ON n.id = a.nomination_id
				WHERE n.round_id = $1`, rs[0].ID).Scan(&assigned))
			ns, err := db.Awards.Nominations(ctx, actor, rs[0].ID)
			dbtest.Must(t, err)
			if assigned != 3*len(ns) || len(ns) == 0 {
				t.Errorf("%s: %d assignments for %d nominations", code, assigned, len(ns))
			}
		}
		if b := byCode["HLJ-YOUTH"].Bodies; len(b) != 3 || b[0].Name != "中共黑龙江省委组织部" || b[1].Name != "黑龙江省人事厅" {
			t.Errorf("establishing bodies %+v", b)
		}
		if f := byCode["HLJ-WORKER"].Eligibility.Fields; len(f) == 0 {
			t.Error("the worker award has no selection scope by field")
		}
		// A past winner of the youth award (高雪婷, 38 in 2028) is refused
		// in a later round, under another name, by her identity number.
		p := byCode["HLJ-YOUTH"]
		unit, err := db.Registry.OrgByCode(ctx, "HLJ-UNI-01")
		dbtest.Must(t, err)
		day := func(s string) kexie.Date { d, _ := kexie.ParseDay(s); return d }
		r, err := db.Awards.CreateRound(ctx, actor, p.ID, awards.Round{Year: 2028, NominateFrom: day("2028-03-01"), NominateTo: day("2028-04-30"),
			Units: []awards.Unit{{OrgID: unit.ID, Quota: 2}}})
		dbtest.Must(t, err)
		again := awardProgrammes()[0].pastNominees[1]
		birth := day(again.birth)
		_, err = db.Awards.Nominate(ctx, actor, r.ID, unit.ID, awards.Nominee{Name: "高雪", IDNumber: strings.ToLower(again.id), Birth: birth, Employer: "x"}, sl)
		if kexie.ErrorCode(err) != kexie.CodeInvalid || !strings.Contains(err.Error(), "won") {
			t.Fatalf("a past winner nominated again: %v", err)
		}
		// Someone new is nominated.
		_, err = db.Awards.Nominate(ctx, actor, r.ID, unit.ID, awards.Nominee{Name: "新人", IDNumber: "230102199501011234", Birth: day("1995-01-01"), Employer: "x"}, sl)
		dbtest.Must(t, err)
	})
}

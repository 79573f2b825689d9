package awards_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

func day(s string) kexie.Date {
	d, err := kexie.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// clock is the databases' clock, moved by the test (Beijing noon of a day).
type clock struct{ now time.Time }

func (c *clock) set(d string) { c.now = day(d).Start().Add(12 * time.Hour) }

func wantCode(t *testing.T, what string, err error, code kexie.Code) {
	t.Helper()
	if kexie.ErrorCode(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func as(u kexie.User) kexie.Actor {
	return kexie.Actor{UserID: u.ID, Username: u.Username, Source: "test"}
}

// world is a programme administered by A with units A1 and B, a
// secretary at A, staff at A1 and B, an outsider at B, and three experts.
type world struct {
	db                             *dbtest.DB
	sl                             *seal.Sealer
	clk                            *clock
	root, a, a1, b                 kexie.Organisation
	sec, staffA1, staffB, outsider kexie.Actor
	prog                           awards.Programme
	round                          awards.Round
	experts                        []awards.Expert
	expertUsers                    []kexie.Actor
}

func setup(t *testing.T, db *dbtest.DB, clk *clock, total int, grades []awardrule.Grade) *world {
	t.Helper()
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	dbtest.Must(t, err)
	w := &world{db: db, sl: sl, clk: clk}
	w.root, w.a, w.a1, w.b = dbtest.Tree(t, db)
	w.sec = as(dbtest.User(t, db, "sec", kexie.RoleAwardSecretary, w.a.ID))
	w.staffA1 = as(dbtest.User(t, db, "staffa1", kexie.RoleStaff, w.a1.ID))
	w.staffB = as(dbtest.User(t, db, "staffb", kexie.RoleStaff, w.b.ID))
	w.outsider = as(dbtest.User(t, db, "outsider", kexie.RoleAwardSecretary, w.b.ID))
	w.prog, err = db.Awards.CreateProgramme(ctx, w.sec, awards.Programme{OrgID: w.a.ID, Code: "HLJ-YOUTH", NameZH: "黑龙江青年科技奖", NameEN: "Heilongjiang Youth S&T Award",
		Bodies:     []awards.Body{{Name: "中共黑龙江省委组织部"}, {Name: "黑龙江省人事厅"}, {OrgID: w.a.ID, Name: "A科协"}},
		CycleYears: 2, TotalCap: total, Grades: grades, Eligibility: awardrule.Eligibility{MaxAge: 39, AgeOn: "12-31"},
		Form: []awardrule.Criterion{{Code: "innovation", Weight: 2, Max: 10}, {Code: "impact", Weight: 1, Max: 10}}})
	dbtest.Must(t, err)
	clk.set("2025-03-01")
	w.round, err = db.Awards.CreateRound(ctx, w.sec, w.prog.ID, awards.Round{Year: 2025, NominateFrom: day("2025-03-01"), NominateTo: day("2025-04-30"),
		PublicityDays: 7, ExpertsPer: 2, HideNominee: true, Units: []awards.Unit{{OrgID: w.a1.ID, Quota: 3}, {OrgID: w.b.ID, Quota: 3}}})
	dbtest.Must(t, err)
	for i, name := range []string{"expert1", "expert2", "expert3"} {
		u := dbtest.User(t, db, name, kexie.RoleReviewer, w.a.ID)
		e, err := db.Awards.AddExpert(ctx, w.sec, w.prog.ID, awards.Expert{UserID: u.ID, Name: name, Employer: []string{"哈尔滨工业大学", "东北林业大学", "黑龙江大学"}[i]}, sl)
		dbtest.Must(t, err)
		w.experts = append(w.experts, e)
		w.expertUsers = append(w.expertUsers, as(u))
	}
	return w
}

func (w *world) nominee(name, id, birth, employer string) awards.Nominee {
	return awards.Nominee{Name: name, IDType: "resident_id", IDNumber: id, Birth: day(birth), Employer: employer, Field: "engineering", Region: "230100",
		Achievements: "成果 of " + name, Summary: "summary " + name}
}

func gradesFirstSecond() []awardrule.Grade {
	return []awardrule.Grade{{Code: "first", NameZH: "一等奖", Cap: awardrule.Cap{Share: &awardrule.Share{Num: 15, Den: 100}}}, {Code: "second", NameZH: "二等奖"}}
}

// A round played end to end: nominations within quota and window by the
// units' staff, the formal check, assignment without conflicts, anonymous
// review, scores, ranking, a decision within the caps, publicity with a
// real-name objection, announcement; then a winner cannot be nominated
// again, even under another name.
func TestRoundEndToEnd(t *testing.T) {
	clk := &clock{}
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return clk.now }}, func(t *testing.T, db *dbtest.DB) {
		w := setup(t, db, clk, 30, gradesFirstSecond())
		clk.set("2025-03-10")
		aw := db.Awards
		var noms []awards.Nomination
		people := []struct{ name, id, employer string }{
			{"张三", "230102199001011234", "哈尔滨工业大学"}, {"李四", "230102199002021234", "中科院"}, {"王五", "230102199003031234", "大庆油田"},
		}
		for _, p := range people {
			n, err := aw.Nominate(ctx, w.staffA1, w.round.ID, w.a1.ID, w.nominee(p.name, p.id, "1990-01-01", p.employer), w.sl)
			dbtest.Must(t, err)
			noms = append(noms, n)
		}
		if noms[0].IDMasked != "230102************" {
			t.Errorf("masked %q", noms[0].IDMasked)
		}
		// The quota of 3 is used.
		_, err := aw.Nominate(ctx, w.staffA1, w.round.ID, w.a1.ID, w.nominee("赵六", "230102199004041234", "1990-01-01", "x"), w.sl)
		wantCode(t, "over the quota", err, kexie.CodeConflict)
		// B's staff cannot nominate for A1; an unlisted unit cannot nominate.
		_, err = aw.Nominate(ctx, w.staffB, w.round.ID, w.a1.ID, w.nominee("赵六", "230102199004041234", "1990-01-01", "x"), w.sl)
		wantCode(t, "another unit's staff", err, kexie.CodeNotFound)
		// Too old: 40 on 31 December 2025.
		_, err = aw.Nominate(ctx, w.staffB, w.round.ID, w.b.ID, w.nominee("老人", "230102198512311234", "1985-12-31", "x"), w.sl)
		wantCode(t, "40 on the reference date", err, kexie.CodeInvalid)
		// The unit sees its own nominations only; the outsider nothing.
		if l, _ := aw.Nominations(ctx, w.staffB, w.round.ID); len(l) != 0 {
			t.Errorf("B's staff sees %d of A1's nominations", len(l))
		}
		_, err = aw.Nomination(ctx, w.outsider, noms[0].ID)
		wantCode(t, "outsider reads a nomination", err, kexie.CodeNotFound)
		// After the window: refused.
		clk.set("2025-05-01")
		_, err = aw.Nominate(ctx, w.staffB, w.round.ID, w.b.ID, w.nominee("赵六", "230102199004041234", "1990-01-01", "x"), w.sl)
		wantCode(t, "after the window", err, kexie.CodeConflict)

		// Formal check.
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		wantCode(t, "not accepted without a reason", aw.FormalCheck(ctx, w.sec, noms[2].ID, false, ""), kexie.CodeInvalid)
		dbtest.Must(t, aw.FormalCheck(ctx, w.sec, noms[2].ID, false, "材料不全"))
		wantCode(t, "outsider checks", aw.FormalCheck(ctx, w.outsider, noms[0].ID, true, ""), kexie.CodeNotFound)
		for _, n := range noms[:2] {
			dbtest.Must(t, aw.FormalCheck(ctx, w.sec, n.ID, true, ""))
		}
		if n, _ := aw.Nomination(ctx, w.staffA1, noms[2].ID); n.Status != "not_accepted" || n.CheckReason != "材料不全" {
			t.Errorf("the unit sees %q %q", n.Status, n.CheckReason)
		}
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)

		// Assignment: expert1 works where 张三 works: never assigned to him.
		res, err := aw.Assign(ctx, w.sec, w.round.ID, 7)
		dbtest.Must(t, err)
		if len(res.Infeasible) != 0 || res.Assigned != 4 {
			t.Fatalf("assign %+v", res)
		}
		if slices.Contains(res.Experts[noms[0].ID], w.experts[0].ID) {
			t.Fatal("expert1 assigned to a nominee of the same employer")
		}
		// Reviews: materials only after the declaration; anonymity hides the name.
		for i, u := range w.expertUsers {
			list, err := aw.MyReviews(ctx, u)
			dbtest.Must(t, err)
			for _, v := range list {
				if v.Achievements != "" {
					t.Fatal("materials before the declaration")
				}
				dbtest.Must(t, aw.Declare(ctx, u, v.ID, false, ""))
				v, err = aw.Review(ctx, u, v.ID)
				dbtest.Must(t, err)
				if v.Achievements == "" || v.Name != "" || v.Employer != "" {
					t.Fatalf("after the declaration, anonymous: %+v", v)
				}
				score := int64(9 - i)
				if v.NominationID == noms[1].ID {
					score = 5
				}
				dbtest.Must(t, aw.Score(ctx, u, v.ID, map[string]int64{"innovation": score, "impact": score}))
				// Another expert cannot reach this assignment.
				other := w.expertUsers[(i+1)%3]
				_, err = aw.Review(ctx, other, v.ID)
				wantCode(t, "another expert's assignment", err, kexie.CodeNotFound)
			}
		}
		ranking, ties, err := aw.Ranking(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		if len(ranking) != 2 || ranking[0].NominationID != noms[0].ID || len(ties) != 0 || ranking[0].Scored != 2 {
			t.Fatalf("ranking %+v ties %+v", ranking, ties)
		}
		// 15% of 2 winners is 0 first prizes: both proposed second.
		if ranking[0].Grade != "second" || ranking[1].Grade != "second" {
			t.Errorf("proposed grades %q %q", ranking[0].Grade, ranking[1].Grade)
		}
		// expert1 is conflicted with 张三: as a viewer, its scores are withheld.
		r1, _, err := aw.Ranking(ctx, w.expertUsers[0], w.round.ID)
		wantCode(t, "an expert without awards.manage reads the ranking", err, kexie.CodeNotFound)
		_ = r1

		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		wantCode(t, "a first prize over 15%", aw.Decide(ctx, w.sec, w.round.ID, map[int64]string{noms[0].ID: "first", noms[1].ID: "second"}, "第3次常委会决议"), kexie.CodeConflict)
		clk.set("2025-06-01")
		dbtest.Must(t, aw.Decide(ctx, w.sec, w.round.ID, map[int64]string{noms[0].ID: "second", noms[1].ID: "second"}, "第3次常委会决议"))
		pub, err := aw.PublicityOf(ctx, w.round.ID)
		dbtest.Must(t, err)
		if len(pub.Winners) != 2 || pub.Until != day("2025-06-07") {
			t.Fatalf("publicity %+v", pub)
		}
		// Objections: anonymous refused; by real name received; grade only recorded.
		objector := kexie.Actor{Username: "anonymous", Source: "192.0.2.9"}
		_, err = aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[1].ID, Kind: "individual", Name: "", Contact: "x", Body: "造假"}, w.sl)
		wantCode(t, "anonymous objection", err, kexie.CodeInvalid)
		_, err = aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[1].ID, Kind: "unit", Name: "某单位", ContactPerson: "某人", Contact: "x", Body: "造假"}, w.sl)
		wantCode(t, "a unit without its letter", err, kexie.CodeInvalid)
		ob, err := aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[1].ID, Kind: "individual", Name: "举报人", IDNumber: "230102198001011234", Contact: "13800000000", Body: "论文造假"}, w.sl)
		dbtest.Must(t, err)
		_, err = aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[0].ID, Kind: "individual", Name: "某人", IDNumber: "230102198001011235", Contact: "x", Body: "应为一等奖", GradeOnly: true}, w.sl)
		dbtest.Must(t, err)
		clk.set("2025-06-07")
		_, err = aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[0].ID, Kind: "individual", Name: "某人", IDNumber: "230102198001011235", Contact: "x", Body: "last day"}, w.sl)
		dbtest.Must(t, err)
		clk.set("2025-06-08")
		_, err = aw.Object(ctx, objector, w.round.ID, awards.Objection{NominationID: noms[0].ID, Kind: "individual", Name: "某人", IDNumber: "230102198001011235", Contact: "x", Body: "one day late"}, w.sl)
		wantCode(t, "an objection one day late", err, kexie.CodeConflict)
		// The award office sees who objected; nobody else reaches the list.
		obs, err := aw.Objections(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		if len(obs) != 3 || obs[0].Name != "举报人" || obs[0].IDMasked != "230102************" {
			t.Fatalf("objections %+v", obs)
		}
		_, err = aw.Objections(ctx, w.staffA1, w.round.ID)
		wantCode(t, "the unit reads objections", err, kexie.CodeNotFound)
		// Announcement waits for every objection.
		wantCode(t, "announce with open objections", aw.Announce(ctx, w.sec, w.round.ID), kexie.CodeConflict)
		dbtest.Must(t, aw.CloseObjection(ctx, w.sec, ob.ID, true, "查实"))
		dbtest.Must(t, aw.CloseObjection(ctx, w.sec, obs[2].ID, false, "不实"))
		dbtest.Must(t, aw.Announce(ctx, w.sec, w.round.ID))
		pub, err = aw.PublicityOf(ctx, w.round.ID)
		dbtest.Must(t, err)
		if len(pub.Winners) != 1 || pub.Winners[0].Name != "张三" || pub.Stage != "announced" {
			t.Fatalf("winners %+v", pub.Winners)
		}
		// Next round, two years on: 张三 under another name is refused by his ID.
		clk.set("2027-03-02")
		r2, err := aw.CreateRound(ctx, w.sec, w.prog.ID, awards.Round{Year: 2027, NominateFrom: day("2027-03-01"), NominateTo: day("2027-04-30"),
			Units: []awards.Unit{{OrgID: w.b.ID, Quota: 2}}})
		dbtest.Must(t, err)
		_, err = aw.Nominate(ctx, w.staffB, r2.ID, w.b.ID, w.nominee("张叁", "230102199001011234", "1990-01-01", "x"), w.sl)
		wantCode(t, "a winner again, under another name", err, kexie.CodeInvalid)
		_, err = aw.Nominate(ctx, w.staffB, r2.ID, w.b.ID, w.nominee("李四", "230102199002021234", "1990-01-01", "x"), w.sl)
		dbtest.Must(t, err) // the upheld objection took 李四 off: eligible again
		// The audit log has every step.
		entries, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Action: "award.", Limit: 1000})
		dbtest.Must(t, err)
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, a := range []string{"award.programme.create", "award.round.create", "award.nominate", "award.check", "award.assign", "award.declare", "award.score",
			"award.decide", "award.objection", "award.objection.upheld", "award.announce"} {
			if !seen[a] {
				t.Errorf("no audit entry %s", a)
			}
		}
	})
}

// The register and awards match a person by the same keyed hash of the
// identity document, normalised alike: a lower-case check character "x",
// spaces, or a type in capitals typed on either side is the same person.
func TestIDHashAgreesWithTheRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		mask := func(_, n string) string { return n[:4] + "…" }
		_, _, err = db.Membership.Apply(ctx, dbtest.Admin, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female", Phone: "13800000000",
			IDType: "resident_id", IDNumber: " 23010219900101123x"}, sl, mask)
		dbtest.Must(t, err)
		var stored string
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT id_hash FROM people WHERE name = '王芳'`).Scan(&stored))
		for _, typed := range []string{"23010219900101123X", "23010219900101123x", " 230102 19900101 123x "} {
			if h := awards.IDHash(sl, "resident_id", typed); h != stored {
				t.Errorf("awards hash of %q differs from the register's", typed)
			}
		}
		if awards.IDHash(sl, "Resident_ID", "23010219900101123X") != stored {
			t.Error("the document type's case changes the hash")
		}
	})
}

// A winner is recommended on to a round of the programme's higher
// programme by its award office, carrying the nominee and the materials
// (the identity document as sealed: the same mask and hash); a nominee
// who has not won, a round of another programme, another office, a
// second recommendation are refused.
func TestRecommendToHigher(t *testing.T) {
	clk := &clock{}
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return clk.now }}, func(t *testing.T, db *dbtest.DB) {
		w := setup(t, db, clk, 30, gradesFirstSecond())
		aw := db.Awards
		only := []awardrule.Grade{{Code: "only", NameZH: "青年奖"}}
		higher, err := aw.CreateProgramme(ctx, w.sec, awards.Programme{OrgID: w.a.ID, Code: "NATIONAL", NameZH: "全国青年奖", CycleYears: 2, Grades: only,
			Eligibility: awardrule.Eligibility{MaxAge: 45}})
		dbtest.Must(t, err)
		lower, err := aw.CreateProgramme(ctx, w.sec, awards.Programme{OrgID: w.a.ID, Code: "LOWER", NameZH: "省青年奖", CycleYears: 2, Grades: only,
			HigherID: higher.ID, Form: []awardrule.Criterion{{Code: "merit", Weight: 1, Max: 10}}})
		dbtest.Must(t, err)
		x, err := aw.AddExpert(ctx, w.sec, lower.ID, awards.Expert{UserID: w.expertUsers[1].UserID, Name: "expert2", Employer: "东北林业大学"}, w.sl)
		dbtest.Must(t, err)
		_ = x
		clk.set("2025-03-10")
		lr, err := aw.CreateRound(ctx, w.sec, lower.ID, awards.Round{Year: 2025, NominateFrom: day("2025-03-01"), NominateTo: day("2025-04-30"), PublicityDays: 5,
			ExpertsPer: 1, Units: []awards.Unit{{OrgID: w.a1.ID, Quota: 2}}})
		dbtest.Must(t, err)
		n, err := aw.Nominate(ctx, w.staffA1, lr.ID, w.a1.ID, w.nominee("张三", "230102199001011234", "1990-01-01", "哈尔滨工业大学"), w.sl)
		dbtest.Must(t, err)
		for range 2 {
			_, err = aw.Advance(ctx, w.sec, lr.ID)
			dbtest.Must(t, err)
			if err == nil && n.Status == "submitted" {
				dbtest.Must(t, aw.FormalCheck(ctx, w.sec, n.ID, true, ""))
				n.Status = "accepted"
			}
		}
		_, err = aw.Assign(ctx, w.sec, lr.ID, 1)
		dbtest.Must(t, err)
		vs, err := aw.MyReviews(ctx, w.expertUsers[1])
		dbtest.Must(t, err)
		for _, v := range vs {
			if v.NominationID == n.ID {
				dbtest.Must(t, aw.Declare(ctx, w.expertUsers[1], v.ID, false, ""))
				dbtest.Must(t, aw.Score(ctx, w.expertUsers[1], v.ID, map[string]int64{"merit": 9}))
			}
		}
		_, err = aw.Advance(ctx, w.sec, lr.ID)
		dbtest.Must(t, err)
		clk.set("2025-06-01")
		dbtest.Must(t, aw.Decide(ctx, w.sec, lr.ID, map[int64]string{n.ID: "only"}, "决议"))
		hr, err := aw.CreateRound(ctx, w.sec, higher.ID, awards.Round{Year: 2025, NominateFrom: day("2025-06-01"), NominateTo: day("2025-06-30"),
			Units: []awards.Unit{{OrgID: w.a.ID, Quota: 3}}})
		dbtest.Must(t, err)
		_, err = aw.Recommend(ctx, w.sec, n.ID, hr.ID)
		wantCode(t, "a proposed winner, not yet announced", err, kexie.CodeConflict)
		clk.set("2025-06-06")
		dbtest.Must(t, aw.Announce(ctx, w.sec, lr.ID))
		_, err = aw.Recommend(ctx, w.sec, n.ID, w.round.ID)
		wantCode(t, "a round of another programme", err, kexie.CodeInvalid)
		_, err = aw.Recommend(ctx, w.outsider, n.ID, hr.ID)
		wantCode(t, "another award office", err, kexie.CodeNotFound)
		rec, err := aw.Recommend(ctx, w.sec, n.ID, hr.ID)
		dbtest.Must(t, err)
		if rec.RoundID != hr.ID || rec.UnitID != w.a.ID || rec.IDMasked != n.IDMasked || rec.Achievements != n.Achievements || rec.Name != "张三" || rec.Status != "submitted" {
			t.Fatalf("recommended %+v", rec)
		}
		_, err = aw.Recommend(ctx, w.sec, n.ID, hr.ID)
		wantCode(t, "recommended twice", err, kexie.CodeConflict)
		// The carried identity is the same person: nominating them again
		// in the higher round, under another name, is refused.
		_, err = aw.Nominate(ctx, w.sec, hr.ID, w.a.ID, w.nominee("张叁", "230102199001011234", "1990-01-01", "x"), w.sl)
		wantCode(t, "the same person again", err, kexie.CodeConflict)
	})
}

// The assignment evaluates the conflict rule in Go over the round's rows;
// the ranking and the scoring ask conflictSQL. On random data — shared
// employers, the expert's organisation as unit or as the nominee's
// employer, the nominee themself, relations for life and within or
// outside the window, pinned, declared and waived conflicts — both give
// the same pairs.
func TestConflictPairsAgreeWithSQL(t *testing.T) {
	clk := &clock{}
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return clk.now }}, func(t *testing.T, db *dbtest.DB) {
		w := setup(t, db, clk, 30, gradesFirstSecond())
		aw := db.Awards
		rng := rand.New(rand.NewPCG(7, 11))
		employers := []string{"甲大学", "乙研究所", "丙公司", ""}
		orgs := []int64{0, w.a1.ID, w.b.ID}
		idOf := func(i int) string { return fmt.Sprintf("2301021990%02d%02d%04d", i%12+1, i%28+1, i) }
		var experts []awards.Expert
		for i := range 8 {
			x := awards.Expert{Name: fmt.Sprintf("专家%d", i), Employer: employers[rng.IntN(len(employers))], OrgID: orgs[rng.IntN(len(orgs))]}
			if i%4 == 0 {
				x.IDNumber = idOf(100 + rng.IntN(3)) // the same person as a nominee, sometimes
			}
			e, err := aw.AddExpert(ctx, w.sec, w.prog.ID, x, w.sl)
			dbtest.Must(t, err)
			experts = append(experts, e)
		}
		experts = append(experts, w.experts...)
		clk.set("2025-03-10")
		var noms []awards.Nomination
		for i := range 12 {
			unit := []int64{w.a1.ID, w.b.ID}[i%2]
			staff := []kexie.Actor{w.staffA1, w.staffB}[i%2]
			n := w.nominee(fmt.Sprintf("候选人%d", i), idOf(100+i), "1990-01-01", employers[rng.IntN(len(employers))])
			n.EmployerOrg = orgs[rng.IntN(len(orgs))]
			if i >= 6 {
				// Over the quota of 3: nominated by the office for the unit.
				staff = w.sec
			}
			x, err := aw.Nominate(ctx, staff, w.round.ID, unit, n, w.sl)
			if kexie.ErrorCode(err) == kexie.CodeConflict {
				dbtest.Must(t, aw.SetUnits(ctx, w.sec, w.round.ID, []awards.Unit{{OrgID: w.a1.ID, Quota: 20}, {OrgID: w.b.ID, Quota: 20}}))
				x, err = aw.Nominate(ctx, staff, w.round.ID, unit, n, w.sl)
			}
			dbtest.Must(t, err)
			noms = append(noms, x)
		}
		for _, x := range experts[:8] {
			for range 3 {
				kind := []string{"advisor", "family", "coauthor", "collaborator"}[rng.IntN(4)]
				dbtest.Must(t, aw.AddRelation(ctx, w.sec, x.ID, awards.Relation{IDNumber: idOf(100 + rng.IntN(12)), Kind: kind, Year: []int{2010, 2020, 2024, 2025}[rng.IntN(4)]}, w.sl))
			}
		}
		_, err := aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		for _, n := range noms {
			dbtest.Must(t, aw.FormalCheck(ctx, w.sec, n.ID, true, ""))
		}
		for range 20 {
			x, n := experts[rng.IntN(8)], noms[rng.IntN(len(noms))]
			mode := []string{"pinned", "waived"}[rng.IntN(2)]
			if err := aw.SetConflict(ctx, w.sec, x.ID, n.ID, mode, "理由"); err != nil && kexie.ErrorCode(err) != kexie.CodeConflict {
				t.Fatal(err) // waiving the expert's own nomination is refused
			}
		}
		goPairs, err := awards.ConflictPairsGo(ctx, db.DB, w.round.ID)
		dbtest.Must(t, err)
		sqlPairs, err := awards.ConflictPairsSQL(ctx, db.DB, w.round.ID)
		dbtest.Must(t, err)
		if len(sqlPairs) == 0 || len(sqlPairs) == len(noms)*len(experts) {
			t.Fatalf("the data makes %d of %d pairs conflicted: not a test", len(sqlPairs), len(noms)*len(experts))
		}
		for k := range sqlPairs {
			if !goPairs[k] {
				t.Errorf("pair %v: conflicted by SQL, not by Go", k)
			}
		}
		for k := range goPairs {
			if !sqlPairs[k] {
				t.Errorf("pair %v: conflicted by Go, not by SQL", k)
			}
		}
	})
}

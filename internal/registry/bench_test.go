package registry_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// benchTree builds a federation of about 100,000 organisations, six levels
// deep (national → 30 provinces → 300 cities → 3,600 counties → 36,000
// townships → 60,000 villages), plus one city with exactly 500 descendants
// to move. Building it takes a while; benchmarks share one per run.
func benchTree(b *testing.B) (*dbtest.DB, map[string]kexie.Organisation) {
	b.Helper()
	dir := b.TempDir()
	sdb, err := sqldb.Open(ctx, sqldb.Config{Path: filepath.Join(dir, "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	db := dbtest.Wrap(sdb)
	b.Cleanup(func() { db.Close(); os.RemoveAll(dir) })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var rows []registry.ImportRow
	add := func(code, parent, kind string) {
		rows = append(rows, registry.ImportRow{Line: len(rows) + 2, Org: kexie.Organisation{Code: code, ParentCode: parent,
			Kind: kexie.OrgKind(kind), NameZH: code, Status: kexie.OrgActive, Independent: len(rows)%3 == 0}})
	}
	add("ROOT", "", "national_association")
	villages := 0
	for p := 0; p < 30; p++ {
		pc := fmt.Sprintf("P%02d", p)
		add(pc, "ROOT", "provincial_association")
		for c := 0; c < 10; c++ {
			cc := fmt.Sprintf("%s-C%02d", pc, c)
			add(cc, pc, "municipal_association")
			for k := 0; k < 12; k++ {
				kc := fmt.Sprintf("%s-K%02d", cc, k)
				add(kc, cc, "county_association")
				for t := 0; t < 10; t++ {
					tc := fmt.Sprintf("%s-T%02d", kc, t)
					add(tc, kc, "township_association")
					for v := 0; v < 2 && villages < 60000; v++ {
						add(fmt.Sprintf("%s-V%d", tc, v), tc, "rural_tech_association")
						villages++
					}
				}
			}
		}
	}
	// The city to move: 20 counties × (1 + 24 townships) = 500 descendants.
	add("MOVE", "P00", "municipal_association")
	for k := 0; k < 20; k++ {
		kc := fmt.Sprintf("MOVE-K%02d", k)
		add(kc, "MOVE", "county_association")
		for t := 0; t < 24; t++ {
			add(fmt.Sprintf("%s-T%02d", kc, t), kc, "township_association")
		}
	}
	out, err := db.Registry.ImportOrgs(ctx, kexie.SystemActor("bench"), rows, registry.ImportOptions{})
	if err != nil || len(out.Rejected) > 0 {
		b.Fatalf("build: %v %+v", err, out.Rejected)
	}
	orgs := map[string]kexie.Organisation{}
	for _, c := range []string{"ROOT", "P00", "P01", "MOVE", "P07-C03-K05-T02-V1"} {
		if orgs[c], err = db.Registry.OrgByCode(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	return db, orgs
}

// BenchmarkRegistry measures the registry's hot paths on SQLite; results
// are recorded in docs/benchmarks.md.
func BenchmarkRegistry(b *testing.B) {
	db, orgs := benchTree(b)
	b.Run("rollup-root", func(b *testing.B) {
		for b.Loop() {
			st, err := db.Registry.OrgStats(ctx, orgs["ROOT"])
			if err != nil || st.Subtree["rural_tech_association"] != 60000 {
				b.Fatal(st, err)
			}
		}
	})
	b.Run("rollup-province", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Registry.OrgStats(ctx, orgs["P01"]); err != nil {
				b.Fatal(err)
			}
		}
	})
	staff, err := db.Access.CreateUser(ctx, kexie.SystemActor("bench"), access.NewUser{Username: "bench.staff", Password: "bench password", Role: kexie.RoleStaff, OrgID: orgs["P07-C03-K05-T02-V1"].ID})
	if err != nil {
		b.Fatal(err)
	}
	prov, err := db.Access.CreateUser(ctx, kexie.SystemActor("bench"), access.NewUser{Username: "bench.province", Password: "bench password", Role: kexie.RoleStaff, OrgID: orgs["P01"].ID})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("membership-check", func(b *testing.B) {
		leaf := orgs["P07-C03-K05-T02-V1"].ID
		for b.Loop() {
			ok, err := db.Can(ctx, prov.ID, kexie.PermMembershipWrite, leaf)
			if err != nil || ok {
				b.Fatal(ok, err)
			}
			ok, err = db.Can(ctx, staff.ID, kexie.PermMembershipWrite, leaf)
			if err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N)/1000, "µs/check")
	})
	b.Run("move-500", func(b *testing.B) {
		to := []int64{orgs["P01"].ID, orgs["P00"].ID}
		i := 0
		for b.Loop() {
			if err := db.Registry.MoveOrg(ctx, kexie.SystemActor("bench"), orgs["MOVE"].ID, to[i%2]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

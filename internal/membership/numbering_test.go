package membership_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// numberModel is member numbering done the slow, obvious way: a counter
// per organisation that passes over every number taken; a row with a
// number takes it (an update when an earlier import wrote it, a rejection
// when an earlier row of the same import did).
type numberModel struct {
	counter  map[string]int64
	taken    map[string]map[string]bool
	number   map[string]string // holder's name → member number
	owner    map[string]string // org|number → holder's name
	thisFile map[string]bool   // org|number written by the current import
}

func (md *numberModel) row(org, no, name string) bool {
	if md.taken[org] == nil {
		md.taken[org] = map[string]bool{}
	}
	if no == "" {
		c := max(md.counter[org], 1)
		for md.taken[org][fmt.Sprintf("%s-%06d", org, c)] {
			c++
		}
		no, md.counter[org] = fmt.Sprintf("%s-%06d", org, c), c+1
	}
	k := org + "|" + no
	if md.thisFile[k] {
		return false
	}
	if md.taken[org][no] {
		delete(md.number, md.owner[k]) // the stored member takes this row's details
	}
	md.thisFile[k], md.taken[org][no], md.owner[k], md.number[name] = true, true, name, no
	return true
}

// Imports of random files (rows with and without numbers, numbers in the
// counter's form and not, some too large to keep in memory, several
// organisations, a first load and then imports into a register that holds
// members) number exactly as the model does: the same numbers, the same
// rejected rows, the same counters (no gaps).
func TestImportNumbersAsTheModelDoes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for seed := uint64(1); seed <= 4; seed++ {
			if seed > 1 {
				db = dbtest.OpenSQLite(t, dbtest.Options{})
				if t.Name() == "TestImportNumbersAsTheModelDoes/postgres" {
					db = dbtest.OpenPostgres(t, dbtest.Options{})
				}
			}
			dbtest.Tree(t, db)
			rng := rand.New(rand.NewPCG(seed, 99))
			md := &numberModel{counter: map[string]int64{}, taken: map[string]map[string]bool{}, number: map[string]string{}, owner: map[string]string{}}
			orgs := []string{"A", "B", "A1"}
			people := 0
			for imp := 0; imp < 3; imp++ {
				var rows []kexie.MemberRecord
				seen := map[string]bool{} // the reading side rejects a number twice in one organisation
				for range 1 + rng.IntN(300) {
					org := orgs[rng.IntN(len(orgs))]
					no := ""
					switch x := rng.IntN(20); {
					case x < 2:
						no = fmt.Sprintf("%s-%06d", org, 1+rng.IntN(200))
					case x < 3:
						no = fmt.Sprintf("Z-%d", rng.IntN(50))
					case x < 4 && rng.IntN(4) == 0:
						no = fmt.Sprintf("%s-%d", org, 1<<24+rng.IntN(3))
					}
					if no != "" && seen[org+"|"+no] {
						continue
					}
					seen[org+"|"+no] = no != ""
					people++
					rows = append(rows, kexie.MemberRecord{Line: len(rows) + 2, OrgCode: org, MemberNo: no, Type: "individual",
						Name: fmt.Sprintf("人%d", people), Status: "active"})
				}
				md.thisFile = map[string]bool{}
				var want []int
				for _, m := range rows {
					if !md.row(m.OrgCode, m.MemberNo, m.Name) {
						want = append(want, m.Line)
					}
				}
				out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
				if err != nil {
					t.Fatalf("seed %d import %d: %v", seed, imp, err)
				}
				var got []int
				for _, r := range out.Rejected {
					got = append(got, r.Line)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("seed %d import %d: rejected lines %v, the model %v", seed, imp, got, want)
				}
			}
			names, counters, err := db.MemberNumbersForTest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var diffs []string
			for name, no := range md.number {
				if names[name] != no {
					diffs = append(diffs, fmt.Sprintf("%s: %s, the model %s", name, names[name], no))
				}
			}
			if len(names) != len(md.number) {
				diffs = append(diffs, fmt.Sprintf("%d members, the model %d", len(names), len(md.number)))
			}
			for org, c := range md.counter {
				if counters[org] != c {
					diffs = append(diffs, fmt.Sprintf("counter of %s: %d, the model %d", org, counters[org], c))
				}
			}
			sort.Strings(diffs)
			if len(diffs) > 0 {
				t.Fatalf("seed %d: %v", seed, diffs[:min(10, len(diffs))])
			}
		}
	})
}

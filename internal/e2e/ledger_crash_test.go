package e2e

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/cli"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// ledgerBurst is the child's work in the crash test: post entries to
// HLJ's books as fast as it can, one transaction each (four lines, some
// charging the restricted fund and so posting its release), and print
// each reference once it is committed — until it is killed.
func ledgerBurst(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "ledger-burst DBPATH PREFIX")
		return 2
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldb.Config{Path: args[0]})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := db.Migrate(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	h := cli.NewHouse(db)
	org, err := h.Registry.OrgByCode(ctx, "HLJ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	actor := kexie.Actor{Username: "cli:burst", Source: "cli", System: true}
	out := bufio.NewWriter(os.Stdout)
	for k := 1; ; k++ {
		ref := fmt.Sprintf("%s-%d", args[1], k)
		fund := ""
		if k%4 == 0 {
			fund = "YSTA"
		}
		e := finance.ImportEntry{Ref: ref, Lines: []finance.ImportLine{
			{Line: 2, Date: "2024-06-01", Account: "5101", Fund: fund, Debit: "1.50"},
			{Line: 3, Date: "2024-06-01", Account: "5201", Debit: "2"},
			{Line: 4, Date: "2024-06-01", Account: "1002", Credit: "1.50"},
			{Line: 5, Date: "2024-06-01", Account: "1001", Credit: "2"},
		}}
		res, err := h.Finance.Import(ctx, actor, org.ID, []finance.ImportEntry{e}, false)
		if err != nil || res.Posted != 1 {
			fmt.Fprintln(os.Stderr, ref, err, res.Rejected)
			return 1
		}
		fmt.Fprintln(out, ref)
		out.Flush()
	}
}

// TestLedgerSurvivesKill9: the real kexie, killed with SIGKILL at random
// points during an import of a large journal and during a burst of
// postings, round after round. After each kill every entry is there
// whole or not at all (each posted entry's lines balance and are all
// there; the import's entries are all there or none, as it is one
// transaction; every reference the burst saw committed is there), and
// `kexie ledger verify` passes — hash chain, balances equal to the lines.
// The import is then run to its end, posting what the killed one did not.
func TestLedgerSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process in rounds; skipped with -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	want(t, run(t, "", nil, "import", "orgs", orgsFile(t, dir), "--db", db), 0, "orgs:")
	// The fund, with more money than the rounds will ever spend.
	seed := filepath.Join(dir, "seed.csv")
	if err := os.WriteFile(seed, []byte("entry,date,account,fund,debit,credit,memo\nS1,2024-01-02,1002,,1000000,,捐赠\nS1,2024-01-02,4101,YSTA,,1000000,青年科技奖\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "", nil, "ledger", "import", "HLJ", seed, "--db", db), 0, "1 posted")

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	deadline := time.Now().Add(20 * time.Second)
	const rounds = 4
	for round := 1; round <= rounds && time.Now().Before(deadline); round++ {
		// An import of 3,000 entries (12,000 lines), killed part way.
		file := filepath.Join(dir, fmt.Sprintf("j%d.csv", round))
		prefix := fmt.Sprintf("R%d", round)
		if err := writeJournal(file, prefix, 3000, 2024); err != nil {
			t.Fatal(err)
		}
		cmd := child("ledger", "import", "HLJ", file, "--db", db)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rng.IntN(1500)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		n := countRefs(t, db, prefix+"-")
		if n != 0 && n != 3000 {
			t.Fatalf("round %d: the killed import left %d of its 3000 entries", round, n)
		}
		verified(t, db, round, "import")

		// A burst of postings, one transaction each, killed part way.
		bprefix := fmt.Sprintf("B%d", round)
		cmd = child("ledger-burst", db, bprefix)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		seen := make(chan []string, 1)
		first := make(chan struct{})
		go func() {
			var refs []string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if refs = append(refs, sc.Text()); len(refs) == 1 {
					close(first)
				}
			}
			seen <- refs
		}()
		// The kill falls at a random moment once the burst is posting: on
		// a busy machine starting the process alone can take longer than
		// the longest wait.
		select {
		case <-first:
		case <-time.After(time.Minute):
		}
		time.Sleep(time.Duration(rng.IntN(1200)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		committed := <-seen
		if len(committed) == 0 {
			t.Fatalf("round %d: the burst committed nothing before the kill", round)
		}
		got := countRefs(t, db, bprefix+"-")
		// Every entry it saw committed is there; at most the one in
		// flight beyond them.
		if got < len(committed) || got > len(committed)+1 {
			t.Fatalf("round %d: the burst saw %d entries committed, the books hold %d", round, len(committed), got)
		}
		verified(t, db, round, "burst")

		// The killed import, run again to its end, posts the rest.
		r := run(t, "", nil, "ledger", "import", "HLJ", file, "--db", db)
		if r.code != 0 || !strings.Contains(r.stdout, "ledger: 3000 entries read, ") {
			t.Fatalf("round %d: import after the kill: %d %s %s", round, r.code, r.stdout, r.stderr)
		}
		if m := countRefs(t, db, prefix+"-"); m != 3000 {
			t.Fatalf("round %d: %d entries after the import ran to its end", round, m)
		}
		t.Logf("round %d: import killed with %d of 3000 posted; burst killed after %d committed", round, n, len(committed))
	}
	verified(t, db, 0, "end")
}

// countRefs is how many entries of HLJ's books have a reference starting
// with prefix, checking on the way that each is whole: its lines there,
// debits equal to credits equal to its total.
func countRefs(t *testing.T, path, prefix string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, broken int
	err = raw.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.d = e.total AND s.c = e.total AND s.n >= 2 THEN 0 ELSE 1 END), 0)
		FROM ledger_entries e LEFT JOIN (SELECT entry_id, SUM(debit) d, SUM(credit) c, COUNT(*) n FROM ledger_lines GROUP BY entry_id) s ON s.entry_id = e.id
		WHERE e.reference LIKE ? AND e.status = 'posted' AND e.kind <> 'release'`, prefix+"%").Scan(&n, &broken)
	if err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Fatalf("%d entries %s… are not whole", broken, prefix)
	}
	return n
}

// verified runs `kexie ledger verify HLJ` in its own process, as an
// operator would after the restart.
func verified(t *testing.T, db string, round int, after string) {
	t.Helper()
	cmd := child("ledger", "verify", "HLJ", "--db", db)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "balances exact") {
		t.Fatalf("round %d, after the %s: verify: %v\n%s", round, after, err, out)
	}
}

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"

	"github.com/kexie/kexie/internal/cli"
)

// The ledger's crash test and import benchmark run kexie as a child
// process — this test binary started again with KEXIE_CHILD set, which
// runs the command line it is given and exits as the binary would — so it
// can be killed with SIGKILL, and its memory measured, apart from the
// test's own.
func TestMain(m *testing.M) {
	if os.Getenv("KEXIE_CHILD") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		// KEXIE_CHILD_CPUPROFILE=FILE profiles the child (the import
		// benchmark's process) as go test -cpuprofile would the test.
		if f := os.Getenv("KEXIE_CHILD_CPUPROFILE"); f != "" {
			out, err := os.Create(f)
			if err == nil && pprof.StartCPUProfile(out) == nil {
				code := cli.Run(context.Background(), args, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
				pprof.StopCPUProfile()
				out.Close()
				os.Exit(code)
			}
		}
		if len(args) > 0 && args[0] == "ledger-burst" {
			os.Exit(ledgerBurst(args[1:]))
		}
		os.Exit(cli.Run(context.Background(), args, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
	}
	os.Exit(m.Run())
}

// child is the command line args run as a separate kexie process.
func child(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "KEXIE_CHILD=1")
	return cmd
}

// maxRSS is the most memory a finished child held, in bytes.
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return 0
}

// writeJournal writes a journal file of n entries of four lines each,
// references prefix-1 … prefix-n, dated through year: dues and donations
// received (one donation in eight restricted to the fund YSTA), expenses
// paid from the bank and cash, one expense in eight charged to YSTA (its
// release posted by the system).
func writeJournal(path, prefix string, n, year int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "entry,date,account,fund,debit,credit,memo")
	for i := 1; i <= n; i++ {
		ref := fmt.Sprintf("%s-%d", prefix, i)
		date := fmt.Sprintf("%04d-%02d-%02d", year, 1+(i*12/(n+1)), 1+i%28)
		a, b := 100+i%997, 50+i%313
		if i%2 == 1 {
			fund := ""
			if i%8 == 1 {
				fund = "YSTA"
			}
			fmt.Fprintf(w, "%s,%s,1002,,%d.%02d,,会费与捐赠\n", ref, date, a, i%100)
			fmt.Fprintf(w, "%s,%s,1001,,%d,,会费与捐赠\n", ref, date, b)
			fmt.Fprintf(w, "%s,%s,4201,,,%d.%02d,会费\n", ref, date, a, i%100)
			fmt.Fprintf(w, "%s,%s,4101,%s,,%d,青年科技奖\n", ref, date, fund, b)
		} else {
			fund := ""
			if i%8 == 2 && i > 8 {
				fund = "YSTA"
			}
			fmt.Fprintf(w, "%s,%s,5101,%s,%d,,活动\n", ref, date, fund, b/2)
			fmt.Fprintf(w, "%s,%s,5201,,%d,,办公\n", ref, date, b-b/2)
			fmt.Fprintf(w, "%s,%s,1002,,,%d,活动\n", ref, date, b/2)
			fmt.Fprintf(w, "%s,%s,1001,,,%d,办公\n", ref, date, b-b/2)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// orgsFile writes the registry file of the ledger tests: the national
// association and Heilongjiang.
func orgsFile(t testing.TB, dir string) string {
	t.Helper()
	orgs := dir + "/orgs.csv"
	if err := os.WriteFile(orgs, []byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科学技术协会\nHLJ,ROOT,provincial_association,黑龙江省科学技术协会\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return orgs
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

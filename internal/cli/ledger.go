package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/kexie"
)

// runLedger is "kexie ledger import|verify|report CODE …".
func runLedger(ctx context.Context, env Env, args []string) error {
	action, args := splitName(args)
	switch action {
	case "import":
		return runLedgerImport(ctx, env, args)
	case "verify":
		return runLedgerVerify(ctx, env, args)
	case "report":
		return runLedgerReport(ctx, env, args)
	case "sources":
		return runLedgerSources(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, "Usage: kexie ledger import CODE FILE [--errors OUT.csv] [--dry-run] | verify CODE | report CODE --year YYYY [--json] | sources CODE (--year YYYY | --from YYYY-MM --to YYYY-MM) [--json]")
	return errUsage
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments, and returns these.
func parseInterspersed(fs *flag.FlagSet, env Env, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, env, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runLedgerImport(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "ledger import", "ledger import CODE FILE [--errors OUT.csv] [--dry-run] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	errorsOut := fs.String("errors", "", "write the rejected entries and why to this CSV file")
	dry := fs.Bool("dry-run", false, "check everything, post nothing")
	pos, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return errUsage
	}
	// A journal is read whole before it posts (an entry's lines may be
	// anywhere in the file), a million lines some 150 MB, given back as
	// the entries post: past 250 MB the collector works harder rather than
	// let the heap grow to twice what it holds.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(250 << 20))
	return withHouse(ctx, env, d, func(h *House) error {
		org, err := h.Registry.OrgByCode(ctx, pos[0])
		if err != nil {
			return err
		}
		f, err := os.Open(pos[1])
		if err != nil {
			return err
		}
		defer f.Close()
		entries, err := finance.ReadJournal(pos[1], f)
		if err != nil {
			return err
		}
		res, err := h.Finance.ImportConsuming(ctx, cliActor(), org.ID, entries, *dry)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "ledger: %d entries read, %d posted, %d rejected\n", res.Read, res.Posted, len(res.Rejected))
		if *errorsOut != "" {
			out, err := os.OpenFile(*errorsOut, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			w := csv.NewWriter(out)
			_ = w.Write([]string{"entry", "line", "reason"})
			for _, r := range res.Rejected {
				_ = w.Write([]string{neutralise(r.Ref), fmt.Sprint(r.Line), r.Reason.Message})
			}
			w.Flush()
			if err := w.Error(); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		}
		if len(res.Rejected) > 0 {
			for _, r := range res.Rejected {
				fmt.Fprintf(env.Stderr, "entry %s (line %d): %s\n", r.Ref, r.Line, r.Reason.Message)
			}
			return exitError{code: 1}
		}
		return nil
	})
}

// neutralise keeps a spreadsheet from reading a cell as a formula.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func runLedgerVerify(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "ledger verify", "ledger verify CODE [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	code, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(h *House) error {
		org, err := h.Registry.OrgByCode(ctx, code)
		if err != nil {
			return err
		}
		problems, err := h.Finance.Verify(ctx, org.ID)
		if err != nil {
			return err
		}
		head, err := h.Finance.HeadOf(ctx, org.ID)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Fprintln(env.Stdout, p)
		}
		if len(problems) > 0 {
			fmt.Fprintf(env.Stdout, "ledger %s: %d problems\n", org.Code, len(problems))
			return exitError{code: 1}
		}
		fmt.Fprintf(env.Stdout, "ledger %s: %d entries verified, balances exact\n", org.Code, head.Seq)
		return nil
	})
}

func runLedgerReport(ctx context.Context, env Env, args []string) error {
	return ledgerYear(ctx, env, args, "report", "print the report as JSON", (*finance.Service).YearReport, func(r finance.Report) {
		fmt.Fprintf(env.Stdout, "%s %d\n", r.Org, r.Year)
		for _, c := range finance.CodesOf(finance.KindIncome) {
			a, _ := finance.DefaultAccount(c)
			fmt.Fprintf(env.Stdout, "  %s %s: unrestricted %s, restricted %s\n", c, a.NameZH, yuan(r.Income[c].Unrestricted), yuan(r.Income[c].Restricted))
		}
		for _, c := range finance.CodesOf(finance.KindExpense) {
			a, _ := finance.DefaultAccount(c)
			fmt.Fprintf(env.Stdout, "  %s %s: %s\n", c, a.NameZH, yuan(r.Expenses[c]))
		}
		fmt.Fprintf(env.Stdout, "  released %s; change %s / %s; net assets %s / %s\n", yuan(r.Released), yuan(r.Change.Unrestricted), yuan(r.Change.Restricted),
			yuan(r.NetAssets.Unrestricted), yuan(r.NetAssets.Restricted))
	})
}

// runLedgerSources prints the income by source of funds, the figures
// the statistics forms ask for, of a year (--year) or of a period of
// whole months (--from, --to: YYYY-MM, or days on month boundaries);
// report's JSON stays as its contract says.
func runLedgerSources(ctx context.Context, env Env, args []string) error {
	show := func(r finance.IncomeBySource) {
		if r.Year != 0 {
			fmt.Fprintf(env.Stdout, "%s %d income by source\n", r.Org, r.Year)
		} else {
			fmt.Fprintf(env.Stdout, "%s %s to %s income by source\n", r.Org, r.From, r.To)
		}
		for _, s := range finance.SourceNames {
			fmt.Fprintf(env.Stdout, "  %-10s %s\n", s, yuan(r.Sources[s]))
		}
		fmt.Fprintf(env.Stdout, "  %-10s %s\n", "total", yuan(r.Total))
	}
	if !hasFlag(args, "from") && !hasFlag(args, "to") {
		return ledgerYear(ctx, env, args, "sources", "print the figures as JSON", (*finance.Service).IncomeBySource, show)
	}
	fs := newFlagSet(env, "ledger sources", "ledger sources CODE (--year YYYY | --from YYYY-MM --to YYYY-MM) [--json] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	year := fs.Int("year", 0, "the year (YYYY)")
	from := fs.String("from", "", "the period's first month (YYYY-MM, or its first day)")
	to := fs.String("to", "", "the period's last month (YYYY-MM, or its last day)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	pos, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *year != 0 || *from == "" || *to == "" {
		fs.Usage()
		return errUsage
	}
	return withHouse(ctx, env, d, func(h *House) error {
		org, err := h.Registry.OrgByCode(ctx, pos[0])
		if err != nil {
			return err
		}
		f, t, err := finance.ParsePeriod(*from, *to, kexie.Today(h.DB.Now()))
		if err != nil {
			return err
		}
		r, err := h.Finance.IncomeBySourceIn(ctx, org, f, t)
		if err != nil {
			return err
		}
		return printed(env, *asJSON, r, show)
	})
}

// hasFlag reports whether args carry the flag -name or --name (with its
// value after = or as the next argument).
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a, _, _ = strings.Cut(strings.TrimLeft(a, "-"), "=")
		if a == name {
			return true
		}
	}
	return false
}

// ledgerYear runs `ledger NAME CODE --year YYYY [--json]`: figures of one
// organisation's books for a year, printed as JSON or, by text, in words.
func ledgerYear[T any](ctx context.Context, env Env, args []string, name, jsonHelp string,
	of func(*finance.Service, context.Context, kexie.Organisation, int) (T, error), text func(T)) error {
	fs := newFlagSet(env, "ledger "+name, "ledger "+name+" CODE --year YYYY [--json] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	year := fs.Int("year", 0, "the year (YYYY)")
	asJSON := fs.Bool("json", false, jsonHelp)
	pos, err := parseInterspersed(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *year == 0 {
		fs.Usage()
		return errUsage
	}
	return withHouse(ctx, env, d, func(h *House) error {
		org, err := h.Registry.OrgByCode(ctx, pos[0])
		if err != nil {
			return err
		}
		r, err := of(h.Finance, ctx, org, *year)
		if err != nil {
			return err
		}
		return printed(env, *asJSON, r, text)
	})
}

// printed prints a ledger command's figures: as JSON, or in words by text.
func printed[T any](env Env, asJSON bool, r T, text func(T)) error {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	text(r)
	return nil
}

func yuan(fen int64) string { return kexie.Money(fen).String() }

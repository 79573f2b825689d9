package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/orgfile"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/web/registryweb"
)

func runImport(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && args[0] == "members" {
		return runImportMembers(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "attendance" {
		return runImportAttendance(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "orgs" {
		fmt.Fprintln(env.Stderr, "Usage: kexie import orgs|members|attendance FILE [--dry-run] [--errors OUT.csv] [--db PATH | --dsn postgres://…]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(env, "import orgs", "import orgs FILE.(csv|xlsx) [--dry-run] [--errors OUT.csv] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	dry := fs.Bool("dry-run", false, "check every row and report, but write nothing")
	errFile := fs.String("errors", "", "write one line per rejected row (line number, code, reason) to this CSV file")
	file, err := parseNamed(env, fs, args[1:])
	if err != nil {
		return err
	}
	// Whatever goes wrong with the file as a whole, the command still ends
	// with its one summary line (nothing read) and a non-zero exit.
	fileError := func(err error) error {
		fmt.Fprintf(env.Stderr, "kexie import: %s: %s\n", file, userMessage(err))
		fmt.Fprintln(env.Stdout, orgfile.Summary(0, 0, 0, 0, 0, 0))
		return exitError{code: 1}
	}
	f, err := os.Open(file)
	if err != nil {
		return fileError(err)
	}
	parsed, err := orgfile.Read(file, f)
	f.Close()
	if err != nil {
		return fileError(err)
	}
	checked, rejected := orgfile.CheckAll(parsed)
	rows := make([]registry.ImportRow, len(checked))
	for i, row := range checked {
		rows[i] = registry.ImportRow{Line: row.Line, Org: row.Org, Has: row.Has}
	}
	db, cleanup, err := openForImport(ctx, env, d, *dry)
	if err != nil {
		return err
	}
	defer cleanup()
	bar := newProgress(env, "importing", len(rows))
	out, err := db.Registry.ImportOrgs(ctx, cliActor(), rows, registry.ImportOptions{DryRun: *dry, Progress: bar.set})
	bar.done()
	if err != nil {
		return err
	}
	rejected = append(rejected, out.Rejected...)
	sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
	// Warnings count for the rows that were imported, not for rejected ones.
	gone := map[int]bool{}
	for _, r := range rejected {
		gone[r.Line] = true
		fmt.Fprintf(env.Stderr, "line %d (%s): rejected: %s\n", r.Line, r.Code, r.Reason)
	}
	warnings := 0
	for _, row := range checked {
		if gone[row.Line] {
			continue
		}
		for _, w := range row.Warnings {
			fmt.Fprintf(env.Stderr, "line %d (%s): warning: %s\n", row.Line, row.Org.Code, w)
			warnings++
		}
	}
	if *errFile != "" {
		if err := writeRejections(*errFile, rejected); err != nil {
			return err
		}
	}
	fmt.Fprintln(env.Stdout, orgfile.Summary(len(parsed.Records), out.Created, out.Updated, out.Unchanged, len(rejected), warnings))
	if len(rejected) > 0 {
		return exitError{code: 1}
	}
	return nil
}

// openForImport opens the database an import writes to. A dry run against
// a SQLite file that does not exist yet runs on a temporary copy of the
// empty schema instead, so that "write nothing" holds for the file system
// too.
func openForImport(ctx context.Context, env Env, d dbFlags, dry bool) (*House, func(), error) {
	if dry && d.dsn == "" {
		if _, err := os.Stat(d.path); errors.Is(err, os.ErrNotExist) {
			tmp, err := os.MkdirTemp("", "kexie-dry-run-")
			if err != nil {
				return nil, nil, err
			}
			db, err := openMigrated(ctx, env, dbFlags{path: filepath.Join(tmp, "dry.db")}, slog.New(slog.DiscardHandler))
			if err != nil {
				os.RemoveAll(tmp)
				return nil, nil, err
			}
			return db, func() { db.Close(); os.RemoveAll(tmp) }, nil
		}
	}
	db, err := openMigrated(ctx, env, d, logger(env))
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// writeRejections writes the error file: one CSV line per rejected row —
// line number, code, reason — and nothing else.
func writeRejections(path string, rs []kexie.Rejection) error {
	// Rejections quote what rows held (member numbers, excerpts of
	// values): for the operator alone, as the exports are.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("error file: %w", err)
	}
	w := csv.NewWriter(f)
	for _, r := range rs {
		_ = w.Write([]string{strconv.Itoa(r.Line), r.Code, r.Reason})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("error file: %w", err)
	}
	return f.Close()
}

func runExport(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && args[0] == "members" {
		return runExportMembers(ctx, env, args[1:])
	}
	if len(args) == 0 || args[0] != "orgs" {
		fmt.Fprintln(env.Stderr, "Usage: kexie export orgs|members OUT.(csv|xlsx) [--db PATH | --dsn postgres://…]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(env, "export orgs", "export orgs OUT.(csv|xlsx) [--lang zh-Hans|en] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	lang := fs.String("lang", "zh-Hans", "an XLSX sheet's language: its name, headers and the names of coded values (zh-Hans or en)")
	out, err := parseNamed(env, fs, args[1:])
	if err != nil {
		return err
	}
	sheet, err := sheetLocalizer(out, *lang)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		tmp := out + ".partial"
		f, err := os.Create(tmp)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(tmp)
		n := 0
		if sheet != nil {
			// The same sheet for people as the web's export.
			if err := registryweb.WriteOrgSheet(f, sheet, func(row func(kexie.Organisation) error) error {
				return db.Registry.AllOrgs(ctx, cliActor(), func(o kexie.Organisation) error { n++; return row(o) })
			}); err != nil {
				f.Close()
				return err
			}
		} else {
			w, err := orgfile.NewWriter(out, f)
			if err != nil {
				f.Close()
				return err
			}
			if err := db.Registry.AllOrgs(ctx, cliActor(), func(o kexie.Organisation) error { n++; return w.Write(orgfile.Values(o)) }); err != nil {
				f.Close()
				return err
			}
			if err := w.Close(); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
		// Written whole, then renamed: a failed export never leaves half a file.
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(env.Stdout, "orgs: %d exported to %s\n", n, out)
		return nil
	})
}

func runStats(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "stats", "stats CODE [--activities [--year YYYY]] [--json] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	asJSON := fs.Bool("json", false, `print {"org", "children", "subtree", "independent", "members"} as JSON (with --activities: {"org", "year", "total", "by_category", "by_kind"})`)
	acts := fs.Bool("activities", false, "the activities held in the year by the organisations of the subtree (docs/activities.md)")
	year := fs.Int("year", 0, "with --activities: the year (default: this year, Beijing time)")
	code, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	if *acts {
		return withHouse(ctx, env, d, func(db *House) error { return printActivityStats(ctx, env, db, code, *year, *asJSON) })
	}
	return withHouse(ctx, env, d, func(db *House) error {
		org, err := db.Registry.OrgByCode(ctx, code)
		if err != nil {
			return err
		}
		st, err := db.Registry.OrgStats(ctx, org)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(st)
		}
		fmt.Fprintf(env.Stdout, "%s %s (%s)\n\n", org.Code, org.NameZH, org.NameEN)
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "KIND\tCHILDREN\tSUBTREE\tINDEPENDENT\t")
		total := 0
		for _, k := range kexie.OrgKinds {
			if st.Subtree[k] == 0 {
				continue
			}
			total += st.Subtree[k]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", k, st.Children[k], st.Subtree[k], st.Independent[k])
		}
		fmt.Fprintf(tw, "total\t\t%d\t\t\n", total)
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "\nactive members here and below: %d", st.Members["total"])
		for _, t := range kexie.MemberTypes {
			if n := st.Members[string(t)]; n > 0 {
				fmt.Fprintf(env.Stdout, ", %s %d", t, n)
			}
		}
		fmt.Fprintln(env.Stdout)
		return nil
	})
}

// sheetLocalizer is the catalog an XLSX export is written in (nil for a
// CSV file, which carries codes only): zh-Hans or en.
func sheetLocalizer(out, lang string) (*i18n.Localizer, error) {
	if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
		return nil, nil
	}
	l := i18n.Normalize(lang)
	if l == "" {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.export_lang", "--lang %v: want zh-Hans or en", lang)
	}
	b, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	return b.For(l), nil
}

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/tabular"
	"github.com/kexie/kexie/internal/web/memberweb"
)

// keyFlag is the data key option of the commands that touch ID numbers.
type keyFlag struct{ file string }

func (k *keyFlag) register(fs *flag.FlagSet) {
	fs.StringVar(&k.file, "data-key-file", "", "file holding the data key that seals ID numbers (env KEXIE_DATA_KEY_FILE; default: the SQLite file's name + .key when it exists; or KEXIE_DATA_KEY)")
}

// sealer loads the data key: --data-key-file, then KEXIE_DATA_KEY, then
// DB.key beside a SQLite database. create makes that last file when none
// of them exists (serve --demo). No key at all is not an error: files
// without ID numbers import without one.
func (k keyFlag) sealer(env Env, d dbFlags, create bool) (*seal.Sealer, error) {
	var key []byte
	var err error
	switch {
	case k.file != "":
		key, err = seal.LoadKeyFile(k.file)
	case env.Getenv("KEXIE_DATA_KEY") != "":
		key, err = seal.ParseKey(env.Getenv("KEXIE_DATA_KEY"))
	case d.dsn == "" && d.path != "":
		path := d.path + ".key"
		key, err = seal.LoadKeyFile(path)
		if errors.Is(err, os.ErrNotExist) {
			if !create {
				return nil, nil
			}
			key, err = seal.WriteKeyFile(path)
			if err == nil {
				fmt.Fprintf(env.Stdout, "Data key for ID numbers created in %s: back it up; without it sealed ID numbers cannot be read.\n", path)
			}
		}
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return seal.New(key)
}

// importMemoryLimit is the soft limit of the Go heap during a member import.
const importMemoryLimit = 160 << 20

func runImportMembers(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "import members", "import members FILE.(csv|xlsx) [--dry-run] [--errors OUT.csv] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	var k keyFlag
	k.register(fs)
	dry := fs.Bool("dry-run", false, "check every row and report, but write nothing")
	errFile := fs.String("errors", "", "write one line per rejected row (line number, member_no, reason) to this CSV file")
	file, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	fileError := func(err error) error {
		fmt.Fprintf(env.Stderr, "kexie import: %s: %s\n", file, userMessage(err))
		fmt.Fprintln(env.Stdout, memberfile.Summary(0, 0, 0, 0, 0, 0))
		return exitError{code: 1}
	}
	f, err := os.Open(file)
	if err != nil {
		return fileError(err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	db, cleanup, err := openForImport(ctx, env, d, *dry)
	if err != nil {
		return err
	}
	defer cleanup()
	sl, err := k.sealer(env, d, false)
	if err != nil {
		return err
	}
	// A large import keeps its duplicate checks in memory (tens of
	// megabytes per million rows) and churns through short-lived rows: a
	// soft limit makes the collector run before the heap doubles, which is
	// what keeps a million-row import under 300 MB. GOMEMLIMIT overrides it.
	if env.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	// Progress by bytes read: the number of rows is known only at the end.
	in := &countingReader{r: f}
	bar := newProgress(env, "importing", int(size))
	var rejected []kexie.Rejection
	read := 0
	src := func(emit func(kexie.MemberRecord) error) error {
		var err error
		// Checked and sealed on every core, in file order (a million rows'
		// checks and sealing were the pace of a first load).
		read, err = memberfile.StreamPrepared(file, in, time.Now(), func(m *kexie.MemberRecord) error { return membership.SealMember(m, sl) },
			emit, func(r kexie.Rejection) { rejected = append(rejected, r) })
		return err
	}
	out, err := db.Membership.ImportMembers(ctx, cliActor(), src, membership.MemberImportOptions{DryRun: *dry, Source: filepath.Base(file),
		Progress: func(int) { bar.set(int(in.n.Load())) }})
	bar.done()
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInvalid {
			// The file could not be read through: nothing was written.
			return fileError(err)
		}
		return err
	}
	rejected = append(rejected, out.Rejected...)
	sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
	for _, r := range rejected {
		fmt.Fprintf(env.Stderr, "line %d (%s): rejected: %s\n", r.Line, r.Code, r.Reason)
	}
	for _, r := range out.Warnings {
		fmt.Fprintf(env.Stderr, "line %d (%s): warning: %s\n", r.Line, r.Code, r.Reason)
	}
	if *errFile != "" {
		if err := writeRejections(*errFile, rejected); err != nil {
			return err
		}
	}
	fmt.Fprintln(env.Stdout, memberfile.Summary(read, out.Created, out.Updated, out.Unchanged, len(rejected), len(out.Warnings)))
	if len(rejected) > 0 {
		return exitError{code: 1}
	}
	return nil
}

func runExportMembers(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "export members", "export members OUT.(csv|xlsx) [--lang zh-Hans|en] [--reveal-ids --reason TEXT] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	var k keyFlag
	k.register(fs)
	reveal := fs.Bool("reveal-ids", false, "write identity numbers in clear (needs --reason; audited)")
	reason := fs.String("reason", "", "why the identity numbers are revealed (recorded in the audit log)")
	lang := fs.String("lang", "zh-Hans", "an XLSX sheet's language: its name, headers and the names of coded values (zh-Hans or en)")
	out, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	sheet, err := sheetLocalizer(out, *lang)
	if err != nil {
		return err
	}
	if *reveal && strings.TrimSpace(*reason) == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.reveal_reason", "--reveal-ids needs --reason: revealing ID numbers is audited with its reason")
	}
	return withHouse(ctx, env, d, func(db *House) error {
		var sl *seal.Sealer
		if *reveal {
			if sl, err = k.sealer(env, d, false); err != nil {
				return err
			}
			if sl == nil {
				return kexie.Errorf(kexie.CodeInvalid, "err.no_data_key", "identity numbers need a data key (--data-key-file or KEXIE_DATA_KEY)")
			}
		}
		tmp := out + ".partial"
		// Members' personal data, ID numbers revealed or not: for the
		// operator alone (0600), as the database file is.
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(tmp)
		x := membership.MemberExport{Reveal: *reveal, Reason: *reason, Sealer: sl}
		var n int
		if sheet != nil {
			// The same sheet for people as the web's export.
			err = memberweb.WriteMemberSheet(f, sheet, func(row func(kexie.MemberRecord) error) error {
				n, err = db.Membership.ExportMembers(ctx, cliActor(), x, row)
				return err
			})
		} else {
			var w *tabular.Writer
			if w, err = memberfile.NewWriter(out, f); err != nil {
				f.Close()
				return err
			}
			n, err = db.Membership.ExportMembers(ctx, cliActor(), x, func(m kexie.MemberRecord) error {
				return w.Write(memberfile.Values(m))
			})
			if err == nil {
				err = w.Close()
			}
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(env.Stdout, "members: %d exported to %s\n", n, out)
		return nil
	})
}

func runLapse(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "lapse", "lapse --as-of YYYY-MM-DD [--json] [--apply] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	asOf := fs.String("as-of", "", "the day the rule is applied on (YYYY-MM-DD; default today in Beijing)")
	asJSON := fs.Bool("json", false, `print [{"member_no","org_code","reason"}] as JSON`)
	apply := fs.Bool("apply", false, "mark the listed members lapsed (each change audited)")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	day, err := asOfDay(*asOf)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		list, err := db.Membership.Lapses(ctx, cliActor(), day)
		if err != nil {
			return err
		}
		if *apply {
			if err := db.Membership.ApplyLapses(ctx, cliActor(), day, list); err != nil {
				return err
			}
		}
		if *asJSON {
			type item struct {
				MemberNo string `json:"member_no"`
				OrgCode  string `json:"org_code"`
				Reason   string `json:"reason"`
			}
			items := []item{}
			for _, l := range list {
				items = append(items, item{l.MemberNo, l.OrgCode, l.Reason})
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(items)
		}
		for _, l := range list {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\n", l.OrgCode, l.MemberNo, l.Name, l.Reason)
		}
		verb := "lapse"
		if *apply {
			verb = "lapsed"
		}
		fmt.Fprintf(env.Stdout, "%d members %s as of %s\n", len(list), verb, day.Format("2006-01-02"))
		return nil
	})
}

// countingReader counts the bytes read through it, for a progress bar.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// asOfDay reads an --as-of flag: a date written YYYY-MM-DD, by default
// today's date in Beijing (a date, as every stored date is, so "today"
// is never a day still to come).
func asOfDay(flag string) (time.Time, error) {
	if flag == "" {
		return kexie.Today(time.Now()).MidnightUTC(), nil
	}
	t, err := kexie.ParseDate(flag)
	if err != nil || t.IsZero() {
		return t, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "--as-of: %q is not a date written YYYY-MM-DD", flag)
	}
	return t, nil
}

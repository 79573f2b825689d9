// Package cli implements kexie's subcommands. Run takes its arguments and
// streams explicitly, so tests drive the real commands in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/web/site"
)

// Version is set at build time with -ldflags "-X github.com/kexie/kexie/internal/cli.Version=…".
var Version = "dev"

// Commit is the commit built from, when the build says so with -ldflags
// "-X github.com/kexie/kexie/internal/cli.Commit=…" (a build made with
// -buildvcs=false, or outside a checkout); else the Go toolchain's VCS
// stamp is read.
var Commit = ""

// Env is the process environment a command sees.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "start the web server and API", runServe},
		{"migrate", "apply database migrations, or show their status", runMigrate},
		{"user", "add a user, set a password, disable a user", runUser},
		{"import", "import organisations, members or attendance from CSV or XLSX (kexie import orgs|members|attendance FILE)", runImport},
		{"export", "export organisations or members to CSV or XLSX (kexie export orgs|members OUT)", runExport},
		{"lapse", "list (and with --apply, mark) members who lapse under the charter's rule", runLapse},
		{"stats", "roll up an organisation's subtree by kind", runStats},
		{"ledger", "the books: import a journal file, verify the journal, print a year's report (kexie ledger import|verify|report CODE …)", runLedger},
		{"check", "list the charter rules an organisation's bodies break or are about to break", runCheck},
		{"audit", "verify the audit log's hash chain", runAudit},
		{"backup", "write a consistent copy of a live SQLite database", runBackup},
		{"version", "print the version", runVersion},
	}
}

// exitError carries an exit status other than 1.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Run executes one command line and returns the process exit status.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(env.Stderr, "kexie %s: %s\n", c.name, userMessage(err))
		return 1
	}
	fmt.Fprintf(env.Stderr, "kexie: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return 2
}

var errUsage = errors.New("usage")

// userMessage shows coded errors by their message and anything else in full:
// on the command line the operator is the one who needs the cause.
func userMessage(err error) string {
	var e *kexie.Error
	if errors.As(err, &e) && e.Code != kexie.CodeInternal {
		if e.Err != nil && e.Code == kexie.CodeUnavailable {
			return e.Message + ": " + e.Err.Error()
		}
		return e.Message
	}
	return err.Error()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kexie — the information system of a federation of science and technology associations")
	fmt.Fprintln(w, "\nUsage: kexie COMMAND [flags]   (kexie COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEnvironment (used when the flag is not given): KEXIE_DB, KEXIE_DSN, KEXIE_ADDR, KEXIE_LOG_LEVEL")
}

// dbFlags are the database flags every command that touches data shares.
type dbFlags struct {
	path string
	dsn  string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.path, "db", "kexie.db", "SQLite database file (env KEXIE_DB)")
	fs.StringVar(&d.dsn, "dsn", "", "PostgreSQL DSN, postgres://… (env KEXIE_DSN); wins over --db")
}

// newFlagSet makes a flag set that reports errors to stderr and whose
// --help lists the flags.
func newFlagSet(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("kexie "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: kexie %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// flagEnv is the one table of the environment variables that stand in for
// flags: a command's flag that is not given takes its variable's value.
var flagEnv = map[string]string{
	"db":            "KEXIE_DB",
	"dsn":           "KEXIE_DSN",
	"addr":          "KEXIE_ADDR",
	"trusted-proxy": "KEXIE_TRUSTED_PROXIES",
	"data-key-file": "KEXIE_DATA_KEY_FILE",
	"public-url":    "KEXIE_PUBLIC_URL",
}

// parse parses flags and then fills every flag that was not given from its
// KEXIE_* environment variable (flagEnv): flags first, environment second.
func parse(fs *flag.FlagSet, env Env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, v := range flagEnv {
		// An explicit --db names a SQLite file: KEXIE_DSN must not silently
		// send the command to PostgreSQL instead.
		if fs.Lookup(name) == nil || given[name] || (name == "dsn" && given["db"]) {
			continue
		}
		if val := env.Getenv(v); val != "" {
			if err := fs.Set(name, val); err != nil {
				return fmt.Errorf("%s: %w", v, err)
			}
		}
	}
	return nil
}

func openDB(ctx context.Context, env Env, d dbFlags, log *slog.Logger) (*sqldb.DB, error) {
	return sqldb.Open(ctx, sqldb.Config{Path: d.path, DSN: d.dsn, Logger: log})
}

// House is an open, migrated database with every domain over it: what the
// commands and the server work through. The command line is where the
// domains are wired, once per database.
type House struct {
	*sqldb.DB
	Access     *access.Service
	Registry   *registry.Service
	Membership *membership.Service
	Governance *governance.Service
	Voting     *governance.Voting
	Finance    *finance.Service
	Awards     *awards.Service
	Activities *activities.Service
}

// NewHouse puts every domain over an open database.
func NewHouse(db *sqldb.DB) *House {
	gov := governance.New(db)
	return &House{DB: db, Access: access.New(db), Registry: registry.New(db), Membership: membership.New(db), Governance: gov, Voting: governance.NewVoting(gov), Finance: finance.New(db), Awards: awards.New(db),
		Activities: activities.New(db)}
}

// Domains are the house's domains, for the web site.
func (h *House) Domains() site.Domains {
	return site.Domains{DB: h.DB, Access: h.Access, Registry: h.Registry, Membership: h.Membership, Governance: h.Governance, Voting: h.Voting, Finance: h.Finance, Awards: h.Awards, Activities: h.Activities}
}

// openMigrated opens and brings the schema up to date: every command that
// reads or writes data runs on the current schema.
func openMigrated(ctx context.Context, env Env, d dbFlags, log *slog.Logger) (*House, error) {
	db, err := openDB(ctx, env, d, log)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return NewHouse(db), nil
}

// withHouse runs a command's work on the migrated database d names, with
// every domain over it, and closes it after.
func withHouse(ctx context.Context, env Env, d dbFlags, work func(h *House) error) error {
	h, err := openMigrated(ctx, env, d, logger(env))
	if err != nil {
		return err
	}
	defer h.Close()
	return work(h)
}

// cliActor is who the command line acts as in the audit log.
func cliActor() kexie.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = "cli:" + u.Username
	}
	return kexie.Actor{Username: name, Source: "cli", System: true}
}

func logger(env Env) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(env.Getenv("KEXIE_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

func runVersion(_ context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "version", "version")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	if Commit != "" && bi != nil {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: "vcs.revision", Value: Commit})
	} else if Commit != "" {
		bi = &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: Commit}}}
	}
	fmt.Fprintln(env.Stdout, VersionLine(Version, bi))
	return nil
}

// VersionLine says which kexie this is: the version (set at build time,
// else the module's, else "dev"), the commit it was built from (from the
// Go toolchain's VCS stamp: twelve characters, "+modified" when the tree
// had changes), the commit's time, and the Go version and platform.
// Without a VCS stamp (go run, go test) the commit is "unknown".
func VersionLine(version string, bi *debug.BuildInfo) string {
	commit, at, goVersion := "unknown", "", runtime.Version()
	if bi != nil {
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value[:min(12, len(s.Value))]
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && commit != "unknown" {
			commit += "+modified"
		}
	}
	line := "kexie " + version + " (commit " + commit
	if at != "" {
		line += ", " + at
	}
	return line + ") " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
}

package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

func runMigrate(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "migrate", "migrate [apply|status] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	action, args := splitName(args)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if action == "" && fs.NArg() == 1 {
		action = fs.Arg(0)
	} else if action == "" {
		action = "apply"
	} else if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if action != "apply" && action != "status" {
		fmt.Fprintf(env.Stderr, "kexie migrate: unknown action %q (apply or status)\n", action)
		return errUsage
	}
	db, err := openDB(ctx, env, d, logger(env))
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "apply":
		done, err := db.Migrate(ctx)
		for _, m := range done {
			fmt.Fprintf(env.Stdout, "applied %04d_%s\n", m.Version, m.Name)
		}
		if err != nil {
			return err
		}
		if len(done) == 0 {
			fmt.Fprintln(env.Stdout, "schema is up to date")
		}
		return nil
	case "status":
		ms, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
		pending := 0
		for _, m := range ms {
			at := "pending"
			if m.AppliedAt != nil {
				at = m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			} else {
				pending++
			}
			fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, at)
		}
		tw.Flush()
		fmt.Fprintf(env.Stdout, "%d migrations, %d pending\n", len(ms), pending)
		return nil
	}
	return errUsage
}

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.Stderr, "Usage: kexie user add|passwd|disable NAME [flags]   (kexie user add --help)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, env, args[1:])
	case "passwd":
		return runUserPasswd(ctx, env, args[1:])
	case "disable":
		return runUserDisable(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "kexie user: unknown action %q (add, passwd or disable)\n", args[0])
	return errUsage
}

// splitName takes the user name that may stand before or after the flags.
func splitName(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func oneName(fs interface{ Args() []string }, name string) (string, error) {
	rest := fs.Args()
	if name == "" && len(rest) == 1 {
		return rest[0], nil
	}
	if name != "" && len(rest) == 0 {
		return name, nil
	}
	return "", errUsage
}

// parseNamed parses a command line of the form NAME [flags] (or [flags]
// NAME): the one positional argument, then the flags.
func parseNamed(env Env, fs *flag.FlagSet, args []string) (string, error) {
	name, args := splitName(args)
	if err := parse(fs, env, args); err != nil {
		return "", err
	}
	name, err := oneName(fs, name)
	if err != nil {
		fs.Usage()
	}
	return name, err
}

// readPassword gets a new password: from a terminal, typed twice without
// echo; from piped standard input, its first line (so `echo … | kexie user
// passwd NAME` works, and --password-stdin insists on it). Nothing typed or
// piped means: generate a one-time password, which must be changed at first
// sign-in.
func readPassword(env Env, fromStdin bool) (pw string, generated bool, err error) {
	if f, ok := env.Stdin.(interface{ Fd() uintptr }); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, "New password (empty for a generated one-time password): ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", false, fmt.Errorf("reading the password: %w", err)
		}
		if len(a) > 0 {
			fmt.Fprint(env.Stderr, "Again: ")
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(env.Stderr)
			if err != nil {
				return "", false, fmt.Errorf("reading the password: %w", err)
			}
			if string(a) != string(b) {
				return "", false, kexie.Errorf(kexie.CodeInvalid, "err.password_mismatch", "the two passwords differ")
			}
			return string(a), false, nil
		}
	} else if env.Stdin != nil {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("reading the password from standard input: %w", err)
		}
		if line != "" {
			return line, false, nil
		}
		if fromStdin {
			return "", false, kexie.Errorf(kexie.CodeInvalid, "err.password_short", "--password-stdin: standard input holds no password")
		}
	}
	pw, err = auth.GeneratePassword()
	return pw, true, err
}

func runUserAdd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "user add", "user add NAME --role ROLE [--org CODE] [--display-name N] [--email E] [--password-stdin]")
	var d dbFlags
	d.register(fs)
	role := fs.String("role", "", "role to grant, one of: "+strings.Trim(fmt.Sprint(kexie.Roles), "[]")+" (none: the user can sign in but see no organisation data)")
	org := fs.String("org", registry.RootCode, "code of the organisation the role is granted on")
	display := fs.String("display-name", "", "display name, in any script (王芳)")
	email := fs.String("email", "", "e-mail address")
	member := fs.String("member", "", "link the account to a member's own record: ORG_CODE:MEMBER_NO")
	stdin := fs.Bool("password-stdin", false, "require the password on standard input (piped input is read anyway; without any, a one-time password is generated)")
	name, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	var r kexie.Role
	if *role != "" {
		if r, err = kexie.ParseRole(*role); err != nil {
			return fmt.Errorf("--role: %w", err)
		}
	}
	pw, generated, err := readPassword(env, *stdin)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		if _, err := db.Registry.EnsureRoot(ctx, cliActor()); err != nil {
			return err
		}
		o, err := db.Registry.OrgByCode(ctx, *org)
		if err != nil {
			return err
		}
		var linked membership.Member
		if *member != "" {
			code, no, ok := strings.Cut(*member, ":")
			if !ok {
				return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "--member is ORG_CODE:MEMBER_NO")
			}
			if linked, err = db.Membership.MemberByOrgNo(ctx, code, no); err != nil {
				return err
			}
		}
		u, err := db.Access.CreateUser(ctx, cliActor(), access.NewUser{Username: name, DisplayName: *display, Email: *email,
			Password: pw, MustChangePassword: generated, Role: r, OrgID: o.ID})
		if err != nil {
			return err
		}
		if linked.ID != 0 {
			if err := db.Membership.LinkMemberAccount(ctx, cliActor(), u.ID, linked.ID); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "linked to member %s of %s\n", linked.Record.MemberNo, linked.Record.OrgCode)
		}
		if r != "" {
			fmt.Fprintf(env.Stdout, "user %s created (id %d), %s on %s\n", u.Username, u.ID, r, o.Code)
		} else {
			fmt.Fprintf(env.Stdout, "user %s created (id %d), with no role yet\n", u.Username, u.ID)
		}
		if generated {
			fmt.Fprintf(env.Stdout, "one-time password: %s\n(shown only now; it must be changed at first sign-in)\n", pw)
		}
		return nil
	})
}

func runUserPasswd(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "user passwd", "user passwd NAME [--password-stdin]")
	var d dbFlags
	d.register(fs)
	stdin := fs.Bool("password-stdin", false, "require the new password on standard input (piped input is read anyway; without any, a one-time password is generated)")
	name, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	pw, generated, err := readPassword(env, *stdin)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		u, err := db.Access.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if err := db.Access.SetPassword(ctx, cliActor(), u.ID, pw, generated, ""); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed; their sessions have ended\n", u.Username)
		if generated {
			fmt.Fprintf(env.Stdout, "one-time password: %s\n(shown only now; it must be changed at first sign-in)\n", pw)
		}
		return nil
	})
}

func runUserDisable(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "user disable", "user disable NAME")
	var d dbFlags
	d.register(fs)
	name, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		u, err := db.Access.UserByName(ctx, name)
		if err != nil {
			return err
		}
		if err := db.Access.DisableUser(ctx, cliActor(), u.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s disabled; their sessions have ended and their API tokens are revoked\n", u.Username)
		return nil
	})
}

func runAudit(ctx context.Context, env Env, args []string) error {
	const usage = "audit verify [--anchors FILE] [--db PATH | --dsn postgres://…]\n       kexie audit head [--db PATH | --dsn postgres://…]"
	if len(args) == 0 || (args[0] != "verify" && args[0] != "head") {
		fmt.Fprintln(env.Stderr, "Usage: kexie "+usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(env, "audit "+args[0], usage)
	var d dbFlags
	d.register(fs)
	var anchorFile string
	if args[0] == "verify" {
		fs.StringVar(&anchorFile, "anchors", "", "file of chain heads written down earlier (lines \"SEQ HASH\", as `kexie audit head` prints them), kept apart from the database: each must still be on the chain")
	}
	if err := parse(fs, env, args[1:]); err != nil {
		return err
	}
	var anchors []sqldb.AuditAnchor
	if anchorFile != "" {
		var err error
		if anchors, err = readAnchors(anchorFile); err != nil {
			return err
		}
	}
	return withHouse(ctx, env, d, func(db *House) error {
		if args[0] == "head" {
			h, err := db.AuditHead(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%d %s\n", h.Seq, h.Hash)
			return nil
		}
		tty := isTerminal(env.Stderr)
		n, err := db.VerifyAudit(ctx, func(n int64) {
			if tty {
				fmt.Fprintf(env.Stderr, "\rverified %d entries…", n)
			}
		}, anchors...)
		if tty {
			fmt.Fprint(env.Stderr, "\r\033[K")
		}
		if err != nil {
			var ke *kexie.Error
			if errors.As(err, &ke) {
				return err
			}
			fmt.Fprintf(env.Stdout, "audit: BROKEN after %d intact entries: %v\n", n, err)
			return exitError{code: 1}
		}
		h, err := db.AuditHead(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "audit: %d entries verified, chain intact", n)
		if len(anchors) > 0 {
			fmt.Fprintf(env.Stdout, ", through %d anchors", len(anchors))
		}
		fmt.Fprintf(env.Stdout, "\nhead: %d %s\n", h.Seq, h.Hash)
		return nil
	})
}

// readAnchors reads an anchors file: one "SEQ HASH" per line, as `kexie
// audit head` prints them; blank lines and lines starting with # are
// skipped. A line that is neither is refused, naming it.
func readAnchors(path string) ([]sqldb.AuditAnchor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []sqldb.AuditAnchor
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		seq, err := strconv.ParseInt(f[0], 10, 64)
		if len(f) != 2 || err != nil || seq < 1 || len(f[1]) != 64 {
			return nil, fmt.Errorf("%s, line %d: want \"SEQ HASH\" (as kexie audit head prints it), got %q", path, i+1, kexie.Excerpt(line))
		}
		out = append(out, sqldb.AuditAnchor{Seq: seq, Hash: f[1]})
	}
	return out, nil
}

func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

func runBackup(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "backup", "backup OUT [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	out, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, env, d, logger(env))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", out)
	return nil
}

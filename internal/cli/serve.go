package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/demo"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/web"
	"github.com/kexie/kexie/internal/web/site"
)

// App is a running kexie: database, web server and listener. Tests start
// one on a free port and drive it as a user would.
type App struct {
	DB     *House
	Server *web.Server
	Addr   net.Addr
	http   *http.Server
	ln     net.Listener
	cancel context.CancelFunc
	done   chan error
}

// AppConfig is what Start needs.
type AppConfig struct {
	DB     dbFlags
	Addr   string
	Web    web.Config
	Logger *slog.Logger
}

// Start opens and migrates the database, ensures the root organisation,
// and starts serving on cfg.Addr (":0" picks a free port).
func Start(ctx context.Context, env Env, cfg AppConfig) (*App, error) {
	db, err := openMigrated(ctx, env, cfg.DB, cfg.Logger)
	if err != nil {
		return nil, err
	}
	if _, err := db.Registry.EnsureRoot(ctx, kexie.SystemActor("start-up")); err != nil {
		db.Close()
		return nil, err
	}
	srv, err := site.New(ctx, db.Domains(), cfg.Web)
	if err != nil {
		db.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	a := &App{DB: db, Server: srv, Addr: ln.Addr(), ln: ln, cancel: cancel, done: make(chan error, 1),
		http: &http.Server{
			Handler:           srv,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      120 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
		}}
	go srv.PurgeLoop(runCtx, 10*time.Minute)
	go func() {
		err := a.http.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		a.done <- err
	}()
	return a, nil
}

// URL is the base address of the running server.
func (a *App) URL() string { return "http://" + a.Addr.String() }

// Wait blocks until ctx ends or the server fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.done:
		return err
	}
}

// Close stops serving (letting requests in flight finish for up to ten
// seconds) and closes the database.
func (a *App) Close() error {
	a.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.http.Shutdown(ctx)
	return errors.Join(err, a.DB.Close())
}

func runServe(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "serve", "serve [--db PATH | --dsn postgres://…] [--addr HOST:PORT] [--demo]")
	var d dbFlags
	d.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (env KEXIE_ADDR)")
	demo := fs.Bool("demo", false, "load demo data into an empty database and print the administrator's one-time password")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (behind a TLS-terminating proxy)")
	var k keyFlag
	k.register(fs)
	public := fs.String("public-url", "", "the address people reach kexie at, e.g. https://kexie.example.org: membership cards print their verification link under it (env KEXIE_PUBLIC_URL; default: the address of each request)")
	proxies := fs.String("trusted-proxy", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (env KEXIE_TRUSTED_PROXIES)")
	idle := fs.Duration("session-idle", access.DefaultSessionPolicy.Idle, "end sessions idle this long")
	absolute := fs.Duration("session-max", access.DefaultSessionPolicy.Absolute, "end sessions this long after sign-in")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if *public != "" {
		u, err := url.Parse(*public)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "--public-url: %q is not an address such as https://kexie.example.org", *public)
		}
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return err
	}
	if *idle <= 0 || *absolute <= 0 || *idle > *absolute {
		return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "session limits: need 0 < --session-idle ≤ --session-max")
	}
	log := logger(env)
	wc := web.DefaultConfig()
	wc.Logger, wc.Version, wc.SecureCookies = log, Version, *secure
	wc.Sessions = access.SessionPolicy{Idle: *idle, Absolute: *absolute}
	wc.TrustedProxies = trusted
	wc.PublicURL = strings.TrimSuffix(*public, "/")
	// --demo creates the data key beside a new SQLite database, so the demo
	// can seal ID numbers from the first start.
	if wc.Sealer, err = k.sealer(env, d, *demo); err != nil {
		return err
	}
	app, err := Start(ctx, env, AppConfig{DB: d, Addr: *addr, Web: wc, Logger: log})
	if err != nil {
		return err
	}
	defer app.Close()
	if *demo {
		if err := loadDemo(ctx, env, app.DB, wc.Sealer); err != nil {
			return err
		}
	} else if n, err := app.DB.Access.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintln(env.Stdout, "No users yet. Create an administrator with:  kexie user add admin --role sysadmin")
	}
	where := "SQLite " + d.path
	if app.DB.Dialect() == sqldb.Postgres {
		where = "PostgreSQL"
	}
	fmt.Fprintf(env.Stdout, "kexie %s listening on %s (%s)\n", Version, app.URL(), where)
	log.Info("serving", "addr", app.Addr.String(), "database", string(app.DB.Dialect()))
	err = app.Wait(ctx)
	log.Info("shutting down")
	return err
}

// loadDemo loads the demo federation (an upsert: loading twice changes
// nothing) with its award programmes (their nominees' identity numbers
// sealed with the data key), and, in a database without users, creates
// the demo administrator and prints the one-time password, once.
func loadDemo(ctx context.Context, env Env, db *House, sl *seal.Sealer) error {
	out, err := demo.Load(ctx, db.DB, kexie.SystemActor("demo"))
	if err != nil {
		return err
	}
	if err := demo.LoadAwards(ctx, db.DB, kexie.SystemActor("demo"), sl); err != nil {
		return err
	}
	if out.Created > 0 {
		fmt.Fprintf(env.Stdout, "Demo federation loaded: %d organisations.\n", out.Created+out.Updated)
	}
	n, err := db.Access.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(env.Stdout, "Demo: the database already has users; nothing loaded. (Reset a password with: kexie user passwd admin)")
		return nil
	}
	root, err := db.Registry.EnsureRoot(ctx, kexie.SystemActor("demo"))
	if err != nil {
		return err
	}
	pw, err := auth.GeneratePassword()
	if err != nil {
		return err
	}
	if _, err := db.Access.CreateUser(ctx, kexie.SystemActor("demo"), access.NewUser{
		Username: "admin", DisplayName: "系统管理员", Password: pw, MustChangePassword: true,
		Role: kexie.RoleSysAdmin, OrgID: root.ID,
	}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Demo administrator created.\n  user name:         admin\n  one-time password: %s\n  (shown only now; you will set a new password at first sign-in)\n", pw)
	return nil
}

// parsePrefixes reads "127.0.0.1, 10.0.0.0/8": single addresses become
// one-address prefixes.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, kexie.Errorf(kexie.CodeInvalid, "err.invalid", "--trusted-proxy: %q is neither an address nor a CIDR", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// DBFlags names a database for Start: a SQLite path, or a PostgreSQL DSN.
func DBFlags(path, dsn string) dbFlags { return dbFlags{path: path, dsn: dsn} }

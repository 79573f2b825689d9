package e2e

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/cli"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

type result struct {
	code           int
	stdout, stderr string
}

// run runs one command line in-process, as the binary would.
func run(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errb.String()}
}

func want(t *testing.T, r result, code int, substr string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stdout+r.stderr, substr) {
		t.Fatalf("exit %d (want %d), output lacks %q:\nstdout: %s\nstderr: %s", r.code, code, substr, r.stdout, r.stderr)
	}
}

func TestCLIUsersAuditBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	want(t, run(t, "", nil, "version"), 0, "kexie ")
	want(t, run(t, "", nil, "migrate", "status", "--db", db), 0, "pending")
	want(t, run(t, "", nil, "migrate", "--db", db), 0, "applied 0001_foundation")
	want(t, run(t, "", nil, "migrate", "apply", "--db", db), 0, "schema is up to date")
	want(t, run(t, "", nil, "migrate", "status", "--db", db), 0, "0 pending")
	want(t, run(t, "", nil, "migrate", "sideways", "--db", db), 2, "unknown action")

	// Environment second: KEXIE_DB is used when --db is absent …
	r := run(t, "", map[string]string{"KEXIE_DB": db}, "user", "add", "wang.fang", "--role", "staff", "--display-name", "王芳")
	want(t, r, 0, "user wang.fang created")
	if !regexp.MustCompile(`one-time password: \S{20}`).MatchString(r.stdout) {
		t.Fatalf("no one-time password printed: %s", r.stdout)
	}
	// … and a flag wins over it.
	other := filepath.Join(dir, "other.db")
	want(t, run(t, "", map[string]string{"KEXIE_DB": db}, "user", "add", "li.na", "--role", "auditor", "--db", other), 0, "created")
	if _, err := os.Stat(other); err != nil {
		t.Fatal("--db did not win over KEXIE_DB")
	}

	// An explicit --db is SQLite even when KEXIE_DSN is set.
	want(t, run(t, "", map[string]string{"KEXIE_DSN": "postgres://nobody@127.0.0.1:1/none"}, "migrate", "status", "--db", db), 0, "0 pending")
	want(t, run(t, "", nil, "user", "add", "wang.fang", "--role", "staff", "--db", db), 1, "taken")
	want(t, run(t, "", nil, "user", "add", "zhao", "--role", "emperor", "--db", db), 1, "unknown role")
	want(t, run(t, "", nil, "user", "add", "zhao.lei", "--role", "staff", "--org", "NOWHERE", "--db", db), 1, "no organisation")
	want(t, run(t, "short\n", nil, "user", "add", "zhao.lei", "--role", "staff", "--password-stdin", "--db", db), 1, "at least 10")
	want(t, run(t, "", nil, "user", "add", "--help"), 0, "--password-stdin")
	want(t, run(t, "", nil, "user", "add", "zhao.lei", "--role", "staff", "--password-stdin", "--db", db), 1, "no password")
	// Piped input is the password even without the flag; no role is fine.
	r = run(t, "piped password 2026\n", nil, "user", "add", "sun.li", "--db", db)
	want(t, r, 0, "with no role yet")
	if strings.Contains(r.stdout, "one-time") {
		t.Fatal("a piped password was replaced by a one-time password")
	}

	// A password from standard input, Chinese and long, works for sign-in.
	pw := strings.Repeat("科技工作者之家", 10)
	want(t, run(t, pw+"\n", nil, "user", "passwd", "wang.fang", "--password-stdin", "--db", db), 0, "password of wang.fang changed")
	s, err := dbtest.Open(context.Background(), sqldb.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Access.Authenticate(context.Background(), "wang.fang", pw); err != nil {
		t.Fatalf("password set by the CLI does not work: %v", err)
	}
	s.Close()
	want(t, run(t, "", nil, "user", "passwd", "nobody.at.all", "--db", db), 1, "no such user")
	want(t, run(t, "", nil, "user", "disable", "wang.fang", "--db", db), 0, "disabled")
	want(t, run(t, "", nil, "user", "disable", "wang.fang", "--db", db), 1, "already disabled")

	// The audit chain holds, until someone edits an entry behind the
	// trigger's back; verify names the entry.
	want(t, run(t, "", nil, "audit", "verify", "--db", db), 0, "chain intact")
	// The head written down apart, then checked against.
	head := run(t, "", nil, "audit", "head", "--db", db)
	if head.code != 0 || !regexp.MustCompile(`^[1-9][0-9]* [0-9a-f]{64}\n$`).MatchString(head.stdout) {
		t.Fatalf("audit head: %+v", head)
	}
	anchors := filepath.Join(dir, "anchors.txt")
	if err := os.WriteFile(anchors, []byte("# written by cron\n"+head.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "", nil, "audit", "verify", "--anchors", anchors, "--db", db), 0, "chain intact, through 1 anchors")
	if err := os.WriteFile(anchors, []byte("3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "", nil, "audit", "verify", "--anchors", anchors, "--db", db), 1, `anchors.txt, line 1: want "SEQ HASH"`)
	out := filepath.Join(dir, "copy.db")
	want(t, run(t, "", nil, "backup", out, "--db", db), 0, "backup written")
	want(t, run(t, "", nil, "backup", out, "--db", db), 1, "already exists")
	want(t, run(t, "", nil, "audit", "verify", "--db", out), 0, "chain intact")
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	want(t, run(t, "", nil, "audit", "verify", "--db", db), 1, "entry 3: content does not match")
	want(t, run(t, "", nil, "frobnicate"), 2, "unknown command")
	want(t, run(t, "", nil, "--help"), 0, "Commands:")
}

func TestCLIOnPostgres(t *testing.T) {
	dsn := dbtest.PostgresSchema(t)
	want(t, run(t, "", map[string]string{"KEXIE_DSN": dsn}, "migrate"), 0, "applied 0001_foundation")
	want(t, run(t, "", nil, "user", "add", "pg.admin", "--role", "sysadmin", "--dsn", dsn), 0, "created")
	want(t, run(t, "", nil, "audit", "verify", "--dsn", dsn), 0, "chain intact")
	want(t, run(t, "", nil, "backup", filepath.Join(t.TempDir(), "x"), "--dsn", dsn), 1, "pg_dump")
}

// syncBuffer is written by the server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeDemo runs `kexie serve --demo` as a user would: the printed
// one-time password signs in and leads to the password change.
func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"},
			cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }})
	}()
	var base, pw string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
	}
	if m := regexp.MustCompile(`one-time password: (\S+)`).FindStringSubmatch(out.String()); m != nil {
		pw = m[1]
	}
	if base == "" || pw == "" {
		cancel()
		t.Fatalf("serve --demo printed: %s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(body)
	if tok == nil {
		t.Fatal("no form token on the sign-in page")
	}
	res, err = hc.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {pw}, "csrf_token": {string(tok[1])}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/password" {
		t.Fatalf("demo sign-in: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	// A second --demo start on the same database prints no new password.
	ctx2, cancel2 := context.WithCancel(context.Background())
	var out2 syncBuffer
	go func() {
		done <- cli.Run(ctx2, []string{"serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"},
			cli.Env{Stdin: strings.NewReader(""), Stdout: &out2, Stderr: io.Discard, Getenv: func(string) string { return "" }})
	}()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !strings.Contains(out2.String(), "listening"); time.Sleep(50 * time.Millisecond) {
	}
	cancel2()
	<-done
	sc := bufio.NewScanner(strings.NewReader(out2.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "one-time password") {
			t.Fatal("a second --demo start printed a new password")
		}
	}
	if !strings.Contains(out2.String(), "already has users") {
		t.Fatalf("second start: %s", out2.String())
	}
}

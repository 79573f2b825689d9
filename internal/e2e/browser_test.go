// Package e2e drives a real kexie (the same App that `kexie serve` runs)
// from the outside: a real headless Chromium for the web UI, and the real
// command line.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/cli"
	"github.com/kexie/kexie/internal/demo"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/web"
)

// chromium finds the browser, skipping locally and failing under CI=true
// when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KEXIE_CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no Chromium found (apt-get install chromium)")
	}
	t.Skip("no Chromium found; browser test skipped")
	return ""
}

func startApp(t *testing.T) *cli.App {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var err0 error
	wc := web.DefaultConfig()
	wc.Logger = log
	// A data key, as `serve --demo` makes one: ballots are sealed until the count.
	if wc.Sealer, err0 = seal.New([]byte("0123456789abcdef0123456789abcdef")); err0 != nil {
		t.Fatal(err0)
	}
	app, err := cli.Start(ctx, cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }},
		cli.AppConfig{DB: cli.DBFlags(filepath.Join(t.TempDir(), "kexie.db"), ""), Addr: "127.0.0.1:0", Web: wc, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}

func TestBrowserLoginLanguageLogout(t *testing.T) {
	exe := chromium(t)
	app := startApp(t)
	root, err := app.DB.Registry.OrgByCode(context.Background(), registry.RootCode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), app.DB.DB, kexie.SystemActor("test")); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Access.CreateUser(context.Background(), kexie.SystemActor("test"), access.NewUser{
		Username: "wang.fang", DisplayName: "王芳", Password: "浏览器测试的密码-2026", Role: kexie.RoleStaff, OrgID: root.ID,
	}); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	defer cancelT()

	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(s)
	}
	htmlLang := func() string {
		t.Helper()
		a, err := chromedp.Run(bctx, chromedp.AttributeValue(css("html"), "lang"))
		if err != nil {
			t.Fatal(err)
		}
		return a.Value
	}
	// KEXIE_SCREENSHOTS=DIR keeps a picture of each step, to look at.
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("KEXIE_SCREENSHOTS")
		if dir == "" {
			return
		}
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// follow runs a step that makes the page navigate (a link, a form
	// button) and waits until the new page has loaded.
	follow := func(step chromedp.Action[chromedp.Void]) {
		t.Helper()
		res, err := chromedp.RunResponse(bctx, step)
		if err != nil {
			t.Fatal(err)
		}
		if res != nil && res.Status >= 400 {
			t.Fatalf("%s answered %d", res.URL, res.Status)
		}
	}

	// Sign in from the home page's link.
	follow(chromedp.Navigate(app.URL() + "/"))
	follow(chromedp.Click(css("#login-link")))
	shot("1-login")
	do(chromedp.SendKeys(css("#username"), "wang.fang"),
		chromedp.SendKeys(css("#password"), "浏览器测试的密码-2026"))
	follow(chromedp.Click(css("#login-submit")))
	// Headless Chromium asks for en-US; whatever it asked for, the page
	// shows the user, signed in.
	if who := text(".who"); who != "王芳" {
		t.Fatalf("signed-in user shown as %q", who)
	}

	// Switch to Chinese.
	follow(chromedp.Click(css(`button[name="lang"][value="zh-Hans"]`)))
	shot("2-home-zh")
	if lang, heading, logout := htmlLang(), text("#home-title"), text("#logout"); lang != "zh-Hans" || heading != "欢迎使用科协信息系统" || logout != "退出" {
		t.Fatalf("home in Chinese: lang=%q heading=%q logout=%q", lang, heading, logout)
	}

	// Switch to English; the choice sticks on the next page load.
	follow(chromedp.Click(css(`button[name="lang"][value="en"]`)))
	follow(chromedp.Navigate(app.URL() + "/"))
	shot("3-home-en")
	if lang, heading, logout := htmlLang(), text("#home-title"), text("#logout"); lang != "en" || heading != "Welcome to kexie" || logout != "Sign out" {
		t.Fatalf("home in English: lang=%q heading=%q logout=%q", lang, heading, logout)
	}

	// The registry: from the navigation to a profile, in English, then in
	// Chinese.
	follow(chromedp.Click(css(`nav.main a[href="/orgs"]`)))
	do(chromedp.SendKeys(css("#org-search"), "heilongjiang"))
	follow(chromedp.Submit(css("#org-search")))
	follow(chromedp.Click(css(`a[href="/orgs/HLJ"]`)))
	shot("5-profile-en")
	if lang, name, para := htmlLang(), text("#org-name"), text("#members-paragraph"); lang != "en" || name != "Heilongjiang Association for Science and Technology" ||
		!strings.Contains(para, "126 county associations (68 independent)") || !strings.Contains(para, "2,727 rural technical associations") {
		t.Fatalf("profile in English: lang=%q name=%q paragraph=%q", lang, name, para)
	}
	follow(chromedp.Click(css(`button[name="lang"][value="zh-Hans"]`)))
	shot("6-profile-zh")
	if lang, name, para := htmlLang(), text("#org-name"), text("#members-paragraph"); lang != "zh-Hans" || name != "黑龙江省科学技术协会" ||
		!strings.Contains(para, "县级科协126个（其中独立设置68个）") {
		t.Fatalf("profile in Chinese: lang=%q name=%q paragraph=%q", lang, name, para)
	}
	follow(chromedp.Click(css(`button[name="lang"][value="en"]`)))

	// Sign out: back at the sign-in page, and the home page no longer
	// knows the user.
	follow(chromedp.Click(css("#logout")))
	shot("4-signed-out")
	if body := text("main"); !strings.Contains(body, "You have signed out.") || text("#login-submit") != "Sign in" {
		t.Fatalf("after sign-out: %q", body)
	}
	follow(chromedp.Navigate(app.URL() + "/"))
	if header := text("header"); strings.Contains(header, "王芳") || !strings.Contains(header, "Sign in") {
		t.Fatalf("home after sign-out still shows the user: %q", header)
	}
}

package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
)

// TestBrowserActivity, on a phone-sized screen (390 px wide): a visitor
// goes from the home page to the calendar, opens a forum, sees its
// programme in columns by room with the break across them, registers and
// gets a reference and the registration's page with its QR code; the
// desk, signed in on another phone, checks the reference in and a second
// scan is answered "already checked in at HH:MM". No page is wider than
// the screen.
func TestBrowserActivity(t *testing.T) {
	exe := chromium(t)
	app := startApp(t)
	ctx := context.Background()
	setup := kexie.SystemActor("test")
	root, err := app.DB.Registry.OrgByCode(ctx, registry.RootCode)
	if err != nil {
		t.Fatal(err)
	}
	hl, err := app.DB.Registry.CreateOrg(ctx, setup, kexie.Organisation{Code: "HLJ", ParentID: root.ID, Kind: "provincial_association",
		NameZH: "黑龙江省科学技术协会", NameEN: "Heilongjiang Association for Science and Technology"})
	if err != nil {
		t.Fatal(err)
	}
	const password = "活动测试的密码-2026"
	if _, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: "hlj.desk", Password: password, Role: kexie.RoleStaff, OrgID: hl.ID}); err != nil {
		t.Fatal(err)
	}
	act := app.DB.Activities
	if _, err := act.CreateSeries(ctx, setup, "HLJ", activities.Series{Code: "YSF", NameZH: "青年科学家论坛", NameEN: "Young Scientists Forum"}); err != nil {
		t.Fatal(err)
	}
	if _, err := act.Create(ctx, setup, activities.Input{Code: "YSF-320", Kind: "forum", Category: "international", TitleZH: "第320次青年科学家论坛",
		TitleEN: "The 320th Young Scientists Forum", ThemeZH: "中俄青年学者交流", Starts: "2025-05-16", Venue: "哈尔滨工程大学", City: "哈尔滨",
		Public: true, Capacity: 25, Series: "YSF", Edition: 320, Roles: []activities.RoleInput{{Role: "sponsor", Name: "中国科学技术协会"},
			{Role: "sponsor", OrgCode: "HLJ"}, {Role: "organiser", Name: "哈尔滨工程大学"}}}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []activities.SessionInput{
		{Kind: "parallel", TitleZH: "材料科学分会场", TitleEN: "Materials science", Room: "A101", Starts: "2025-05-16 09:00", Ends: "2025-05-16 10:30", International: true},
		{Kind: "parallel", TitleZH: "生态学分会场", TitleEN: "Ecology", Room: "A102", Starts: "2025-05-16 09:00", Ends: "2025-05-16 10:30"},
		{Kind: "parallel", TitleZH: "青年学者报告", TitleEN: "Young scholars' talks", Room: "A101", Starts: "2025-05-16 11:00", Ends: "2025-05-16 12:00"},
	} {
		if _, err := act.AddSession(ctx, setup, "YSF-320", s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := act.AddBreak(ctx, setup, "YSF-320", "茶歇", "Tea break", "2025-05-16 10:30", "2025-05-16 11:00"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{activities.StatusPublished, activities.StatusRegistrationOpen} {
		if err := act.SetStatus(ctx, setup, "YSF-320", s); err != nil {
			t.Fatal(err)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	vctx, cancelV := chromedp.NewContext(actx)
	defer cancelV()
	vctx, cancelT := context.WithTimeout(vctx, 120*time.Second)
	defer cancelT()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)

	visitor := tab{t: t, ctx: vctx, url: app.URL()}
	visitor.do(phone)
	narrow := func(b tab, where string) {
		t.Helper()
		w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 390 {
			t.Errorf("%s is %d px wide on a 390 px screen", where, w)
		}
	}
	visitor.follow(chromedp.Navigate(app.URL() + "/"))
	visitor.follow(chromedp.Click(css("#home-calendar")))
	if s := visitor.text("#calendar-list"); !strings.Contains(s, "The 320th Young Scientists Forum") { // the browser asks for English
		t.Fatalf("calendar: %q", s)
	}
	narrow(visitor, "the calendar")
	visitor.follow(chromedp.Click(css(`#calendar-list a[href="/calendar/YSF-320"]`)))
	if s := visitor.text("#activity-roles"); !strings.Contains(s, "中国科学技术协会") || !strings.Contains(s, "哈尔滨工程大学") {
		t.Errorf("organisations in roles: %q", s)
	}
	// The programme: a column per room, the break one cell across both.
	heads, err := chromedp.Run(vctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.programme thead th")].map(e => e.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != 3 || heads[1] != "A101" || heads[2] != "A102" {
		t.Errorf("programme columns: %q", heads)
	}
	span, err := chromedp.Run(vctx, chromedp.Evaluate[string](`document.querySelector("table.programme td.break").getAttribute("colspan")`))
	if err != nil || span != "2" {
		t.Errorf("the break spans %q columns (%v), want 2", span, err)
	}
	narrow(visitor, "the activity's page")
	visitor.shot("activity-1-public")

	visitor.do(chromedp.SendKeys(css(`#register-form input[name="name"]`), "伊万·彼得罗夫"),
		chromedp.SendKeys(css(`#register-form input[name="employer"]`), "Tomsk Polytechnic University"),
		chromedp.SendKeys(css(`#register-form input[name="country"]`), "Russia"))
	visitor.follow(chromedp.Click(css(`#register-form button[type="submit"]`)))
	ref := visitor.text("#register-reference")
	if !regexp.MustCompile(`^[A-Z0-9]{4}-[A-Z0-9]{4}$`).MatchString(ref) {
		t.Fatalf("reference %q", ref)
	}
	narrow(visitor, "the registration's answer")
	visitor.follow(chromedp.Click(css("#register-link")))
	if s := visitor.text("#reg-status"); s != "Confirmed" {
		t.Errorf("registration status %q", s)
	}
	loaded, err := chromedp.Run(vctx, chromedp.Evaluate[bool](`document.querySelector("#reg-qr").complete && document.querySelector("#reg-qr").naturalWidth > 0`))
	if err != nil || !loaded {
		t.Errorf("the QR code did not load (%v)", err)
	}
	narrow(visitor, "the registration's page")
	visitor.shot("activity-2-registration")

	// The desk, on its own phone.
	dctx, cancelD := chromedp.NewContext(vctx)
	defer cancelD()
	desk := tab{t: t, ctx: dctx, url: app.URL()}
	desk.do(phone)
	desk.follow(chromedp.Navigate(app.URL() + "/login"))
	desk.do(chromedp.SendKeys(css("#username"), "hlj.desk"), chromedp.SendKeys(css("#password"), password))
	desk.follow(chromedp.Click(css("#login-submit")))
	desk.follow(chromedp.Navigate(app.URL() + "/activities/YSF-320"))
	narrow(desk, "the desk's page")
	// The camera's button shows exactly where the browser reads QR codes
	// itself and gives the camera; the typed or scanner's code works
	// everywhere.
	camera, err := chromedp.Run(desk.ctx, chromedp.Evaluate[[]bool](`[!document.getElementById("checkin-camera").hidden,
		"BarcodeDetector" in window && window.isSecureContext && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)]`))
	if err != nil || len(camera) != 2 || camera[0] != camera[1] {
		t.Errorf("the camera button shown %v where the browser can scan (%v)", camera, err)
	}
	t.Logf("camera button shown, browser able to scan: %v", camera)
	desk.do(chromedp.SendKeys(css("#checkin-code"), strings.ToLower(ref)))
	desk.follow(chromedp.Click(css(`#checkin button[type="submit"]`)))
	if s := desk.text("#checkin-result"); !strings.Contains(s, "伊万·彼得罗夫") || strings.Contains(s, "already") {
		t.Errorf("first scan: %q", s)
	}
	desk.do(chromedp.SendKeys(css("#checkin-code"), ref))
	desk.follow(chromedp.Click(css(`#checkin button[type="submit"]`)))
	second := desk.text("#checkin-result")
	if !regexp.MustCompile(`\d\d:\d\d`).MatchString(second) {
		t.Errorf("second scan: %q, want the time of the first", second)
	}
	narrow(desk, "the desk's page after a scan")
	desk.shot("activity-3-desk")
	desk.follow(chromedp.Click(css("#history-link")))
	if s := desk.text("#history"); strings.Count(s, ref) != 2 {
		t.Errorf("history: %q", s)
	}
	narrow(desk, "the check-in history")

	// Offline: the desk's phone loses the network; a scan is kept on the
	// phone, then uploaded once the network is back — recorded once, as
	// made offline.
	later, err := act.Register(ctx, setup, "YSF-320", activities.RegisterInput{Name: "玛丽亚·伊万诺娃"})
	if err != nil {
		t.Fatal(err)
	}
	netState := func(offline bool) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
			return chromedp.Void{}, err
		}
	}
	desk.follow(chromedp.Navigate(app.URL() + "/activities/YSF-320"))
	desk.do(netState(true))
	desk.do(chromedp.SendKeys(css("#checkin-code"), activities.FormatReference(later.Reference)), chromedp.Click(css(`#checkin button[type="submit"]`)))
	if q := desk.text("#checkin-queue"); !strings.HasSuffix(q, " 1") {
		t.Errorf("queued offline: %q", q)
	}
	a, _ := act.ByCode(ctx, "YSF-320")
	recorded := func() int {
		hist, _ := act.History(ctx, a.ID, 100)
		n := 0
		for _, e := range hist {
			if e.Reference == later.Reference && e.Result == "checked_in" && e.Offline {
				n++
			}
		}
		return n
	}
	if recorded() != 0 {
		t.Fatal("a scan queued offline reached the server")
	}
	desk.do(netState(false))
	desk.follow(chromedp.Navigate(app.URL() + "/activities/YSF-320")) // uploads on load, and on "online"
	for i := 0; i < 100 && recorded() == 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := recorded(); n != 1 {
		t.Errorf("the offline scan recorded %d times", n)
	}
	// The staff's other pages, on the phone too.
	for _, path := range []string{"/activities", "/activities/new", "/activities/YSF-320/edit", "/calendar/YSF-320", "/series/YSF"} {
		desk.follow(chromedp.Navigate(app.URL() + path))
		narrow(desk, path)
	}
	desk.shot("activity-4-edit")

	// A phone whose browser reads QR codes (stood in for here: this
	// Chromium has no BarcodeDetector and no camera): the camera's button
	// shows; the code it reads is checked in as if typed.
	third, err := act.Register(ctx, setup, "YSF-320", activities.RegisterInput{Name: "安娜·谢苗诺娃"})
	if err != nil {
		t.Fatal(err)
	}
	desk.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			window.BarcodeDetector = class { detect() { return Promise.resolve([{ rawValue: ` + strconv.Quote(third.Token) + ` }]); } };
			navigator.mediaDevices.getUserMedia = () => {
				const c = document.createElement("canvas"), g = c.getContext("2d");
				setInterval(() => { g.fillStyle = "#" + Math.floor(Math.random() * 4096).toString(16).padStart(3, "0"); g.fillRect(0, 0, 300, 150); }, 50);
				return Promise.resolve(c.captureStream(20));
			};`})
		return chromedp.Void{}, err
	})
	desk.follow(chromedp.Navigate(app.URL() + "/activities/YSF-320"))
	narrow(desk, "the desk's page with a camera")
	desk.do(chromedp.Click(css("#camera-start")))
	for i := 0; i < 50 && !strings.Contains(desk.location(), "/checkin"); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if s := desk.text("#checkin-result"); !strings.Contains(s, "安娜·谢苗诺娃") {
		t.Errorf("the camera's scan: %q", s)
	}
}

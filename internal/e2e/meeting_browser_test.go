package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
)

// tab drives one browser tab (with its own cookies when made with a new
// browser context) through the pages, failing the test on any error.
type tab struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (b tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// follow runs a step that navigates (a link, a form's button) and waits
// for the new page; an answer of 400 or more fails the test.
func (b tab) follow(step chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, step)
	if err != nil {
		b.t.Fatal(err)
	}
	if res != nil && res.Status >= 400 {
		body, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
		b.t.Fatalf("%s answered %d: %s", res.URL, res.Status, body)
	}
}

func (b tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b tab) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

func (b tab) login(user, password string) {
	b.t.Helper()
	b.follow(chromedp.Navigate(b.url + "/login"))
	b.do(chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.follow(chromedp.Click(chromedp.CSS("#login-submit")))
	// The language button is in the menu, folded on a narrow screen.
	if b.visible(`label.menu-button`) {
		b.do(chromedp.Click(chromedp.CSS(`label.menu-button`)))
	}
	b.follow(chromedp.Click(chromedp.CSS(`button[name="lang"][value="en"]`)))
}

// shot keeps a picture of the page when KEXIE_SCREENSHOTS names a folder.
func (b tab) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("KEXIE_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserMeeting runs a small council meeting in a real browser, from
// the organisation's page to the minutes: the clerk creates the council,
// its term and three seats, records the meeting, takes attendance (two of
// three present is no quorum under "more than 2/3"; a proxy makes three),
// puts a motion counted by the clerk; the chair, signed in with their
// member account in a browser context of their own, votes on an electronic
// motion for their seat and the one whose proxy they hold, and casts a
// secret ballot, whose receipt they find in the published list after the
// count; the minutes record it all, in English and in Chinese.
func TestBrowserMeeting(t *testing.T) {
	exe := chromium(t)
	app := startApp(t)
	ctx := context.Background()
	setup := kexie.SystemActor("test")
	root, err := app.DB.Registry.OrgByCode(ctx, registry.RootCode)
	if err != nil {
		t.Fatal(err)
	}
	chia, err := app.DB.Registry.CreateOrg(ctx, setup, kexie.Organisation{Code: "CHIA", ParentID: root.ID, Kind: "national_society", NameZH: "中国图学学会",
		NameEN: "China Graphics Society"})
	if err != nil {
		t.Fatal(err)
	}
	var rows []kexie.MemberRecord
	for i, name := range []string{"王芳", "李娜", "张伟"} {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: "D" + string(rune('1'+i)), OrgCode: "CHIA", Type: "individual", Name: name,
			Status: "active", Joined: "2020-01-01"})
	}
	if _, err := app.DB.Membership.ImportMembers(ctx, setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{}); err != nil {
		t.Fatal(err)
	}
	const password = "会议测试的密码-2026"
	if _, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: "chia.clerk", Password: password, Role: kexie.RoleStaff, OrgID: chia.ID}); err != nil {
		t.Fatal(err)
	}
	chairUser, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: "wang.fang", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	d1, err := app.DB.Membership.MemberByNo(ctx, chia.ID, "D1")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Membership.LinkMemberAccount(ctx, setup, chairUser.ID, d1.ID); err != nil {
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
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 120*time.Second)
	defer cancelT()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	clerk := tab{t: t, ctx: bctx, url: app.URL()}
	clerk.login("chia.clerk", password)
	clerk.follow(chromedp.Navigate(app.URL() + "/orgs/CHIA"))
	clerk.follow(chromedp.Click(css("#governance-link")))

	// The council, its 1st term from today, three seats.
	clerk.do(chromedp.SetValue(css(`#body-form select[name="kind"]`), "council"))
	clerk.follow(chromedp.Click(css(`#body-form button[type="submit"]`)))
	clerk.do(chromedp.Click(css(`#body-council details:has(form.start-term) > summary`)))
	clerk.follow(chromedp.Click(css(`form.start-term button[type="submit"]`)))
	for i, no := range []string{"D1", "D2", "D3"} {
		clerk.do(chromedp.Click(css(`details:has(form.add-seat) > summary`)),
			chromedp.SendKeys(css(`form.add-seat input[name="member_no"]`), no),
			chromedp.Click(css(`form.add-seat input[name="front_line"]`)))
		if i == 0 {
			clerk.do(chromedp.SetValue(css(`form.add-seat select[name="post"]`), "chair"))
		}
		clerk.follow(chromedp.Click(css(`form.add-seat button[type="submit"]`)))
	}
	if s := clerk.text("#body-council table.seats"); !strings.Contains(s, "Chair") || !strings.Contains(s, "张伟") {
		t.Fatalf("seats: %q", s)
	}
	clerk.shot("meeting-1-governance")

	// The meeting.
	clerk.do(chromedp.Click(css(`details:has(form.new-meeting) > summary`)),
		chromedp.SendKeys(css(`form.new-meeting input[name="place"]`), "北京"),
		chromedp.SendKeys(css(`form.new-meeting textarea[name="agenda"]`), "Annual work report; election of the secretary general"))
	clerk.follow(chromedp.Click(css(`form.new-meeting button[type="submit"]`)))
	if q := clerk.text("#quorum-text"); !strings.Contains(q, "No quorum") {
		t.Fatalf("a meeting nobody attends: %q", q)
	}
	var meetingID int64
	if _, err := fmt.Sscanf(clerk.location(), app.URL()+"/meetings/%d", &meetingID); err != nil {
		t.Fatal(err)
	}
	bodies, _ := app.DB.Governance.Bodies(ctx, chia.ID)
	terms, _ := app.DB.Governance.Terms(ctx, bodies[0].ID)
	seats, _ := app.DB.Governance.Seats(ctx, terms[0].ID, "")
	seat, person := map[string]string{}, map[string]string{}
	for _, s := range seats {
		seat[s.Name], person[s.Name] = strconv.FormatInt(s.ID, 10), strconv.FormatInt(s.PersonID, 10)
	}
	status := func(name string) chromedp.CSS { return css(`select[name="status_` + seat[name] + `"]`) }
	clerk.do(chromedp.SetValue(status("王芳"), "present"), chromedp.SetValue(status("李娜"), "present"))
	clerk.follow(chromedp.Click(css(`#attendance-form button[type="submit"]`)))
	if q := clerk.text("#quorum-text"); !strings.Contains(q, "3 seats entitled; 2 present") || !strings.Contains(q, "No quorum") {
		t.Fatalf("two of three: %q", q)
	}
	clerk.do(chromedp.SetValue(status("张伟"), "proxy"), chromedp.SetValue(css(`select[name="proxy_`+seat["张伟"]+`"]`), seat["王芳"]))
	clerk.follow(chromedp.Click(css(`#attendance-form button[type="submit"]`)))
	if q := clerk.text("#quorum-text"); !strings.Contains(q, "1 represented by proxy") || !strings.Contains(q, "Quorum met.") {
		t.Fatalf("with a proxy: %q", q)
	}

	// A motion counted by the clerk.
	openMotion := func(title, countedBy string) {
		clerk.do(chromedp.Click(css(`details:has(#motion-form) > summary`)),
			chromedp.SendKeys(css(`#motion-form input[name="title"]`), title),
			chromedp.SetValue(css(`#motion-form select[name="counted_by"]`), countedBy))
		clerk.follow(chromedp.Click(css(`#motion-form button[type="submit"]`)))
	}
	openMotion("Annual work report", "clerk")
	clerk.do(chromedp.SendKeys(css(`form.close-motion input[name="yes"]`), "3"), chromedp.SendKeys(css(`form.close-motion input[name="no"]`), "0"))
	clerk.do(chromedp.Click(css(`form.close-motion input[name="confirm"]`)))
	clerk.follow(chromedp.Click(css(`form.close-motion button[type="submit"]`)))
	if o := clerk.text("#motions .outcome"); !strings.Contains(o, "3 yes, 0 no") || !strings.Contains(o, "passed") {
		t.Fatalf("the clerk's count: %q", o)
	}

	// An electronic motion and an election, voted by the chair on their
	// own device: a browser context with its own cookies.
	openMotion("Budget for 2026", "electronic")
	clerk.do(chromedp.Click(css(`details:has(#election-form) > summary`)),
		chromedp.SendKeys(css(`#election-form input[name="title"]`), "Election of the secretary general"),
		chromedp.Click(css(`#election-form input[name="candidate"][value="`+person["李娜"]+`"]`)),
		chromedp.Click(css(`#election-form input[name="candidate"][value="`+person["张伟"]+`"]`)))
	clerk.follow(chromedp.Click(css(`#election-form button[type="submit"]`)))
	clerk.shot("meeting-2-open")

	mctx, cancelM := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancelM()
	chair := tab{t: t, ctx: mctx, url: app.URL()}
	chair.login("wang.fang", password)
	chair.follow(chromedp.Navigate(app.URL() + "/my/membership"))
	chair.follow(chromedp.Click(css("#my-meetings-link")))
	chair.follow(chromedp.Click(css(`#my-meetings a[href$="/vote"]`)))
	if s := chair.text("#vote-seats"); !strings.Contains(s, "王芳") || !strings.Contains(s, "张伟 (as proxy)") {
		t.Fatalf("the chair votes for: %q", s)
	}
	for range 2 { // their own seat, then the one they hold the proxy of
		chair.do(chromedp.Click(css(`form.vote-form input[name="confirm"]`)))
		chair.follow(chromedp.Click(css(`form.vote-form button[value="yes"]`)))
	}
	if s := chair.text("#vote-motions"); strings.Count(s, "voted: Yes") != 2 {
		t.Fatalf("after voting: %q", s)
	}
	chair.do(chromedp.Click(css(`form.ballot-form input[name="choice"][value="` + person["李娜"] + `"]`)))
	chair.do(chromedp.Click(css(`form.ballot-form input[name="confirm"]`)))
	chair.follow(chromedp.Click(css(`form.ballot-form button[type="submit"]`)))
	receipt := chair.text("#receipt-code")
	if len(receipt) != 12 {
		t.Fatalf("receipt %q", receipt)
	}
	chair.shot("meeting-3-receipt")
	chair.do(chromedp.Click(css(`form.ballot-form input[name="choice"][value="` + person["李娜"] + `"]`)))
	chair.do(chromedp.Click(css(`form.ballot-form input[name="confirm"]`)))
	chair.follow(chromedp.Click(css(`form.ballot-form button[type="submit"]`)))

	// The clerk closes the votes.
	clerk.follow(chromedp.Navigate(app.URL() + "/meetings/" + strconv.FormatInt(meetingID, 10)))
	if s := clerk.text("#elections"); !strings.Contains(s, "Ballots in: 2 of") {
		t.Fatalf("the turnout while open: %q", s)
	}
	clerk.do(chromedp.Click(css(`form.close-motion input[name="confirm"]`)))
	clerk.follow(chromedp.Click(css(`form.close-motion button[type="submit"]`)))
	clerk.do(chromedp.Click(css(`form.close-election input[name="confirm"]`)))
	clerk.follow(chromedp.Click(css(`form.close-election button[type="submit"]`)))
	if s := clerk.text("#elections"); !strings.Contains(s, "Elected: 李娜") || !strings.Contains(s, "cast 2, valid 2") {
		t.Fatalf("the count: %q", s)
	}

	// The chair finds their receipt in the published list (the page they
	// are on answered the ballot's POST: it is not reloaded).
	chair.follow(chromedp.Navigate(app.URL() + "/meetings/" + strconv.FormatInt(meetingID, 10) + "/vote"))
	chair.follow(chromedp.Click(css(`#vote-elections a[href$="/ballots"]`)))
	chair.do(chromedp.SendKeys(css(`input[name="receipt"]`), receipt))
	chair.follow(chromedp.Submit(css(`input[name="receipt"]`)))
	if s := chair.text("#receipt-result"); !strings.Contains(s, receipt+" is in the list") {
		t.Fatalf("the receipt in the published list: %q", s)
	}

	// The minutes, in English and in Chinese.
	clerk.follow(chromedp.Click(css("#minutes-link")))
	clerk.shot("meeting-4-minutes")
	m := clerk.text("#minutes")
	for _, want := range []string{"Minutes: Council (1st term)", "Represented by 王芳", "Quorum met.", "Annual work report", "3 yes, 0 no, 0 abstaining",
		"Budget for 2026", "2 yes, 0 no", "Votes cast electronically.", "Election of the secretary general", "李娜: 2 votes, elected"} {
		if !strings.Contains(m, want) {
			t.Errorf("the minutes lack %q:\n%s", want, m)
		}
	}
	clerk.follow(chromedp.Click(css("#minutes-other-lang")))
	lang, err := chromedp.Run(bctx, chromedp.AttributeValue(css("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	if m := clerk.text("#minutes"); lang.Value != "zh-Hans" || !strings.Contains(m, "第1届理事会会议纪要") || !strings.Contains(m, "李娜：2票，当选") {
		t.Fatalf("the minutes in Chinese (lang %q):\n%s", lang.Value, m)
	}
}

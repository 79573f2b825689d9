package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
)

// TestBrowserAwards plays a round in a real browser on a phone's width
// (390 px): a recommending unit's staff nominate, the award office checks,
// assigns and decides (after its confirmation), the expert declares and
// scores without seeing who the nominee is, the review moves on to the
// panel (a council meeting), whose page names the expert and whose vote
// the office puts and closes, and the public reads the publicity page with
// its objection form. No page is wider than the screen.
func TestBrowserAwards(t *testing.T) {
	exe := chromium(t)
	app := startApp(t)
	ctx := context.Background()
	setup := kexie.SystemActor("test")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	root, err := app.DB.Registry.OrgByCode(ctx, registry.RootCode)
	must(err)
	hlj, err := app.DB.Registry.CreateOrg(ctx, setup, kexie.Organisation{Code: "HLJ", ParentID: root.ID, Kind: "provincial_association", NameZH: "黑龙江省科学技术协会",
		NameEN: "Heilongjiang Association for Science and Technology"})
	must(err)
	hit, err := app.DB.Registry.CreateOrg(ctx, setup, kexie.Organisation{Code: "HIT", ParentID: hlj.ID, Kind: "university_association", NameZH: "哈尔滨工业大学科协",
		NameEN: "HIT Association for Science and Technology"})
	must(err)
	const password = "奖励测试的密码-2026"
	user := func(name string, role kexie.Role, org int64) kexie.User {
		u, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: name, Password: password, Role: role, OrgID: org})
		must(err)
		return u
	}
	secretary := user("hlj.awards", kexie.RoleAwardSecretary, hlj.ID)
	// The award office also clerks the panel's meetings.
	must(app.DB.Access.GrantRole(ctx, setup, secretary.ID, hlj.ID, kexie.RoleStaff))
	user("hit.staff", kexie.RoleStaff, hit.ID)
	expert := user("expert.li", kexie.RoleReviewer, hlj.ID)
	today := kexie.Today(time.Now())
	p, err := app.DB.Awards.CreateProgramme(ctx, setup, awards.Programme{OrgID: hlj.ID, Code: "HLJ-YOUTH", NameZH: "黑龙江青年科技奖", NameEN: "Heilongjiang Youth S&T Award",
		Bodies: []awards.Body{{Name: "中共黑龙江省委组织部"}, {Name: "黑龙江省人事厅"}, {OrgID: hlj.ID, Name: "黑龙江省科学技术协会"}}, CycleYears: 2, TotalCap: 30,
		Grades:      []awardrule.Grade{{Code: "only", NameZH: "青年科技奖", NameEN: "Youth S&T Award"}},
		Eligibility: awardrule.Eligibility{MaxAge: 39},
		Form:        []awardrule.Criterion{{Code: "innovation", NameZH: "创新性", NameEN: "Innovation", Weight: 2, Max: 10}, {Code: "impact", NameZH: "影响力", NameEN: "Impact", Weight: 1, Max: 10}}})
	must(err)
	r, err := app.DB.Awards.CreateRound(ctx, setup, p.ID, awards.Round{Year: today.Year(), NominateFrom: today.AddDays(-5), NominateTo: today.AddDays(20),
		PublicityDays: 7, ExpertsPer: 1, HideNominee: true, Units: []awards.Unit{{OrgID: hit.ID, Quota: 2}}})
	must(err)
	_, err = app.DB.Awards.AddExpert(ctx, setup, p.ID, awards.Expert{UserID: expert.ID, Name: "李专家", Employer: "东北林业大学"}, nil)
	must(err)
	round := fmt.Sprintf("%s/award-rounds/%d", app.URL(), r.ID)
	// The panel: HLJ's council, three members present; the round's review
	// a written stage, then the panel.
	var rows []kexie.MemberRecord
	for i := range 3 {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("P%d", i), OrgCode: "HLJ", Type: "individual",
			Name: fmt.Sprintf("评委%d", i+1), Status: "active", Joined: "2020-01-01"})
	}
	_, err = app.DB.Membership.ImportMembers(ctx, setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	must(err)
	body, err := app.DB.Governance.CreateBody(ctx, setup, hlj.ID, charter.Council, "黑龙江省科协委员会", "Committee")
	must(err)
	term, err := app.DB.Governance.StartTerm(ctx, setup, body.ID, 1, today.AddDays(-400).String())
	must(err)
	meeting, err := app.DB.Governance.CreateMeeting(ctx, setup, term.ID, governance.NewMeeting{Held: today.String()})
	must(err)
	var present []governance.Presence
	for i := range 3 {
		m, err := app.DB.Membership.MemberByNo(ctx, hlj.ID, fmt.Sprintf("P%d", i))
		must(err)
		seat, err := app.DB.Governance.AddSeat(ctx, setup, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: today.AddDays(-400).String()})
		must(err)
		present = append(present, governance.Presence{SeatID: seat, Status: charter.Present})
	}
	must(app.DB.Governance.SetAttendance(ctx, setup, meeting, present))
	must(app.DB.Awards.SetStages(ctx, setup, r.ID, []awards.Stage{{Kind: "written", NameZH: "书面评审"}, {Kind: "panel", NameZH: "评审会", MeetingID: meeting}}))

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 150*time.Second)
	defer cancelT()
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	must(chromedp.Do(bctx, chromedp.Navigate("about:blank"))) // the browser, before its contexts
	// phone opens a tab with cookies of its own, 390 px wide.
	phone := func() tab {
		c, _ := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		b := tab{t: t, ctx: c, url: app.URL()}
		b.do(chromedp.EmulateViewport(390, 844))
		return b
	}
	narrow := func(b tab, what string) {
		t.Helper()
		w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 390 {
			t.Errorf("%s is %d px wide on a 390 px screen", what, w)
		}
	}

	// The unit nominates from its phone, reaching the round from the nav.
	unit := phone()
	unit.login("hit.staff", password)
	unit.do(chromedp.Click(css(`label.menu-button`))) // the menu is folded at 390 px
	unit.follow(chromedp.Click(css(`nav.main a[href="/awards"]`)))
	unit.follow(chromedp.Click(css(`#award-rounds a`)))
	narrow(unit, "the unit's round page")
	unit.do(chromedp.SendKeys(css(`#nominate-form input[name="name"]`), "张三"),
		chromedp.SetValue(css(`#nominate-form input[name="birth_date"]`), fmt.Sprintf("%d-05-04", today.Year()-30)),
		chromedp.SendKeys(css(`#nominate-form input[name="id_number"]`), "23010219950504123x"),
		chromedp.SendKeys(css(`#nominate-form input[name="employer"]`), "哈尔滨工业大学"),
		chromedp.SendKeys(css(`#nominate-form textarea[name="summary"]`), "在新型材料方面取得突出成果"),
		chromedp.SendKeys(css(`#nominate-form textarea[name="achievements"]`), "主要成就：新型复合材料的研制与应用"))
	unit.follow(chromedp.Click(css(`#nominate-form button[type="submit"]`)))
	if s := unit.text("#nominations"); !strings.Contains(s, "张三") || !strings.Contains(s, "230102************") {
		t.Fatalf("the unit's nominations: %q", s)
	}
	unit.shot("awards-1-nominated")

	// The office: the check, the review stage, the assignment.
	office := phone()
	office.login("hlj.awards", password)
	office.follow(chromedp.Navigate(round))
	advance := func() {
		office.do(chromedp.Click(css(`#advance > summary`)))
		office.follow(chromedp.Click(css(`#advance button[type="submit"]`)))
	}
	advance()
	office.follow(chromedp.Click(css(`#nominations form button[type="submit"]`)))
	advance()
	office.follow(chromedp.Click(css(`form[action$="/assignment"] button[type="submit"]`)))
	if s := office.text("#assign-result"); !strings.Contains(s, "1") {
		t.Fatalf("assignment: %q", s)
	}
	narrow(office, "the office's round page")

	// The expert: declaration, then the materials without the name, then the scores.
	exp := phone()
	exp.login("expert.li", password)
	exp.follow(chromedp.Navigate(app.URL() + "/my/reviews"))
	exp.follow(chromedp.Click(css(`#reviews a`)))
	exp.follow(chromedp.Click(css(`#declare-none`)))
	if s := exp.text("main"); strings.Contains(s, "张三") || strings.Contains(s, "哈尔滨工业大学") || !strings.Contains(s, "新型复合材料") {
		t.Fatalf("the expert's page: %q", s)
	}
	exp.do(chromedp.SendKeys(css(`input[name="score_innovation"]`), "9"), chromedp.SendKeys(css(`input[name="score_impact"]`), "8"))
	exp.follow(chromedp.Click(css(`#score-form button[type="submit"]`)))
	narrow(exp, "the expert's review page")
	exp.shot("awards-2-scored")

	// On to the panel (the top 1, after a confirmation); its page names
	// the expert; the vote put, counted by the clerk, and closed.
	office.follow(chromedp.Navigate(round))
	office.do(chromedp.Click(css(`#review-stage > summary`)))
	office.follow(chromedp.Click(css(`#review-stage button[type="submit"]`)))
	office.follow(chromedp.Click(css(`#panel-link`)))
	if s := office.text("main"); !strings.Contains(s, "张三") || !strings.Contains(s, "李专家") {
		t.Fatalf("the panel's page: %q", s)
	}
	narrow(office, "the panel's page")
	office.shot("awards-3-panel")
	office.follow(chromedp.Navigate(round))
	office.do(chromedp.Click(css(`#ranking details.panel-vote > summary`)), chromedp.SetValue(css(`select[name="counted_by"]`), "clerk"))
	office.follow(chromedp.Click(css(`button[form^="panel-open-"]`)))
	office.do(chromedp.Click(css(`#ranking details.panel-vote > summary`)), chromedp.SendKeys(css(`input[name="yes"]`), "3"),
		chromedp.SendKeys(css(`input[name="no"]`), "0"))
	office.follow(chromedp.Click(css(`button[form^="panel-close-"]`)))
	if s := office.text("#ranking"); !strings.Contains(s, "通过") && !strings.Contains(s, "passed") {
		t.Fatalf("the panel's vote: %q", s)
	}
	narrow(office, "the round page at the panel")

	// The decision, after its confirmation.
	advance()
	office.do(chromedp.SetValue(css(`#ranking select`), "only"), chromedp.Click(css(`#decide > summary`)),
		chromedp.SendKeys(css(`#decide input[name="resolution"]`), "省科协常委会第5次会议决议"))
	office.follow(chromedp.Click(css(`#decide button[type="submit"]`)))

	// The public: the list from the nav, the publicity page, the objection form.
	public := phone()
	public.follow(chromedp.Navigate(app.URL() + "/"))
	public.do(chromedp.Click(css(`label.menu-button`))) // the menu is folded at 390 px
	public.follow(chromedp.Click(css(`nav.main a[href="/awards/publicity"]`)))
	public.follow(chromedp.Click(css(`#public-rounds a`)))
	if s := public.text("#winners"); !strings.Contains(s, "张三") || !strings.Contains(s, "哈尔滨工业大学") || strings.Contains(s, "2301") {
		t.Fatalf("publicity: %q", s)
	}
	public.do(chromedp.WaitVisible(css(`#objection-form`)))
	narrow(public, "the publicity page")
	public.shot("awards-4-publicity")
}

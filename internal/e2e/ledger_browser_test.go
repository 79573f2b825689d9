package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
)

// TestBrowserLedger: in a real browser, the treasurer records an entry on
// the books' page (amounts typed in yuan) on a desktop's width; the
// accountant, on a phone (390 px), sees it awaiting approval, approves it
// and opens the statement of activities, where it shows, then the
// statements of this month picked with the month fields; the treasurer,
// who may not approve, is offered no approval. No page is wider than the
// phone's screen.
func TestBrowserLedger(t *testing.T) {
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
	const password = "账簿测试的密码-2026"
	for name, role := range map[string]kexie.Role{"hlj.cashier": kexie.RoleTreasurer, "hlj.accountant": kexie.RoleAccountant} {
		_, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: name, Password: password, Role: role, OrgID: hlj.ID})
		must(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 150*time.Second)
	defer cancelT()
	must(chromedp.Do(bctx, chromedp.Navigate("about:blank")))
	open := func(width, height int64) tab {
		c, _ := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		b := tab{t: t, ctx: c, url: app.URL()}
		b.do(chromedp.EmulateViewport(width, height))
		return b
	}
	narrow := func(b tab, what string) {
		t.Helper()
		w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		must(err)
		if w > 390 {
			t.Errorf("%s is %d px wide on a 390 px screen", what, w)
		}
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	books := app.URL() + "/orgs/HLJ/ledger"

	// The treasurer records: 借 1002 银行存款 / 贷 4401 政府补助收入, 1,234.56 yuan.
	cashier := open(1280, 900)
	cashier.login("hlj.cashier", password)
	cashier.follow(chromedp.Navigate(books))
	row := func(n, field string) chromedp.CSS {
		return css(`#ledger-record tbody tr:nth-child(` + n + `) [name="` + field + `"]`)
	}
	cashier.do(chromedp.SendKeys(css(`#ledger-record input[name="reference"]`), "PZ-0001"),
		chromedp.SendKeys(css(`#ledger-record input[name="memo"]`), "财政拨款"),
		chromedp.SetValue(row("1", "account"), "1002"), chromedp.SendKeys(row("1", "debit"), "1234.56"),
		chromedp.SetValue(row("2", "account"), "4401"), chromedp.SendKeys(row("2", "credit"), "1234.56"))
	cashier.follow(chromedp.Click(css(`#ledger-record button`)))
	if s := cashier.text("#ledger-pending"); !strings.Contains(s, "PZ-0001") || !strings.Contains(s, "1234.56") {
		t.Fatalf("the recorded entry does not await approval: %q", s)
	}
	if cashier.visible(`#ledger-pending form[action$="/approve"]`) {
		t.Fatal("the treasurer who recorded it is offered its approval")
	}
	cashier.shot("ledger-1-recorded")

	// The accountant approves it on a phone.
	acct := open(390, 844)
	acct.login("hlj.accountant", password)
	acct.follow(chromedp.Navigate(books))
	narrow(acct, "the books' page")
	if s := acct.text("#ledger-pending"); !strings.Contains(s, "PZ-0001") {
		t.Fatalf("the accountant's pending list: %q", s)
	}
	acct.follow(chromedp.Click(css(`#ledger-pending form[action$="/approve"] button`)))
	if acct.visible(`#ledger-pending`) {
		t.Fatalf("still pending after the approval: %q", acct.text("#ledger-pending"))
	}
	if s := acct.text("#ledger-journal"); !strings.Contains(s, "PZ-0001") || !strings.Contains(s, "hlj.accountant") && !strings.Contains(s, "accountant") {
		t.Fatalf("the journal after the approval: %q", s)
	}
	acct.shot("ledger-2-approved")

	// The statement of activities, from the books' page, on the phone.
	acct.follow(chromedp.Click(css(`a[href="/orgs/HLJ/ledger/statements"]`)))
	narrow(acct, "the statements page")
	s := acct.text("#activities")
	if !strings.Contains(s, "4401") || !strings.Contains(s, "1234.56") {
		t.Fatalf("the statement of activities: %q", s)
	}
	acct.shot("ledger-3-statement")
	// A period of whole months picked on the phone (this month alone):
	// income by source and the balance sheet at its end follow it.
	month := kexie.Today(time.Now()).String()[:7]
	acct.do(chromedp.SetValue(css(`#period-months input[name="from"]`), month), chromedp.SetValue(css(`#period-months input[name="to"]`), month))
	acct.follow(chromedp.Click(css(`#period-months button`)))
	narrow(acct, "the statements of a month")
	if s := acct.text("#activities-heading"); !strings.Contains(s, month) {
		t.Fatalf("the period's heading: %q", s)
	}
	for _, id := range []string{"#activities", "#sources", "#balance-sheet"} {
		if s := acct.text(id); !strings.Contains(s, "1234.56") {
			t.Fatalf("%s of the month: %q", id, s)
		}
	}
	acct.shot("ledger-4-period")
	// And on the desktop, for the treasurer.
	cashier.follow(chromedp.Navigate(books + "/statements"))
	if s := cashier.text("#activities"); !strings.Contains(s, "1234.56") {
		t.Fatalf("the treasurer's statement of activities: %q", s)
	}
	if p, err := app.DB.Finance.Verify(ctx, hlj.ID); err != nil || len(p) > 0 {
		t.Fatalf("verify: %v %v", p, err)
	}
}

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/demo"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
)

// narrowWidth is a phone's width in CSS pixels (an iPhone 12 to 15).
const narrowWidth = 390

// TestBrowserNarrowWalk walks every page an administrator and a member can
// reach, at 390 px wide, in Chinese and in English, and measures each: the
// document is never wider than the window (a table may scroll inside its
// own .scroll wrapper). The menu is folded behind a button at that width
// and opens when it is pressed.
func TestBrowserNarrowWalk(t *testing.T) {
	exe := chromium(t)
	app := startApp(t)
	ctx := context.Background()
	setup := kexie.SystemActor("test")
	if _, err := demo.Load(ctx, app.DB.DB, setup); err != nil {
		t.Fatal(err)
	}
	root, err := app.DB.Registry.OrgByCode(ctx, registry.RootCode)
	if err != nil {
		t.Fatal(err)
	}
	const password = "窄屏测试的密码-2026"
	if _, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: "walk.admin", DisplayName: "管理员", Password: password,
		Role: kexie.RoleSysAdmin, OrgID: root.ID}); err != nil {
		t.Fatal(err)
	}
	memberUser, err := app.DB.Access.CreateUser(ctx, setup, access.NewUser{Username: "walk.member", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	chia, err := app.DB.Registry.OrgByCode(ctx, "CHIA")
	if err != nil {
		t.Fatal(err)
	}
	seatHolder, err := app.DB.Membership.MemberByNo(ctx, chia.ID, "CHIA-G001")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Membership.LinkMemberAccount(ctx, setup, memberUser.ID, seatHolder.ID); err != nil {
		t.Fatal(err)
	}

	// A member with a card (issued on approval), for its page.
	today := kexie.Today(app.DB.DB.Now()).String()
	carded, _, err := app.DB.Membership.Apply(ctx, setup, chia.ID, kexie.MemberRecord{Type: "individual", Name: "欧阳明月", Gender: "female"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []membership.Decision{{Action: "review", Day: today}, {Action: "approve", Day: today, Body: "council", Resolution: "R1"}} {
		if _, err := app.DB.Membership.Decide(ctx, setup, carded, d); err != nil {
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

	// Pages to start from, beside every link the pages show.
	seeds := map[string][]string{
		"walk.admin": {"/", "/orgs", "/orgs/HLJ", "/orgs/CHIA", "/orgs/CHIA/governance", "/orgs/HLJ/governance", "/members", "/applications",
			"/applications?stage=approved", "/applications?stage=rejected", "/lapse", "/filings", "/audit", "/admin/users", "/import/orgs", "/import/members", "/orgs/HLJ/dues",
			"/orgs/HLJ/ledger", "/orgs/HLJ/ledger/funds", "/orgs/HLJ/ledger/statements", "/orgs/HLJ/ledger/receipts", "/account",
			"/account/password", "/apply", "/apply/HLJ", fmt.Sprintf("/members/%d", carded), fmt.Sprintf("/members/%d/card", carded)},
		"walk.member": {"/", "/my/membership", "/my/meetings", "/account", "/account/password", "/apply"},
	}
	// One browser; each walk in a browser context of its own (its own
	// cookies).
	browser, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"walk.admin", "walk.member"} {
		for _, lang := range []string{"zh-Hans", "en"} {
			t.Run(user+"/"+lang, func(t *testing.T) {
				bctx, cancelB := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
				defer cancelB()
				bctx, cancelT := context.WithTimeout(bctx, 2*time.Minute)
				defer cancelT()
				b := tab{t: t, ctx: bctx, url: app.URL()}
				b.do(chromedp.EmulateViewport(narrowWidth, 844))
				b.follow(chromedp.Navigate(b.url + "/login"))
				b.do(chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), password))
				b.follow(chromedp.Click(chromedp.CSS("#login-submit")))

				// The menu is folded: its links (and the language and
				// sign-out buttons) are hidden until the menu button is
				// pressed.
				if b.visible(`nav.main a`) || b.visible(`#logout`) {
					t.Fatalf("at %d px the menu shows before it is opened", narrowWidth)
				}
				if !b.visible(`label.menu-button`) {
					t.Fatalf("at %d px there is no menu button", narrowWidth)
				}
				b.do(chromedp.Click(chromedp.CSS(`label.menu-button`)))
				if !b.visible(`nav.main a`) || !b.visible(`#logout`) {
					t.Fatalf("at %d px the menu does not open", narrowWidth)
				}
				b.follow(chromedp.Click(chromedp.CSS(`button[name="lang"][value="` + lang + `"]`)))

				visited := b.walk(seeds[user], 70, lang)
				if len(visited) < len(seeds[user]) {
					t.Fatalf("walked only %d pages: %v", len(visited), visited)
				}
				t.Logf("%d pages at %d px: %s", len(visited), narrowWidth, strings.Join(visited, " "))
			})
		}
	}
}

// visible tells whether the first element matching sel takes up room.
func (b tab) visible(sel string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && e.getClientRects().length > 0; })()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// skipLink: files (PDF, spreadsheets, images), the API, the sign-out and
// what is not a page of the site.
var skipLink = regexp.MustCompile(`\.(pdf|csv|xlsx|png|json|ics)$|^/(api|static|export|metrics|healthz|logout)\b|/(pdf|download|rejected)$`)

// shapeSegment is a path segment that names one object (a code, a number),
// not a kind of page.
var shapeSegment = regexp.MustCompile(`^[a-z_]+$`)

// pageShape is a path with each object's name replaced by "*": pages of one
// shape share a template, and the walk measures two of each.
func pageShape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if i > 1 && !shapeSegment.MatchString(s) || i == 1 && s != "" && !shapeSegment.MatchString(s) {
			segs[i] = "*"
		}
	}
	return strings.Join(segs, "/")
}

// walk visits the seeds, then the links of every page visited, at most
// two pages of a shape and limit pages in all, and fails on any page wider
// than the window, and on a Chinese page, on any English word in the
// interface (see latinWordsJS). It answers the paths visited.
func (b tab) walk(seeds []string, limit int, lang string) []string {
	b.t.Helper()
	queue := append([]string(nil), seeds...)
	seen, shapes := map[string]bool{}, map[string]int{}
	var visited []string
	for len(queue) > 0 && len(visited) < limit {
		p := queue[0]
		queue = queue[1:]
		u, err := url.Parse(p)
		if err != nil || seen[p] {
			continue
		}
		seen[p] = true
		shape := pageShape(u.Path)
		if shapes[shape] >= 2 && !isSeed(seeds, p) {
			continue
		}
		shapes[shape]++
		res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.url+p))
		if err != nil {
			b.t.Fatalf("%s: %v", p, err)
		}
		if res.Status >= 400 {
			b.t.Errorf("%s answered %d", p, res.Status)
			continue
		}
		if res.MimeType != "text/html" {
			continue
		}
		visited = append(visited, p)
		type overflow struct {
			ScrollWidth, InnerWidth int
			Culprits                []string
		}
		o, err := chromedp.Run(b.ctx, chromedp.Evaluate[overflow](overflowJS))
		if err != nil {
			b.t.Fatalf("%s: %v", p, err)
		}
		if o.ScrollWidth > o.InnerWidth {
			b.shot("narrow" + strings.ReplaceAll(p, "/", "_"))
			b.t.Errorf("%s is %d px wide in a window of %d: %s", p, o.ScrollWidth, o.InnerWidth, strings.Join(o.Culprits, "; "))
		}
		if lang == "zh-Hans" {
			words, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](latinWordsJS))
			if err != nil {
				b.t.Fatalf("%s: %v", p, err)
			}
			if len(words) > 0 {
				b.t.Errorf("%s in Chinese shows English: %s", p, strings.Join(words, "; "))
			}
		}
		links, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))`))
		if err != nil {
			b.t.Fatalf("%s: %v", p, err)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "/") || strings.HasPrefix(l, "//") {
				continue
			}
			lu, err := url.Parse(l)
			if err != nil || skipLink.MatchString(lu.Path) {
				continue
			}
			lu.Fragment = ""
			if !seen[lu.String()] {
				queue = append(queue, lu.String())
			}
		}
	}
	return visited
}

func isSeed(seeds []string, p string) bool {
	for _, s := range seeds {
		if s == p {
			return true
		}
	}
	return false
}

// overflowJS measures the document and names the innermost elements that
// reach past the window's right edge, outside any element that scrolls
// (or clips) its own content, such as a .scroll wrapper.
const overflowJS = `(() => {
  const w = window.innerWidth, out = [];
  for (const e of document.body.querySelectorAll('*')) {
    let inner = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { inner = true; break; }
    }
    if (inner) continue;
    const r = e.getBoundingClientRect();
    if (r.right > w + 0.5 && r.width > 0) {
      out.push({el: e, d: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + ' right=' + Math.round(r.right) + ' "' + (e.textContent || '').trim().slice(0, 40) + '"'});
    }
  }
  const leaves = out.filter(o => !out.some(p => p !== o && o.el.contains(p.el)));
  return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: w, Culprits: leaves.slice(0, 8).map(o => o.d)};
})()`

// latinWordsJS lists the words in Latin letters a Chinese page shows, with
// where they are: text, buttons, options, placeholders and titles. Codes
// (upper case, digits, hyphens: CAST, HLJ-CTY-001, UTF-8, XLSX), what is
// marked as code, as not to be translated (a URL) or as written in another
// language (people's and organisations' English names, lang="en") are not
// interface words; nor are the pinyin examples of the search boxes and the
// application form (what to type), and the walk's own usernames (data).
const latinWordsJS = `(() => {
  const out = new Map();
  const allowed = new Set(['heilongjiang', 'wangfang', 'wf', 'zeng', 'xiaoming', 'walk.admin', 'walk.member']);
  const skip = n => n.closest('code, .code, script, style, [translate="no"], [lang]:not([lang="zh-Hans"]), .brand');
  const add = (text, where) => {
    for (const w of (text || '').match(/[A-Za-z][A-Za-z'_.]*[A-Za-z]|[A-Za-z]/g) || []) {
      if (/^[A-Z0-9][A-Z0-9.-]*$/.test(w) || allowed.has(w)) continue;
      if (!out.has(w)) out.set(w, where);
    }
  };
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!e || skip(e)) continue;
    add(n.nodeValue, describe(e));
  }
  for (const e of document.querySelectorAll('[placeholder], [title], input[type=submit][value], [aria-label]')) {
    if (skip(e)) continue;
    add(e.getAttribute('placeholder'), describe(e) + '@placeholder');
    add(e.getAttribute('title'), describe(e) + '@title');
    add(e.getAttribute('aria-label'), describe(e) + '@aria-label');
  }
  return [...out].slice(0, 30).map(([w, where]) => w + ' (' + where + ')');
})()`
